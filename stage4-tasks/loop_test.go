package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

func TestTimersFireInTheOrderTheyAreDue(t *testing.T) {
	loop := newTestLoop(t)
	var fired []string
	began := time.Now() // before the timers are added: they are due from then
	at := func(d time.Duration, name string) *Timer {
		return loop.CallLater(d, func() { fired = append(fired, name) })
	}
	at(30*time.Millisecond, "c")
	at(10*time.Millisecond, "a")
	at(20*time.Millisecond, "b")
	at(10*time.Millisecond, "a, added later")
	cancelled := at(15*time.Millisecond, "cancelled")
	assert.True(t, cancelled.Cancel(), "cancelling a pending timer")
	assert.False(t, cancelled.Cancel(), "cancelling it twice")

	require.NoError(t, loop.Run(), "Run")
	assert.Equal(t, []string{"a", "a, added later", "b", "c"}, fired, "order")
	assert.GreaterOrEqual(t, time.Since(began), 30*time.Millisecond, "the last timer is not early")

	events := loop.traceEvents(t)
	assert.Equal(t, 5, count(events, trace.TimerAdd, nil), "timer_add events")
	assert.Equal(t, 4, count(events, trace.TimerFire, nil), "timer_fire events: not the cancelled one")
}

func TestTheLoopSleepsInTheSelectorUntilTheNextTimer(t *testing.T) {
	loop := newTestLoop(t)
	require.NoError(t, loop.RunUntilComplete(loop.Sleep(50*time.Millisecond)), "RunUntilComplete")
	var longest trace.Event
	for _, e := range loop.traceEvents(t) {
		if e.Ev == trace.Wait && e.TimeoutUS > longest.TimeoutUS {
			longest = e
		}
	}
	assert.InDelta(t, 50_000, longest.TimeoutUS, 10_000, "the wait's timeout is the time to the timer")
}

func TestCallSoonRunsCallbacksInOrderOneTurnAtATime(t *testing.T) {
	loop := newTestLoop(t)
	var order []string
	loop.CallSoon(func() {
		order = append(order, "first")
		loop.CallSoon(func() { order = append(order, "queued by first") })
	})
	loop.CallSoon(func() { order = append(order, "second") })
	require.NoError(t, loop.runOnce(), "one turn")
	assert.Equal(t, []string{"first", "second"}, order, "after one turn: a callback queued during the turn waits")
	require.NoError(t, loop.Run(), "Run")
	assert.Equal(t, []string{"first", "second", "queued by first"}, order)
}

func TestRunReturnsWhenNothingIsLeft(t *testing.T) {
	loop := newTestLoop(t)
	require.NoError(t, loop.Run(), "an empty loop returns at once")
	assert.Empty(t, loop.traceEvents(t), "without polling")
}

func waitTimeouts(events []trace.Event) []int64 {
	var out []int64
	for _, e := range events {
		if e.Ev == trace.Wait {
			out = append(out, e.TimeoutUS)
		}
	}
	return out
}

// A turn of the loop run from inside a callback (a nested RunUntilComplete,
// or a test that failed mid-turn and then closes the loop) must not share
// the ready queue's buffer with the turn it interrupts.
func TestATurnRunFromInsideACallbackLosesNoCallback(t *testing.T) {
	loop := newTestLoop(t)
	var order []string
	log := func(name string) func() { return func() { order = append(order, name) } }
	for range 4 { // a first turn, so that the queue has its spare buffer
		loop.CallSoon(func() {})
	}
	require.NoError(t, loop.runOnce(), "the first turn")
	loop.CallSoon(log("a"))
	loop.CallSoon(func() {
		loop.CallSoon(func() {
			order = append(order, "x")
			loop.CallSoon(log("y, queued by x"))
		})
		require.NoError(t, loop.runOnce(), "a nested turn")
	})
	loop.CallSoon(log("c"))
	require.NoError(t, loop.Run(), "Run")
	assert.Equal(t, []string{"a", "x", "c", "y, queued by x"}, order)
}

func TestTheLiveSetKeepsEveryTaskAndItsPlace(t *testing.T) {
	loop := newTestLoop(t)
	var tasks []*Task[int]
	for i := range 5 {
		tasks = append(tasks, NewTask(loop.EventLoop, "idle", func(Coro) (int, error) { return i, nil }))
	}
	loop.live.remove(&tasks[1].core) // a hole in the middle, filled by the last (task 5)
	loop.live.remove(&tasks[3].core) // the last one now: nothing moves
	var ids []int
	for i, task := range loop.live {
		assert.Equal(t, i, task.base().liveIndex, "%v knows its place", task)
		ids = append(ids, task.base().id)
	}
	assert.Equal(t, []int{1, 5, 3}, ids, "the set, in its own order: task 5 moved into task 2's place")
	var sorted []int
	for _, task := range loop.live.sorted() {
		sorted = append(sorted, task.base().id)
	}
	assert.Equal(t, []int{1, 3, 5}, sorted, "sorted, oldest first")
	loop.live.add(tasks[1]) // back, so that Run finishes every task
	loop.live.add(tasks[3])
	require.NoError(t, loop.Run(), "Run")
	assert.Empty(t, loop.live, "every task left the set when it finished")
}
