// Timers: callbacks that run at a time, not when an fd is ready. They sit
// in a min-heap ordered by when they are due, so the loop finds the next
// one in O(1) and adds or removes one in O(log n) (container/heap).

package main

import (
	"container/heap"
	"fmt"
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
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
	heap.Push(&l.timers, t)
	if l.trace.Enabled() {
		emitTimer(l.trace, trace.TimerAdd, t.id, d, l.request()) // out of line: see tracing.go
	}
	return t
}

// Cancel keeps the timer from firing and reports whether it did; a timer
// that fired or was cancelled already stays as it is. O(log n).
func (t *Timer) Cancel() bool {
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.loop.timers, t.index)
	return true
}

// String names the timer: "timer 4".
func (t *Timer) String() string { return fmt.Sprintf("timer %d", t.id) }

// fireTimers moves every timer due by now to the ready queue, oldest due
// first. O(k log n) for k due timers.
func (l *EventLoop) fireTimers(now time.Duration) {
	for len(l.timers) > 0 && l.timers[0].due <= now {
		t := heap.Pop(&l.timers).(*Timer)
		if l.trace.Enabled() {
			emitTimer(l.trace, trace.TimerFire, t.id, 0, 0)
		}
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

// sleepName is "sleep 10ms", made once per duration: a loop sleeps for a
// few durations many times over, and the name is needed for every sleep.
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

// timerHeap is a min-heap of timers by due time, for container/heap.
type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if h[i].due == h[j].due {
		return h[i].id < h[j].id
	}
	return h[i].due < h[j].due
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
