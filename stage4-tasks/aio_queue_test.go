package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueueWithProducersAndConsumers(t *testing.T) {
	tests := []struct {
		name      string
		max       int
		items     int
		consumers int
	}{
		{"a queue of one item passes every item through", 1, 10, 1},
		{"a small queue and three consumers", 2, 20, 3},
		{"a queue big enough for everything", 100, 20, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			q := NewQueue[int](loop.EventLoop, tc.max)
			var got []int
			peakLen, putWaits := 0, 0
			var consumers []*Task[int]
			for c := range tc.consumers {
				consumers = append(consumers, NewTask(loop.EventLoop, fmt.Sprint("consumer ", c), func(co Coro) (int, error) {
					for {
						v, err := q.Get(co)
						if err != nil {
							return 0, err
						}
						_, err = Await(co, loop.Sleep(time.Millisecond)) // the work
						got = append(got, v)
						q.TaskDone()
						if err != nil {
							return 0, err
						}
					}
				}))
			}
			producer := NewTask(loop.EventLoop, "producer", func(co Coro) (int, error) {
				for i := range tc.items {
					if q.Len() >= tc.max {
						putWaits++
					}
					if err := q.Put(co, i); err != nil {
						return 0, err
					}
					peakLen = max(peakLen, q.Len())
				}
				if err := q.Join(co); err != nil {
					return 0, err
				}
				cancelAll(consumers) // they wait in Get forever otherwise
				return len(got), nil
			})
			require.NoError(t, loop.Run(), "Run")
			n, err := producer.Result()
			require.NoError(t, err, "producer")
			assert.Equal(t, tc.items, n, "Join returned after every item was done")
			assert.ElementsMatch(t, seq(tc.items), got, "each item consumed once")
			assert.LessOrEqual(t, peakLen, tc.max, "the queue never held more than max")
			if tc.items > tc.max+tc.consumers {
				assert.Positive(t, putWaits, "the producer had to wait for room (backpressure)")
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Task.Cancel cancels the future a Get waits on. A getter woken by a Put
// and cancelled before it ran must pass the wake-up on, or the item would
// sit in the queue with a getter waiting for it.
func TestAGetterCancelledAfterItsWakeUpPassesItOn(t *testing.T) {
	loop := newTestLoop(t)
	q := NewQueue[string](loop.EventLoop, 1)
	getter := func(name string) *Task[string] {
		return NewTask(loop.EventLoop, name, func(co Coro) (string, error) { return q.Get(co) })
	}
	first, second := getter("first"), getter("second")
	NewTask(loop.EventLoop, "producer", func(co Coro) (int, error) {
		_, _ = Await(co, loop.Sleep(time.Millisecond)) // both getters wait now
		if err := q.Put(co, "item"); err != nil {      // wakes first…
			return 0, err
		}
		first.Cancel() // …which is cancelled before it runs
		return 0, nil
	})
	require.NoError(t, loop.Run(), "Run (a lost wake-up would be a deadlock)")
	_, err := first.Result()
	assert.ErrorIs(t, err, ErrCancelled, "first")
	v, err := second.Result()
	assert.NoError(t, err, "second")
	assert.Equal(t, "item", v, "second got the item")
}

func TestAPutterCancelledWhileTheQueueIsFullAddsNothing(t *testing.T) {
	loop := newTestLoop(t)
	q := NewQueue[int](loop.EventLoop, 1)
	putter := NewTask(loop.EventLoop, "putter", func(co Coro) (int, error) {
		if err := q.Put(co, 1); err != nil {
			return 0, err
		}
		return 0, q.Put(co, 2) // full: waits
	})
	loop.CallLater(5*time.Millisecond, func() { putter.Cancel() })
	require.NoError(t, loop.Run(), "Run")
	_, err := putter.Result()
	assert.ErrorIs(t, err, ErrCancelled)
	assert.Equal(t, 1, q.Len(), "only the first item is in")
	assert.Empty(t, q.putters.q, "the cancelled putter left the line")
}

func TestQueueMisuseIsCaught(t *testing.T) {
	loop := newTestLoop(t)
	assert.Panics(t, func() { NewQueue[int](loop.EventLoop, 0) }, "a queue of size 0")
	assert.Panics(t, func() { NewQueue[int](loop.EventLoop, 1).TaskDone() }, "TaskDone with nothing put")
}
