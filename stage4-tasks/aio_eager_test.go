package main

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
	"github.com/loopfromscratch/loop/internal/trace"
)

// Runs of each kind: the lessons' size, and one that connects eagerly.
const (
	smallRun = 10
	bigRun   = eagerAbove + 1
)

// writeWaits counts the awaits of Writable in a trace: each registers a
// future for "write".
func writeWaits(events []trace.Event) int {
	return count(events, trace.Register, func(e trace.Event) bool { return e.Dir == "write" })
}

func TestOnlyABigRunSkipsTheAwaitOfAConnectThatIsOverAlready(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 20 * time.Millisecond})
	server := resolveForTest(t, srv.Addr())
	for _, tc := range []struct {
		n          int
		writeWaits int
		why        string
	}{
		{smallRun, 3, "a lesson-sized run awaits every connect, as the chapter tells it"},
		{bigRun, 0, "a big run asks poll first, and on Linux's loopback the handshake is always over"},
	} {
		t.Run(fmt.Sprintf("n=%d", tc.n), func(t *testing.T) {
			loop := newTestLoop(t)
			run := &stagecli.Run{N: tc.n, Server: server, Trace: loop.tr, Timeout: time.Minute}
			tasks := []*Task[string]{newRequest(loop.EventLoop, run, 1), newRequest(loop.EventLoop, run, 2), newRequest(loop.EventLoop, run, 3)}
			require.NoError(t, loop.Run(), "Run")
			for i, task := range tasks {
				reply, err := task.Result()
				require.NoError(t, err, "request %d", i+1)
				assert.Equal(t, fmt.Sprintf("Response to Request %d\n", i+1), reply)
			}
			if runtime.GOOS == "linux" || tc.n == smallRun {
				assert.Equal(t, tc.writeWaits, writeWaits(loop.traceEvents(t)), tc.why)
			}
		})
	}
}

func TestABigRunStillAwaitsAConnectThatIsNotOver(t *testing.T) {
	// Past the unaccepting listener's backlog of one, the kernel drops
	// the SYNs: those connects stay in progress, so poll says not yet.
	server := resolveForTest(t, stagetest.UnacceptingServer(t))
	loop := newTestLoop(t)
	run := &stagecli.Run{N: bigRun, Server: server, Trace: loop.tr, Timeout: 300 * time.Millisecond}
	var tasks []*Task[string]
	for req := 1; req <= 4; req++ {
		tasks = append(tasks, newRequest(loop.EventLoop, run, req))
	}
	require.NoError(t, loop.Run(), "Run")
	for i, task := range tasks {
		_, err := task.Result()
		assert.ErrorIs(t, err, ErrTimeout, "request %d: no reply from a server that never accepts", i+1)
	}
	assert.GreaterOrEqual(t, writeWaits(loop.traceEvents(t)), 2, "the connects past the backlog awaited Writable")
}

func TestABigRunNamesARefusedConnect(t *testing.T) {
	server := resolveForTest(t, stagetest.ClosedAddr(t))
	loop := newTestLoop(t)
	run := &stagecli.Run{N: bigRun, Server: server, Trace: loop.tr, Timeout: time.Minute}
	task := newRequest(loop.EventLoop, run, 1)
	require.NoError(t, loop.Run(), "Run")
	_, err := task.Result()
	assert.EqualError(t, err, "connect: connection refused", "a refused connect is named after its step, in a big run too")
}

// TestHandshakeOverSaysWhetherAConnectHasEnded asks handshakeOver about
// three sockets whose connect said EINPROGRESS (or ended at once): one
// connected, one refused, and one whose SYN a full listener dropped, so
// that it stays in progress.
func TestHandshakeOverSaysWhetherAConnectHasEnded(t *testing.T) {
	connecting := func(addr string) int {
		fd, err := openSocket(nil, 0)
		require.NoError(t, err, "socket")
		t.Cleanup(func() { _ = unix.Close(fd) })
		err = unix.Connect(fd, resolveForTest(t, addr))
		if err != nil {
			require.ErrorIs(t, err, unix.EINPROGRESS, "connect to %s", addr)
		}
		return fd
	}
	// ended waits, blocking, up to 5 s, until fd's connect is over.
	ended := func(fd int) bool {
		ask := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(ask, 5_000)
		return err == nil && n == 1
	}

	srv := stagetest.StartServer(t, slowserver.Config{Delay: time.Second})
	connected := connecting(srv.Addr())
	require.True(t, ended(connected), "the connect to the slow server ended within 5 s")
	assert.True(t, handshakeOver(connected), "connected: over")
	assert.NoError(t, connectResult(connected), "and SO_ERROR says it went well")

	refused := connecting(stagetest.ClosedAddr(t))
	require.True(t, ended(refused), "the refused connect ended within 5 s")
	assert.True(t, handshakeOver(refused), "refused: over as well, and failed")
	assert.ErrorIs(t, connectResult(refused), unix.ECONNREFUSED, "SO_ERROR says why")

	full := stagetest.UnacceptingServer(t) // a backlog of one: the second SYN on is dropped
	var inProgress int
	for range 3 {
		inProgress = connecting(full)
	}
	assert.False(t, handshakeOver(inProgress), "the third connect to a full listener is still in progress")
}
