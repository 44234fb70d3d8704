// Debug mode, and the other things a loop keeps for its user rather than
// for its work: the trace's bookkeeping (which request the code running
// now serves, how long a task step took, the names of sleeps) and the
// failed tasks it reports at Close. asyncio has the same two reports:
// debug mode names a callback that runs long, which blocks every other
// request while it runs; and "Task exception was never retrieved" names a
// task that failed with nobody awaiting it, which would otherwise fail
// silently.

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// diagnostics is the EventLoop's one field that is not its work. The loop
// embeds it, so the code reads l.trace, not l.diagnostics.trace.
type diagnostics struct {
	// Debug reports every callback or task step that runs longer than
	// 100 ms: while it runs, nothing else can, so every request waits.
	Debug bool
	// Stderr receives debug reports and the errors of failed tasks nobody
	// asked about; nil means os.Stderr.
	Stderr io.Writer

	trace     *trace.Tracer
	running   *taskCore    // the task in TaskRunning, if any: the code running now serves its request
	stepStart time.Time    // when running's step began, for its task_step event; zero unless tracing
	req       int          // the request the I/O callback running now serves; see serving
	stepped   *taskCore    // the last task stepped in the callback running now, for debug reports
	failed    []failedTask // tasks that failed, checked for unread errors at Close

	sleepNames map[time.Duration]string // the names of Sleep's futures; see sleepName
}

// request is the request the code running now serves, for the trace: the
// running task's, else the I/O callback's; 0 if none.
func (l *EventLoop) request() int {
	if l.running != nil {
		return l.running.req
	}
	return l.req
}

// serving runs fn with request() saying req.
func (l *EventLoop) serving(req int, fn func()) {
	prev := l.req
	l.req = req
	defer func() { l.req = prev }()
	fn()
}

// stepBegan is told by task c as it starts running.
func (l *EventLoop) stepBegan(c *taskCore) {
	l.running, l.stepped, l.stepStart = c, c, l.trace.Now()
}

// stepEnded is told by task c as it stops running.
func (l *EventLoop) stepEnded(c *taskCore) {
	l.trace.TaskStep(c.id, c.req, l.stepStart)
	l.running = nil
}

// sleepName is "sleep 10ms", made once per duration: a loop sleeps for a
// few durations many times over, and the name is needed for every sleep.
// That saves two allocations per Sleep (Duration.String and the
// concatenation). It came with the integer clock, in one of the five
// measured steps that took 100,000 one-sleep tasks from 0.55 s to 0.24 s
// (docs/performance.md); it was not measured on its own.
func (l *EventLoop) sleepName(d time.Duration) string {
	name, ok := l.sleepNames[d]
	if !ok {
		if l.sleepNames == nil {
			l.sleepNames = make(map[time.Duration]string)
		}
		name = "sleep " + d.String()
		l.sleepNames[d] = name
	}
	return name
}

// slowStep is how long a callback may run before debug mode reports it:
// 100 ms, long enough to be no accident, short enough that a person
// waiting notices.
const slowStep = 100 * time.Millisecond

// runCallback runs one callback from the ready queue; in debug mode it is
// timed. Without debug mode it costs one call.
func (l *EventLoop) runCallback(fn func()) {
	if !l.Debug {
		fn()
		return
	}
	l.stepped = nil
	began := time.Now()
	fn()
	if took := time.Since(began); took > slowStep {
		l.reportSlow(fn, took)
	}
}

// reportSlow names a slow callback: the task it stepped, or else its
// function.
func (l *EventLoop) reportSlow(fn func(), took time.Duration) {
	name := "callback " + runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	if l.stepped != nil {
		name = l.stepped.String() + " step"
	}
	l.trace.Slow(name, took)
	fmt.Fprintf(l.stderr(), "debug: %s took %.2fs — something blocked the loop\n", name, took.Seconds())
}

// reportUnretrieved names every task that failed when nobody asked for its
// error: without this, the error would vanish.
func (l *EventLoop) reportUnretrieved() {
	for _, t := range l.failed {
		err := t.unretrieved()
		if err == nil {
			continue
		}
		fmt.Fprintf(l.stderr(), "%v failed and its error was never retrieved: %v\n", t, err)
		if p, ok := errors.AsType[*PanicError](err); ok {
			fmt.Fprintf(l.stderr(), "%s\n", p.Stack)
		}
	}
	l.failed = nil
}

// failedTask is a task that failed, as the loop sees it at Close.
type failedTask interface {
	fmt.Stringer
	unretrieved() error
}

// unretrieved is the task's error if nobody has called Result.
func (t *Task[T]) unretrieved() error {
	if t.retrieved {
		return nil
	}
	return t.err
}

func (l *EventLoop) stderr() io.Writer {
	if l.Stderr == nil {
		return os.Stderr
	}
	return l.Stderr
}
