package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holder starts a task that acquires with acquire, holds for d, records
// how many hold at once, and releases.
func holder(loop *testLoop, name string, acquire func(Coro) error, release func(), d time.Duration, inside, peak *int) *Task[int] {
	return NewTask(loop.EventLoop, name, func(co Coro) (int, error) {
		if err := acquire(co); err != nil {
			return 0, err
		}
		defer release()
		*inside++
		*peak = max(*peak, *inside)
		defer func() { *inside-- }()
		_, err := Await(co, loop.Sleep(d))
		return 1, err
	})
}

func TestSemaphoreLetsAtMostNThroughAtOnce(t *testing.T) {
	tests := []struct {
		name    string
		permits int
		tasks   int
	}{
		{"one permit: one at a time", 1, 4},
		{"three permits for ten tasks: three at a time", 3, 10},
		{"more permits than tasks: all at once", 20, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			sem := NewSemaphore(loop.EventLoop, tc.permits)
			var inside, peak int
			for i := range tc.tasks {
				holder(loop, fmt.Sprint("t", i), sem.Acquire, sem.Release, 5*time.Millisecond, &inside, &peak)
			}
			require.NoError(t, loop.Run(), "Run")
			assert.Equal(t, min(tc.permits, tc.tasks), peak, "most holders at once: a semaphore of n permits lets at most n past Acquire, and n when that many want in")
			assert.Equal(t, tc.permits, sem.Free(), "every permit back")
		})
	}
}

func TestLockLetsOneThroughAtATimeInArrivalOrder(t *testing.T) {
	loop := newTestLoop(t)
	lock := NewLock(loop.EventLoop)
	var order []int
	for i := range 4 {
		NewTask(loop.EventLoop, fmt.Sprint("t", i), func(co Coro) (int, error) {
			if err := lock.Acquire(co); err != nil {
				return 0, err
			}
			defer lock.Release()
			order = append(order, i)
			_, err := Await(co, loop.Sleep(2*time.Millisecond))
			return 0, err
		})
	}
	require.NoError(t, loop.Run(), "Run")
	assert.Equal(t, []int{0, 1, 2, 3}, order, "first come, first served")
	assert.False(t, lock.Locked(), "unlocked at the end")
	assert.Panics(t, lock.Release, "releasing an unlocked lock")
}

// A waiter can be cancelled while it waits, or just after Release handed
// it the permit but before it ran. Either way the permit must reach the
// next waiter.
func TestACancelledWaiterNeitherKeepsNorLosesAPermit(t *testing.T) {
	tests := []struct {
		name         string
		cancelBefore bool // cancel while waiting (true), or right after the hand-over (false)
	}{
		{"cancelled while it waits: it leaves the line", true},
		{"cancelled after Release handed it the permit: it passes the permit on", false},
	}
	for _, tc := range tests {
		for _, kind := range []string{"semaphore", "lock"} {
			t.Run(kind+": "+tc.name, func(t *testing.T) {
				loop := newTestLoop(t)
				var acquire func(Coro) error
				var release func()
				if kind == "lock" {
					l := NewLock(loop.EventLoop)
					acquire, release = l.Acquire, l.Release
				} else {
					s := NewSemaphore(loop.EventLoop, 1)
					acquire, release = s.Acquire, s.Release
				}
				var inside, peak int
				var second *Task[int]
				first := holder(loop, "first", acquire, func() {
					release()
					if !tc.cancelBefore {
						second.Cancel() // handed the permit a moment ago, has not run yet
					}
				}, 10*time.Millisecond, &inside, &peak)
				second = holder(loop, "second", acquire, release, time.Millisecond, &inside, &peak)
				third := holder(loop, "third", acquire, release, time.Millisecond, &inside, &peak)
				if tc.cancelBefore {
					loop.CallLater(2*time.Millisecond, func() { second.Cancel() })
				}
				require.NoError(t, loop.Run(), "Run (a lost permit would be a deadlock)")
				_, err := second.Result()
				assert.ErrorIs(t, err, ErrCancelled, "second")
				for _, task := range []*Task[int]{first, third} {
					v, err := task.Result()
					assert.NoError(t, err, "%v", task)
					assert.Equal(t, 1, v, "%v got through", task)
				}
				assert.Equal(t, 1, peak, "one holder at a time")
			})
		}
	}
}
