// TestMain keeps the tests away from the learner's progress file (but
// not from the Go build and module caches), pins the
// colour profile for the golden files, and checks no goroutine leaks.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The go commands that tests run (stage builds, the tutor itself) keep
	// using the real build and module caches: under the fake HOME below
	// they would start cold, compile everything and download modules.
	for _, name := range []string{"GOCACHE", "GOMODCACHE"} {
		if os.Getenv(name) != "" {
			continue
		}
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			panic(fmt.Sprintf("go env %s: %v", name, err))
		}
		os.Setenv(name, strings.TrimSpace(string(out)))
	}
	// Never touch the learner's real progress file.
	home, err := os.MkdirTemp("", "tutor-test-home-")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", home+"/config")
	// Golden files hold plain text: no colours, whatever the terminal.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)

	goleak.VerifyTestMain(m,
		// teatest waits for an interrupt for as long as the test binary
		// lives.
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2"),
		goleak.Cleanup(func(code int) {
			os.RemoveAll(home)
			os.Exit(code)
		}),
	)
}
