// These tests run the tutor as a real process, without a terminal, and stop
// it with a signal the way a closed terminal window or kill(1) would: it
// must exit, remove its temp folder, and leave no stage or build running.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/stagetest"
)

// buildTutor compiles this package into a temp folder and returns the
// binary's path.
func buildTutor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tutor")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build the tutor: %s", out)
	return bin
}

// tutorTemp lists the tutor's temp folders under tmp.
func tutorTemp(t *testing.T, tmp string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(tmp, "loopfromscratch-tutor-*"))
	require.NoError(t, err)
	return m
}

// processesMentioning lists the processes whose command line names path
// (a stage binary, go build's -o or work folder); nil where /proc is
// missing.
func processesMentioning(path string) []string {
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var found []string
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err == nil && bytes.Contains(b, []byte(path)) {
			found = append(found, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

// eventually polls cond every 10 ms for up to limit: a generous limit for a
// busy machine, never a measurement.
func eventually(t *testing.T, limit time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: "+format, append([]any{limit}, args...)...)
		}
	}
}

// waitExit waits for cmd to exit, killing it if it does not within limit.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) error {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("the tutor did not exit within %s of the signal", limit)
		return nil
	}
}

func TestRunSubcommandCleansUpOnSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tutor and a stage")
	}
	repoStage(t, "1")
	bin := buildTutor(t)
	tests := []struct {
		name   string
		sig    syscall.Signal
		during string // stdout text to wait for before the signal
	}{
		{name: "SIGHUP while the stage runs (the terminal closed)", sig: syscall.SIGHUP, during: "running stage1-callbacks"},
		{name: "SIGTERM while the stage runs (kill)", sig: syscall.SIGTERM, during: "running stage1-callbacks"},
		{name: "SIGINT while the stage runs (Ctrl-C)", sig: syscall.SIGINT, during: "running stage1-callbacks"},
		{name: "SIGHUP while the stage builds", sig: syscall.SIGHUP, during: "building ./stage1-callbacks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			var stdout, stderr stagetest.SyncBuffer
			cmd := exec.Command(bin, "run", "1", "-delay", "10m")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start(), "start the tutor")

			eventually(t, time.Minute, func() bool { return strings.Contains(stdout.String(), tt.during) },
				"no %q; stdout:\n%s\nstderr:\n%s", tt.during, &stdout, &stderr)
			require.Len(t, tutorTemp(t, tmp), 1, "the tutor made its temp folder in TMPDIR")
			require.NoError(t, cmd.Process.Signal(tt.sig))

			err := waitExit(t, cmd, time.Minute)
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "the tutor exits with a failure, not killed by the signal; stdout:\n%s", &stdout)
			assert.Equal(t, exitFail, exit.ExitCode(), "exit code; stderr:\n%s", &stderr)
			assert.Empty(t, tutorTemp(t, tmp), "the temp folder is removed")
			assert.Empty(t, processesMentioning(tmp), "no build or stage process is left")
			if strings.HasPrefix(tt.during, "running") {
				out := stdout.String()
				assert.Contains(t, out, "Interrupted after", "the run says it was interrupted")
				assert.Contains(t, out, "signal received")
				assert.Contains(t, out, "still pending")
				assert.NotContains(t, out, "0.00s")
				assert.NotContains(t, out, "One at a time", "an interrupted run is not measured")
			}
		})
	}
}
