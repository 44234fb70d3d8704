// The timer heap: a binary min-heap of *Timer, the earliest due at the
// root. timer.go uses three things of it: push, remove, and h[0], the next
// timer due. Python's asyncio keeps its timers the same way, with heapq.

package main

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
