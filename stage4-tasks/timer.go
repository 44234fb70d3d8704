// Timers: callbacks that run at a time, not when an fd is ready. They sit
// in a min-heap ordered by when they are due, so the loop finds the next
// one in O(1) and adds or removes one in O(log n). The heap itself,
// timerHeap, is the textbook one and lives in the appendix: aio_heap.go.

package main

import (
	"fmt"
	"time"
)

// Timer is a callback that runs once, at a time. Only the loop goroutine
// touches it.
type Timer struct {
	loop  *EventLoop
	id    int           // also breaks ties: of two timers due at once, the older runs first
	due   time.Duration // when it is due, on the loop's clock (see EventLoop.now)
	fn    func()
	index int // position in the heap; -1 once it fired or was cancelled
}

// CallLater runs fn on the loop once d has passed (at the earliest: the
// loop may be busy then). O(log n).
func (l *EventLoop) CallLater(d time.Duration, fn func()) *Timer {
	l.ids.timer++
	t := &Timer{loop: l, id: l.ids.timer, due: l.now() + d, fn: fn}
	l.timers.push(t)
	l.trace.TimerAdd(t.id, d, l.request())
	return t
}

// Cancel keeps the timer from firing and reports whether it did; a timer
// that fired or was cancelled already stays as it is. O(log n).
func (t *Timer) Cancel() bool {
	if t.index < 0 {
		return false
	}
	t.loop.timers.remove(t.index)
	return true
}

// String names the timer: "timer 4".
func (t *Timer) String() string { return fmt.Sprintf("timer %d", t.id) }

//exercise:begin s4-sleep

// fireTimers moves every timer due by now to the ready queue, oldest due
// first. O(k log n) for k due timers.
func (l *EventLoop) fireTimers(now time.Duration) {
	for len(l.timers) > 0 && l.timers[0].due <= now {
		t := l.timers.remove(0)
		l.trace.TimerFire(t.id)
		l.CallSoon(t.fn)
	}
}

// Sleep returns a future that a timer resolves after d. Cancelling the
// future cancels the timer, so a cancelled sleep does not keep the loop
// alive.
func (l *EventLoop) Sleep(d time.Duration) *Future[struct{}] {
	f := NewFuture[struct{}](l, l.sleepName(d))
	t := l.CallLater(d, func() {
		if !f.Done() {
			f.SetResult(struct{}{})
		}
	})
	f.AddDoneCallback(func() { t.Cancel() })
	return f
}

//exercise:end s4-sleep
