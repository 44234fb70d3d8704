// The event loop. Stage 1's loop only waited for sockets; this one has
// three sources of work, looked at in turn, over and over:
//
//   - the ready queue: callbacks to run now (CallSoon), first in, first out;
//   - the timer heap: callbacks to run at a time (CallLater, Sleep);
//   - the selector: fds that became readable or writable (Readable, Writable).
//
// Tasks are not a fourth source: a task's step is a callback like any
// other, scheduled when the future it waits on is resolved.

package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// EventLoop runs callbacks, timers and I/O readiness on one goroutine, the
// one that calls Run. Every method is for that goroutine only, except
// CallSoonThreadsafe.
type EventLoop struct {
	// Debug reports every callback or task step that runs longer than
	// 100 ms: while it runs, nothing else can, so every request waits.
	Debug bool
	// Stderr receives debug reports and the errors of failed tasks nobody
	// asked about; nil means os.Stderr.
	Stderr io.Writer

	trace    *trace.Tracer
	sel      Selector
	ready    []func() // the ready queue; runReady swaps it with spare
	spare    []func()
	timers   timerHeap
	watches  map[int]*fdWatch // fd → what waits on it; see io.go
	readyFDs []ReadyFD        // reused by every poll
	wake     *wakeup          // how other goroutines reach the loop; see wakeup.go

	ids      struct{ future, task, timer int }
	live     map[int]liveTask // tasks not done yet, by task id
	failed   []failedTask     // tasks that failed, checked for unread errors at Close
	req      int              // the request the code running now serves; 0 if none
	stepped  *taskCore        // the last task stepped, for debug reports
	external int              // work off the loop that will come back via CallSoonThreadsafe
	closed   bool
	epoch    time.Time // the loop's clock starts here; see now

	sleepNames map[time.Duration]string // see Sleep
}

// NewEventLoop returns a loop with its selector and wake-up pipe open;
// tr may be nil. Close it when done.
func NewEventLoop(tr *trace.Tracer) (*EventLoop, error) {
	sel, err := newSelector()
	if err != nil {
		return nil, err
	}
	wake, err := newWakeup(sel)
	if err != nil {
		_ = sel.Close()
		return nil, err
	}
	return &EventLoop{
		epoch:   time.Now(),
		trace:   tr,
		sel:     sel,
		wake:    wake,
		watches: make(map[int]*fdWatch),
		live:    make(map[int]liveTask),
	}, nil
}

// now is the loop's clock: the time since the loop was made, read from
// the monotonic clock. Timers are due at a point on it, a plain integer:
// comparing two is one instruction, where two time.Time values take a
// call that also weighs wall-clock readings.
func (l *EventLoop) now() time.Duration { return time.Since(l.epoch) }

// CallSoon queues fn to run on a later step of the loop, after every
// callback already queued. O(1).
func (l *EventLoop) CallSoon(fn func()) { l.ready = append(l.ready, fn) }

// Run runs the loop until nothing is left to do: every task done, no
// callback queued, no timer pending, no fd watched. It returns an error
// when the selector fails, or when tasks wait for futures that nothing can
// resolve any more (a deadlock).
func (l *EventLoop) Run() error {
	for l.alive() {
		if l.deadlocked() {
			return l.deadlockError()
		}
		if err := l.runOnce(); err != nil {
			return err
		}
	}
	return nil
}

// RunUntilComplete runs the loop until f (a future or a task) is done. It
// returns an error only when the selector fails; f's own outcome is f's
// Result.
func (l *EventLoop) RunUntilComplete(f awaited) error {
	for !f.Done() {
		if err := l.runOnce(); err != nil {
			return err
		}
	}
	return nil
}

//docs:begin runOnce

// runOnce is one turn of the loop: wait for I/O, but only as long as the
// other work allows; move the timers that are due to the ready queue; run
// what is ready.
func (l *EventLoop) runOnce() error {
	if err := l.poll(l.pollTimeout()); err != nil {
		return err
	}
	l.fireTimers(l.now())
	l.runReady()
	return nil
}

