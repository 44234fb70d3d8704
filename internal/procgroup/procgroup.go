// Package procgroup runs a child process in a process group of its own, so
// that a deadline, a Ctrl-C or a new build can kill the child and all it
// started: the go command's compiler and linker, a test binary, a stage. It
// is what the tutor, the exercise checker and the benchmark share.
package procgroup

import (
	"errors"
	"os/exec"
	"syscall"
)

// Own puts cmd, not started yet, in a new process group. For a command
// made with exec.CommandContext (which sets cmd.Cancel), the end of the
// context then kills that whole group instead of cmd alone; a command made
// with exec.Command has no Cancel, and gets none (Start would refuse it).
func Own(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if cmd.Cancel != nil {
		cmd.Cancel = func() error { return Kill(cmd) }
	}
}

// Kill kills the process group Own gave cmd. A command that never started,
// or whose group is gone already, is not an error.
func Kill(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
