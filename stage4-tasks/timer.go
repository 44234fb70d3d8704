// Timers: callbacks that run at a time, not when an fd is ready. They sit
// in a min-heap ordered by when they are due, so the loop finds the next
// one in O(1) and adds or removes one in O(log n).

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

// timerHeap is a binary min-heap of timers: the earliest due first, and of
// two due at once the older. It is container/heap's algorithm written out
// for *Timer, without the interface: at 100,000 timers the dynamic calls
// to Less and Swap were a tenth of the loop's time. Each timer knows its
// index, so that Cancel can remove it from the middle.
type timerHeap []*Timer

// before reports whether the timer at i must fire before the one at j.
func (h timerHeap) before(i, j int) bool {
	if h[i].due == h[j].due {
		return h[i].id < h[j].id
	}
	return h[i].due < h[j].due
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

// push adds t. O(log n).
func (h *timerHeap) push(t *Timer) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

// remove takes out the timer at index i and returns it. O(log n).
func (h *timerHeap) remove(i int) *Timer {
	last := len(*h) - 1
	if i != last {
		h.swap(i, last)
	}
	t := (*h)[last]
	(*h)[last] = nil
	*h = (*h)[:last]
	if i != last && !h.down(i) {
		h.up(i)
	}
	t.index = -1
	return t
}

// up moves the timer at i towards the root while it is due earlier than
// its parent.
func (h timerHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.before(i, parent) {
			return
		}
		h.swap(i, parent)
		i = parent
	}
}

// down moves the timer at i towards the leaves while a child is due
// earlier, and reports whether it moved.
func (h timerHeap) down(i int) bool {
	start := i
	for {
		child := 2*i + 1
		if child >= len(h) {
			break
		}
		if right := child + 1; right < len(h) && h.before(right, child) {
			child = right
		}
		if !h.before(child, i) {
			break
		}
		h.swap(i, child)
		i = child
	}
	return i > start
}
