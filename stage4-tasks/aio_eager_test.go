package main

import (
	"errors"
	"fmt"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		{bigRun, 0, "a big run asks poll first, and on loopback the handshake is always over"},
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
			assert.Equal(t, tc.writeWaits, writeWaits(loop.traceEvents(t)), tc.why)
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
	assert.EqualError(t, err, "connect: connection refused", "SO_ERROR, read after poll said the handshake was over")
}

// TestARequestKeepsTheStackItsCoroutineStartsWith guards the peak memory
// of a big run (docs/performance.md, "Keeping each coroutine in its first
// 2 KiB"): a coroutine starts with a 2 KiB stack and any frame deeper than
// the first 1,120 bytes of it makes the runtime copy it into one twice the
// size, kept while the request lives. A stack that moved was copied, so
// each request notes where a variable of its own lies before fetch and
// after. A few move whatever we do (an allocation that needs a new span
// takes a deeper path); with fmt's arguments back in ctl's frame, every
// request of a big run moved.
func TestARequestKeepsTheStackItsCoroutineStartsWith(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds to every frame; the depth is measured without it")
	}
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 20 * time.Millisecond})
	server := resolveForTest(t, srv.Addr())
	const requests = 100
	for _, n := range []int{smallRun, bigRun} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			loop := newTestLoop(t)
			loop.trace = nil // as in a run without -trace: writing a trace takes deeper calls
			run := &stagecli.Run{N: n, Server: server, Timeout: time.Minute}
			moved := 0
			for req := 1; req <= requests; req++ {
				// The same frames as newRequest's task: its body, then fetch.
				NewTask(loop.EventLoop, "request", func(co Coro) (string, error) {
					var mark byte
					before := uintptr(unsafe.Pointer(&mark))
					reply, err := fetch(co, loop.EventLoop, run, req)
					if uintptr(unsafe.Pointer(&mark)) != before {
						moved++
					}
					if err == nil && reply == "" {
						err = errors.New("empty reply")
					}
					return reply, err
				})
			}
			require.NoError(t, loop.Run(), "Run")
			assert.Less(t, moved, requests/2, "of %d requests, this many had their coroutine's stack grown (copied)", requests)
		})
	}
}
