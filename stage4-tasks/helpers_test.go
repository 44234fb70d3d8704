package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// testLoop is a loop whose trace and stderr the test can read.
type testLoop struct {
	*EventLoop
	tr     *trace.Tracer
	events bytes.Buffer
	stderr bytes.Buffer
}

// newTestLoop makes a traced loop and closes it when the test ends.
func newTestLoop(t *testing.T) *testLoop {
	t.Helper()
	tl := &testLoop{}
	tl.tr = trace.New(&tl.events, time.Now())
	loop, err := NewEventLoop(tl.tr)
	require.NoError(t, err, "NewEventLoop")
	loop.Stderr = &tl.stderr
	tl.EventLoop = loop
	t.Cleanup(func() { _ = loop.Close() })
	return tl
}

// trace returns the events so far.
func (tl *testLoop) traceEvents(t *testing.T) []trace.Event {
	t.Helper()
	require.NoError(t, tl.tr.Flush(), "flushing the trace")
	events, err := trace.ReadAll(bytes.NewReader(tl.events.Bytes()))
	require.NoError(t, err, "reading the trace")
	return events
}

// count returns how many events of kind k match keep (nil: all).
func count(events []trace.Event, k trace.Kind, keep func(trace.Event) bool) int {
	n := 0
	for _, e := range events {
		if e.Ev == k && (keep == nil || keep(e)) {
			n++
		}
	}
	return n
}

// kinds lists the kinds of events, in order, keeping those in want.
func kinds(events []trace.Event, want ...trace.Kind) []trace.Kind {
	var out []trace.Kind
	for _, e := range events {
		for _, k := range want {
			if e.Ev == k {
				out = append(out, k)
			}
		}
	}
	return out
}

// requestTask starts a task that runs fetch, the stage's own request, for
// request req against server, traced into loop's trace.
func requestTask(loop *testLoop, server *unix.SockaddrInet4, req int) *Task[string] {
	return newRequest(loop.EventLoop, &stagecli.Run{Server: server, Trace: loop.tr, Timeout: time.Minute}, req)
}

// sleeper starts a task that sleeps d, then returns v or fails with err.
func sleeper[T any](loop *testLoop, name string, d time.Duration, v T, err error) *Task[T] {
	return NewTask(loop.EventLoop, name, func(co Coro) (T, error) {
		if _, e := Await(co, loop.Sleep(d)); e != nil {
			var zero T
			return zero, e
		}
		return v, err
	})
}

// stageRun is the stage as stagecli.Main runs it without stage flags: a
// loop, fetchAll on it, Close.
func stageRun(run *stagecli.Run) error { return new(stageOptions).runStage(run) }
