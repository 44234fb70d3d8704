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
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// EventLoop runs callbacks, timers and I/O readiness on one goroutine, the
// one that calls Run. Every method is for that goroutine only, except
// CallSoonThreadsafe (aio_executor.go).
type EventLoop struct {
	sel     Selector
	ready   []func()                          // the ready queue: callbacks for the next turn, in order
	timers  timerHeap                         // callbacks due at a time; see timer.go
	watches map[int]*fdWatch                  // registered fd → what waits on it; see io.go
	waiters int                               // futures in watches: Run waits for them
	live    taskSet                           // tasks not done yet: Run reports those left as a deadlock; see aio_run.go
	ids     struct{ future, task, timer int } // the last id given out, of each kind
	epoch   time.Time                         // the loop's clock starts here; see now
	closed  bool

	// Kept only for speed, each explained where it is used.
	spare    []func()  // the ready queue's second buffer; see runReady
	readyFDs []ReadyFD // Select's answers, reused by every poll

	wake *wakeup // the pipe of CallSoonThreadsafe, and work off the loop; see aio_executor.go

	diagnostics // the trace, debug mode, failed tasks; see aio_debug.go
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
		epoch:       time.Now(),
		sel:         sel,
		wake:        wake,
		watches:     make(map[int]*fdWatch),
		diagnostics: diagnostics{trace: tr},
	}, nil
}

// now is the loop's clock: the monotonic time since the loop was made. A
// timer's due time is a plain integer on it, compared in one instruction
// (two time.Time values take a call): one of the five measured changes
// that took 100,000 one-sleep tasks from 0.55 s to 0.24 s
// (docs/performance.md).
func (l *EventLoop) now() time.Duration { return time.Since(l.epoch) }

// CallSoon queues fn to run on a later step of the loop, after every
// callback already queued. O(1).
func (l *EventLoop) CallSoon(fn func()) { l.ready = append(l.ready, fn) }

// Run runs the loop until nothing is pending: no callback queued, no
// timer set, no fd watched. Every task should be done by then; one that
// still waits never will be, and Run reports a deadlock, as Go's runtime
// says "all goroutines are asleep - deadlock!". Run also fails when the
// selector does.
func (l *EventLoop) Run() error {
	for l.pending() {
		if err := l.runOnce(); err != nil {
			return err
		}
	}
	if len(l.live) > 0 {
		return fmt.Errorf("deadlock: %d task(s) wait for futures nothing will resolve, first %v", len(l.live), l.live.sorted()[0])
	}
	return nil
}

//exercise:begin s4-turn
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
//
// For speed, the queue has two buffers that swap roles each turn: the
// callbacks queued meanwhile go into the one emptied last turn, so a loop
// at its working size appends without allocating.
func (l *EventLoop) runReady() {
	batch := l.ready
	l.ready, l.spare = l.spare[:0], nil // a turn run from inside a callback gets its own buffer
	for i, fn := range batch {
		l.runCallback(fn)
		batch[i] = nil // let the closure go
	}
	l.spare = batch[:0]
}

//docs:end runOnce
//exercise:end s4-turn

// poll asks the selector which fds are ready, sleeping at most timeout,
// and queues what waits on them; reusing readyFDs, it does not allocate.
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

// pending reports whether a callback could still come: one is ready, a
// timer is set, an fd is awaited, or work off the loop will send one back
// (RunInExecutor, aio_executor.go).
func (l *EventLoop) pending() bool {
	return len(l.ready) > 0 || len(l.timers) > 0 || l.waiters > 0 || l.wake.inFlight > 0
}

// Close ends the loop's life: it shuts down the tasks still running
// (cancelled, they unwind and close their sockets: asyncio.run's part, in
// aio_run.go), then closes the selector and the wake-up pipe. After Close,
// no coroutine of this loop is left.
func (l *EventLoop) Close() error {
	if l.closed {
		return nil
	}
	l.shutdown()
	l.closed = true
	return errors.Join(l.wake.close(l.sel), l.sel.Close())
}

// The scheduler interface a Future needs (future.go); its fourth method,
// request, is in aio_debug.go.

func (l *EventLoop) newFutureID() int      { l.ids.future++; return l.ids.future }
func (l *EventLoop) tracer() *trace.Tracer { return l.trace }
