package procgroup

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCancellingTheContextKillsTheChildAndWhatItStarted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	// The shell starts a grandchild and prints its pid; both sleep.
	cmd := exec.CommandContext(ctx, "sh", "-c", "sleep 60 & echo $!; wait")
	Own(cmd)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err, "stdout pipe")
	require.NoError(t, cmd.Start(), "start sh")
	buf := make([]byte, 32)
	n, err := out.Read(buf)
	require.NoError(t, err, "read the grandchild's pid")
	grandchild, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	require.NoError(t, err, "pid %q", buf[:n])

	cancel()
	_ = cmd.Wait()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a timing claim
	for syscall.Kill(grandchild, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // killed, it may wait a moment to be reaped by init
		if isZombie(grandchild) {
			break
		}
	}
	assert.True(t, syscall.Kill(grandchild, 0) != nil || isZombie(grandchild), "the grandchild %d outlived its group", grandchild)
}

func TestACommandWithoutAContextStartsInItsOwnGroup(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	Own(cmd)
	require.NoError(t, cmd.Start(), "a command made without a context must still start")
	pgid, err := syscall.Getpgid(cmd.Process.Pid)
	require.NoError(t, err, "getpgid")
	assert.Equal(t, cmd.Process.Pid, pgid, "the child leads a group of its own")
	require.NoError(t, Kill(cmd), "kill its group")
	_ = cmd.Wait()
}

func TestKillingACommandThatNeverStartedIsNoError(t *testing.T) {
	assert.NoError(t, Kill(exec.Command("true")))
}

// isZombie reports whether pid has exited and waits to be reaped.
func isZombie(pid int) bool {
	b, err := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(pid)).Output()
	return err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "Z")
}
