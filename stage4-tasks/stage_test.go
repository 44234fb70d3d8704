package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
	"github.com/loopfromscratch/loop/internal/trace"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const stage = "stage4-tasks"

func TestContract(t *testing.T) { stagetest.Contract(t, stage, stageRun) }

func TestTimesOutRequestsTheServerNeverAnswers(t *testing.T) { stagetest.Timeout(t, stage, stageRun) }

func TestReportsABusyServerAsAFailure(t *testing.T) { stagetest.Busy(t, stage, stageRun) }

func TestReadsAReplyThatArrivesInPieces(t *testing.T) { stagetest.ReplyInPieces(t, stage, stageRun) }

func TestFailsAReplyThatNeverEnds(t *testing.T) { stagetest.ReplyTooLong(t, stage, stageRun) }

func TestTwoThousandConnectionsOnOneLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 sockets: skipped with -short")
	}
	const n = 2000
	// The delay must outlast connecting all 2,000, which takes seconds
	// under -race on a busy machine: the peak proves they overlapped only
	// if none is answered before the last one is in.
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 5 * time.Second})
	before := stagetest.OpenFDs(t)

	res := stagetest.Run(t, stage, stageRun, "-addr", srv.Addr(), "-n", "2000")

	assert.Equal(t, stagecli.ExitOK, res.Code, "exit code; stderr: %s", res.Stderr)
	assert.Contains(t, res.Stdout, "2000 responses in ", "summary")
	stats := srv.Stats()
	assert.EqualValues(t, n, stats.Peak, "the server saw all 2,000 requests waiting at once")
	assert.EqualValues(t, n, stats.Served, "served")
	assert.Equal(t, n, res.Count(trace.TaskDone), "task_done events")
	assert.Equal(t, before, stagetest.WaitForFDs(t, before), "open fds after the run")
}

func TestEachRequestIsATaskThatSuspendsAtEachAwait(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{Delay: stagetest.Delay})
	res := stagetest.Run(t, stage, stageRun, "-addr", srv.Addr(), "-n", "3")
	require.Equal(t, stagecli.ExitOK, res.Code, "exit code; stderr: %s", res.Stderr)

	for req := 1; req <= 3; req++ {
		mine := func(e trace.Event) bool { return e.Req == req }
		var got []trace.Kind
		for _, e := range res.Events {
			if mine(e) && (e.Ev == trace.TaskNew || e.Ev == trace.TaskSuspend || e.Ev == trace.TaskDone) {
				got = append(got, e.Ev)
			}
		}
		// Suspended at connect (writable) and at receive (readable); the
		// send goes straight into an empty socket buffer.
		assert.Equal(t, []trace.Kind{trace.TaskNew, trace.TaskSuspend, trace.TaskSuspend, trace.TaskDone}, got, "request %d", req)
		assert.Equal(t, 3, count(res.Events, trace.TaskStep, mine), "request %d: steps", req)
	}
}

func TestALongRunEndsWithItsLastAnswerNotAtTheNextProgressTick(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 250 * time.Millisecond})
	res := stagetest.Run(t, stage, stageRun, "-addr", srv.Addr(), "-n", "150")
	require.Equal(t, stagecli.ExitOK, res.Code, "exit code; stderr: %s", res.Stderr)

	ticks, last := 0, -1
	for i, e := range res.Events {
		switch e.Ev {
		case trace.TimerFire:
			ticks++
		case trace.Response:
			last = i
		}
	}
	assert.Positive(t, ticks, "the progress timer ticked while the requests waited")
	for _, e := range res.Events[last+1:] {
		assert.NotEqual(t, trace.TimerFire, e.Ev, "a progress tick after the last answer kept the loop running")
	}
}

// The last answer can come in the same turn of the loop as a progress
// tick whose timer has fired already: stop must still end the ticking.
func TestProgressStopsEvenWhenItsTickIsAlreadyQueued(t *testing.T) {
	loop := newTestLoop(t)
	run := &stagecli.Run{N: 200} // not on a terminal: Tick draws nothing
	var stop func()
	loop.CallLater(50*time.Millisecond, func() { stop() }) // due first: runs before the tick
	stop = showProgress(loop.EventLoop, run)

	loop.fireTimers(loop.now() + time.Hour) // both timers fire in one turn
	loop.runReady()
	assert.Empty(t, loop.timers, "no tick scheduled after stop")
}

func TestFutureIsStageThreesFutureByteForByte(t *testing.T) {
	ours, err := os.ReadFile("future.go")
	require.NoError(t, err, "read stage4-tasks/future.go")
	theirs, err := os.ReadFile("../stage3-futures/future.go")
	require.NoError(t, err, "read stage3-futures/future.go")
	assert.True(t, bytes.Equal(ours, theirs),
		"stage4-tasks/future.go must be stage3-futures/future.go unchanged: the chapter says a Future carries over as it is")
}
