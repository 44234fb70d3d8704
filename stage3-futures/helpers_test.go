package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

// testLoop is a loop whose trace the test can read.
type testLoop struct {
	*EventLoop
	tr     *trace.Tracer
	events bytes.Buffer
}

// newTestLoop makes a traced loop.
func newTestLoop(t *testing.T) *testLoop {
	t.Helper()
	tl := &testLoop{}
	tl.tr = trace.New(&tl.events, time.Now())
	tl.EventLoop = NewEventLoop(tl.tr)
	return tl
}

// Run runs the ready callbacks until none is left: what the loop does
// between two selects.
func (tl *testLoop) Run() error {
	tl.runReady()
	return nil
}

// traceEvents returns the events so far.
func (tl *testLoop) traceEvents(t *testing.T) []trace.Event {
	t.Helper()
	require.NoError(t, tl.tr.Flush(), "flushing the trace")
	events, err := trace.ReadAll(bytes.NewReader(tl.events.Bytes()))
	require.NoError(t, err, "reading the trace")
	return events
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
