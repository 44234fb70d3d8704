package main

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
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

// loopDeadline bounds a test's loop, from newTestLoop to its Close: a test
// whose loop still runs then fails, naming what the loop waits for,
// instead of hanging until go test's own -timeout.
const loopDeadline = 30 * time.Second

// newTestLoop makes a traced loop and closes it when the test ends. If the
// loop still runs after loopDeadline, the test fails with pendingReport.
func newTestLoop(t *testing.T) *testLoop {
	t.Helper()
	return newTestLoopWithin(t, loopDeadline, "")
}

// closeDeadline bounds Close at the end of a test: Close cancels the tasks
// still live and runs the loop while they unwind, so a cancel that is
// ignored would keep it running for ever.
const closeDeadline = 10 * time.Second

// hung names the first test whose loop or program ran past its deadline.
// From then on every test that would run a loop fails at once, pointing at
// that one: a loop that hangs in one test hangs in the next, and waiting
// out each test's deadline in turn would take ten minutes to say the same
// thing.
var hung atomic.Pointer[string]

// noteHung records t as the test that found the loop hung, if none did yet.
func noteHung(t *testing.T) {
	name := t.Name()
	hung.CompareAndSwap(nil, &name)
}

// failIfHung stops t before it runs a loop if an earlier test found the
// loop hung.
func failIfHung(t *testing.T) {
	t.Helper()
	if name := hung.Load(); name != nil {
		t.Fatalf("not run: %s found the loop hung; fix that first (go test -failfast stops there)", *name)
	}
}

// newTestLoopWithin is newTestLoop with its own deadline, and a hint, if
// not "", that says in a sentence what a loop still running then most
// likely does wrong.
func newTestLoopWithin(t *testing.T, limit time.Duration, hint string) *testLoop {
	t.Helper()
	failIfHung(t)
	tl := &testLoop{}
	tl.tr = trace.New(&tl.events, time.Now())
	loop, err := NewEventLoop(tl.tr)
	require.NoError(t, err, "NewEventLoop")
	loop.Stderr = &tl.stderr
	tl.EventLoop = loop
	if hint != "" {
		hint = ": " + hint
	}
	// The deadline's callback runs on the loop, which runs on the test
	// goroutine: Fatalf may stop the test from there. CallSoonThreadsafe
	// also wakes a loop asleep in the selector with nothing else to do.
	deadline := time.AfterFunc(limit, func() {
		noteHung(t)
		loop.CallSoonThreadsafe(func() {
			t.Fatalf("the loop still ran after %v; it waited for %s%s", limit, tl.pendingReport(), hint)
		})
	})
	t.Cleanup(func() {
		deadline.Stop()
		closing := time.AfterFunc(closeDeadline, func() {
			noteHung(t)
			loop.CallSoonThreadsafe(func() {
				t.Fatalf("closing the loop took more than %v; it still waited for %s: Close cancels every live task and waits for it to end, so a task whose Cancel does not reach what it awaits never ends",
					closeDeadline, tl.pendingReport())
			})
		})
		_ = loop.Close()
		closing.Stop()
	})
	return tl
}

// pendingReport names what keeps the loop running: every live task and
// what it awaits, the timers, the watched fds, work off the loop.
func (tl *testLoop) pendingReport() string {
	var parts []string
	for _, task := range tl.live.sorted() {
		desc := task.String()
		if w, ok := task.(interface{ awaiting() awaited }); ok && w.awaiting() != nil {
			desc += " awaiting " + w.awaiting().String()
		}
		parts = append(parts, desc)
	}
	if len(tl.ready) > 0 {
		parts = append(parts, fmt.Sprintf("%d callback(s) ready", len(tl.ready)))
	}
	if len(tl.timers) > 0 {
		parts = append(parts, fmt.Sprintf("%d timer(s), the next (%v) due in %v",
			len(tl.timers), tl.timers[0], tl.timers[0].due-tl.now()))
	}
	for _, fd := range slices.Sorted(maps.Keys(tl.watches)) {
		for _, dir := range []Interest{Read, Write} {
			if w := tl.watches[fd][dir]; w != nil {
				parts = append(parts, fmt.Sprintf("fd %d %v (%s)", fd, dir, w.fut))
			}
		}
	}
	if awaited := countAwaited(tl.watches); tl.waiters != awaited {
		parts = append(parts, fmt.Sprintf("%d fd wait(s) by the loop's count, %d by its watches: a wait that ended was not counted off", tl.waiters, awaited))
	}
	if tl.wake.inFlight > 0 {
		parts = append(parts, fmt.Sprintf("%d RunInExecutor call(s)", tl.wake.inFlight))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, "; ")
}

// countAwaited counts the waiters in watches.
func countAwaited(watches map[int]*fdWatch) int {
	n := 0
	for _, fw := range watches {
		for _, w := range fw {
			if w != nil {
				n++
			}
		}
	}
	return n
}

// awaiting is what the task is suspended on, for pendingReport; nil unless
// TaskSuspended.
func (t *Task[T]) awaiting() awaited { return t.core.waiting }

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