// pollTimeout is how long poll may sleep: not at all when callbacks are
// ready, until the next timer when there is one, else until an fd is ready
// (-1).
func (l *EventLoop) pollTimeout() time.Duration {
	switch {
	case len(l.ready) > 0:
		return 0
	case len(l.timers) > 0:
		return max(0, l.timers[0].due-l.now())
	default:
		return -1
	}
}

// runReady runs the callbacks that were ready when it started. Callbacks
// they queue wait for the next turn, so a callback that keeps queueing
// itself cannot starve I/O and timers.
func (l *EventLoop) runReady() {
	batch := l.ready
	l.ready = l.spare[:0]
	for i, fn := range batch {
		l.runCallback(fn)
		batch[i] = nil // let the closure go
	}
	l.spare = batch[:0]
}

//docs:end runOnce

// poll asks the selector which fds are ready, sleeping at most timeout, and
// queues what waits on them.
func (l *EventLoop) poll(timeout time.Duration) error {
	l.trace.Wait(len(l.watches), timeout)
	began := l.trace.Now()
	ready, err := l.sel.Select(timeout, l.readyFDs[:0])
	trace.ReadyFDs(l.trace, ready, func(r ReadyFD) int { return r.FD }, began)
	if err != nil {
		return err
	}
	for _, r := range ready {
		l.dispatch(r)
	}
	l.readyFDs = ready[:0]
	return nil
}

// alive reports whether Run has anything left to do, work off the loop
// (RunInExecutor) included.
func (l *EventLoop) alive() bool {
	return len(l.live) > 0 || len(l.ready) > 0 || len(l.timers) > 0 || len(l.watches) > 0 || l.external > 0
}

// deadlocked reports whether tasks wait but nothing could ever wake them:
// no callback, no timer, no fd, no work off the loop. Go's runtime says
// "all goroutines are asleep - deadlock!" in the same situation.
func (l *EventLoop) deadlocked() bool {
	return len(l.live) > 0 && len(l.ready) == 0 && len(l.timers) == 0 && len(l.watches) == 0 && l.external == 0
}

func (l *EventLoop) deadlockError() error {
	ids := slices.Sorted(maps.Keys(l.live))
	return fmt.Errorf("deadlock: %d task(s) wait for futures nothing will resolve, first %v", len(ids), l.live[ids[0]])
}

// Close ends the loop's life: it cancels the tasks still running and gives
// them the chance to clean up (close their sockets), stops the coroutines
// of any that cannot finish, reports failed tasks whose error nobody
// retrieved, and closes the selector and the wake-up pipe. After Close,
// no coroutine of this loop is left.
func (l *EventLoop) Close() error {
	if l.closed {
		return nil
	}
	l.cancelLive()
	l.abandonLive()
	l.reportUnretrieved()
	l.closed = true
	return errors.Join(l.wake.close(l.sel), l.sel.Close())
}

// cancelLive cancels every task still running and runs the loop while they
// unwind and something can still wake them.
func (l *EventLoop) cancelLive() {
	for _, id := range slices.Sorted(maps.Keys(l.live)) {
		l.live[id].Cancel()
	}
	for len(l.live) > 0 && !l.deadlocked() {
		if err := l.runOnce(); err != nil {
			return
		}
	}
}

// abandonLive stops the coroutines of tasks that did not finish after
// being cancelled: each of their awaits returns ErrCancelled until they
// return.
func (l *EventLoop) abandonLive() {
	for _, id := range slices.Sorted(maps.Keys(l.live)) {
		l.live[id].abandon()
	}
}

func (l *EventLoop) stderr() io.Writer {
	if l.Stderr == nil {
		return os.Stderr
	}
	return l.Stderr
}

// The scheduler interface a Future needs (future.go).

func (l *EventLoop) newFutureID() int      { l.ids.future++; return l.ids.future }
func (l *EventLoop) tracer() *trace.Tracer { return l.trace }

// request is the request the running task step or I/O callback serves.
func (l *EventLoop) request() int { return l.req }

// serving runs fn with request() saying req.
func (l *EventLoop) serving(req int, fn func()) {
	prev := l.req
	l.req = req
	defer func() { l.req = prev }()
	fn()
}
