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
	"maps"
	"slices"
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
	watches map[int]*fdWatch                  // fd → what waits on it; see io.go
	live    map[int]liveTask                  // tasks not done yet, by task id
	ids     struct{ future, task, timer int } // the last id given out, of each kind
	epoch   time.Time                         // the loop's clock starts here; see now
	closed  bool

	// Kept only for speed, each explained where it is used.
	spare      []func()                 // the ready queue's second buffer; see runReady
	readyFDs   []ReadyFD                // Select's answers, reused by every poll
	sleepNames map[time.Duration]string // see sleepName

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
		live:        make(map[int]liveTask),
		diagnostics: diagnostics{trace: tr},
	}, nil
}

// now is the loop's clock: the time since the loop was made, read from
// the monotonic clock. Timers are due at a point on it, a plain integer:
// comparing two is one instruction, where two time.Time values take a
// call that also weighs wall-clock readings. Measured: one of the five
// changes that took 100,000 one-sleep tasks from 0.55 s to 0.24 s
// (docs/performance.md).
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
//
// For speed, the queue has two buffers that swap roles each turn: the
// callbacks queued meanwhile go into the one emptied last turn, so a loop
// at its working size appends without allocating. (Without spare, each
// turn would grow a fresh slice from nil: a few allocations and copies
// per turn, for nothing.)
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
// queues what waits on them. Select appends its answers to readyFDs, kept
// from one poll to the next so that polling does not allocate.
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

// alive reports whether Run has anything left to do.
func (l *EventLoop) alive() bool { return len(l.live) > 0 || l.pending() }

// deadlocked reports whether tasks wait but nothing could ever wake them.
// Go's runtime says "all goroutines are asleep - deadlock!" in the same
// situation.
func (l *EventLoop) deadlocked() bool { return len(l.live) > 0 && !l.pending() }

// pending reports whether a callback could still come: one is ready, a
// timer is set, an fd is watched, or work off the loop will send one back
// (RunInExecutor, aio_executor.go).
func (l *EventLoop) pending() bool {
	return len(l.ready) > 0 || len(l.timers) > 0 || len(l.watches) > 0 || l.wake.inFlight > 0
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

// The scheduler interface a Future needs (future.go); its fourth method,
// request, is in aio_debug.go.

func (l *EventLoop) newFutureID() int      { l.ids.future++; return l.ids.future }
func (l *EventLoop) tracer() *trace.Tracer { return l.trace }
