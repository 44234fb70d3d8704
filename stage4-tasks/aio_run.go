// What asyncio keeps in asyncio.run rather than in the loop: running until
// one future is done, and the shutdown Close performs on tasks still
// running. A loop that only ever runs until nothing is left needs neither;
// a program that stops early, or a test, needs both.
//
// Shutdown goes in two rounds. First every live task is cancelled and the
// loop runs while they unwind: each coroutine gets ErrCancelled at its
// Await and returns through its defers, closing its sockets. A task that
// ignores the cancel and awaits something nothing will resolve is then
// abandoned: its coroutine is stopped, so that every Await it makes from
// then on fails at once, until it returns. After Close no coroutine of the
// loop is left (goleak checks it in the tests).

package main

import (
	"cmp"
	"fmt"
	"slices"
)

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

// shutdown ends every task still live (Close): cancelled first, abandoned
// if that is not enough. Then it reports the failed tasks whose error
// nobody retrieved (aio_debug.go).
func (l *EventLoop) shutdown() {
	l.cancelLive()
	for _, t := range l.live.sorted() {
		t.abandon()
	}
	l.reportUnretrieved()
}

// cancelLive cancels every live task and runs the loop while they unwind
// and something can still wake them.
func (l *EventLoop) cancelLive() {
	for _, t := range l.live.sorted() {
		t.Cancel()
	}
	for len(l.live) > 0 && l.pending() {
		if err := l.runOnce(); err != nil {
			return
		}
	}
}

// liveTask is a task not done yet, as the loop sees it.
type liveTask interface {
	fmt.Stringer
	Cancel() bool
	abandon()
	base() *taskCore
}

func (t *Task[T]) base() *taskCore { return &t.core }

// taskSet holds the loop's live tasks. Adding and removing one are O(1):
// each task keeps its index in the set (liveIndex), as a timer keeps its
// place in the heap, and the last task fills the hole a removal leaves. A
// map keyed by task id did the same job, but hashing 100,000 ids in and
// out was a twelfth of the sleep benchmark's time at c = 100,000
// (docs/performance.md). Order only matters at Close and in a deadlock
// report, which ask for sorted.
type taskSet []liveTask

// add puts t in the set. O(1).
func (s *taskSet) add(t liveTask) {
	t.base().liveIndex = len(*s)
	*s = append(*s, t)
}

// remove takes the task c out of the set. O(1).
func (s *taskSet) remove(c *taskCore) {
	i, last := c.liveIndex, len(*s)-1
	(*s)[i] = (*s)[last]
	(*s)[i].base().liveIndex = i
	(*s)[last] = nil
	*s = (*s)[:last]
	c.liveIndex = -1
}

// sorted returns the live tasks oldest first, by id: a copy, so that the
// caller may cancel or end them as it goes.
func (s taskSet) sorted() []liveTask {
	return slices.SortedFunc(slices.Values(s), func(a, b liveTask) int { return cmp.Compare(a.base().id, b.base().id) })
}

// abandon ends a task the loop cannot run any further: it stops the
// coroutine, whose awaits all return ErrCancelled so that it unwinds, and
// resolves the task.
func (t *Task[T]) abandon() {
	c := &t.core
	switch c.state {
	case TaskDone:
		return
	case TaskNotStarted:
		t.finish(*new(T), ErrCancelled)
		return
	}
	c.waiting = nil
	c.transition(TaskRunning)
	c.stop() // runs the coroutine to its end, every Await failing at once
	if t.err == nil {
		t.err = ErrCancelled // it returned, but the loop is closing: nobody will use the result
	}
	t.finish(t.result, t.err)
}
