// TestMain keeps the tests away from the learner's progress file, pins the
// colour profile for the golden files, and checks no goroutine leaks.

package main

import (
	"os"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
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
