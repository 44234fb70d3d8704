// These tests start the interactive tutor on a pseudo-terminal, as a
// terminal emulator would, and then close the window: a SIGHUP, a SIGTERM,
// or the terminal itself going away. The tutor must restore nothing it
// cannot, exit, and remove its temp folder.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair of size 80×24.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(master.Fd())
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlock the pty")
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err, "the pty's number")
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err, "open the pty's terminal side")
	require.NoError(t, unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}))
	return master, slave
}

// actLikeATerminal reads what the tutor draws, so it never blocks on a full
// pty, and answers the background-colour query that Bubble Tea makes at
// start-up as a terminal would (termenv waits 5 s for an answer otherwise).
func actLikeATerminal(master *os.File) {
	buf := make([]byte, 4096)
	for {
		n, err := master.Read(buf)
		if bytes.Contains(buf[:n], []byte("\x1b]11;?")) {
			_, _ = master.WriteString("\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[1;1R")
		}
		if err != nil {
			return
		}
	}
}

func TestTUICleansUpWhenItsTerminalCloses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tutor")
	}
	bin := buildTutor(t)
	tests := []struct {
		name  string
		close func(cmd *exec.Cmd, master *os.File) error
	}{
		{name: "SIGHUP", close: func(cmd *exec.Cmd, _ *os.File) error { return cmd.Process.Signal(syscall.SIGHUP) }},
		{name: "SIGTERM", close: func(cmd *exec.Cmd, _ *os.File) error { return cmd.Process.Signal(syscall.SIGTERM) }},
		{name: "the terminal window closed (the kernel sends SIGHUP)", close: func(_ *exec.Cmd, master *os.File) error { return master.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			master, slave := openPTY(t)
			defer master.Close()
			cmd := exec.Command(bin)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp, "XDG_CONFIG_HOME="+tmp, "TERM=xterm-256color")
			cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
			// Its own session, with the pty as its controlling terminal, as
			// a terminal emulator starts a shell.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			require.NoError(t, cmd.Start(), "start the tutor on a pty")
			slave.Close()
			drained := make(chan struct{})
			go func() {
				actLikeATerminal(master)
				close(drained)
			}()

			began := time.Now()
			eventually(t, time.Minute, func() bool { return len(tutorTemp(t, tmp)) == 1 }, "the tutor never made its temp folder")
			t.Logf("folder after %s", time.Since(began))
			require.NoError(t, tt.close(cmd, master))
			began = time.Now()

			err := waitExit(t, cmd, time.Minute)
			t.Logf("exit after %s", time.Since(began))
			var exit *exec.ExitError
			if err != nil {
				require.ErrorAs(t, err, &exit)
				assert.False(t, exit.Sys().(syscall.WaitStatus).Signaled(), "the tutor exits by itself, not killed by the signal: %v", err)
			}
			assert.Empty(t, tutorTemp(t, tmp), "the temp folder is removed")
			master.Close()
			<-drained
		})
	}
}
