// Waiting for many tasks at once, the three ways asyncio offers: Gather
// (all of them, in order), AsCompleted (each as it finishes) and WaitFor
// (one, with a deadline). Each is built from what the loop has already:
// done-callbacks, futures and timers. None of them blocks; each suspends
// only the coroutine that awaits it.

package main

import (
	"errors"
	"fmt"
	"iter"
	"time"
)

//exercise:begin s4-gather
//docs:begin Gather

// Gather returns a future of every task's result, in the order given. It
// fails fast: the first task to fail resolves the future with its error,
// and Gather cancels the others, which then close their sockets as they
// unwind. (asyncio.gather would let the others run on; a TaskGroup cancels
// them, as here.) Cancelling the future, which is what happens when the
// task awaiting it is cancelled, cancels every task still running.
func Gather[T any](loop *EventLoop, tasks ...*Task[T]) *Future[[]T] {
	all := NewFuture[[]T](loop, fmt.Sprintf("gather of %d", len(tasks)))
	results := make([]T, len(tasks))
	left := len(tasks)
	if left == 0 {
		all.SetResult(results)
		return all
	}
	for i, t := range tasks {
		t.AddDoneCallback(func() {
			v, err := t.Result() // read even when too late, so no error goes unretrieved
			switch {
			case all.Done():
			case err != nil:
				all.SetError(fmt.Errorf("%v: %w", t, err))
			default:
				results[i] = v
				if left--; left == 0 {
					all.SetResult(results)
				}
			}
		})
	}
	all.AddDoneCallback(func() {
		if all.err != nil {
			cancelAll(tasks)
		}
	})
	return all
}

//docs:end Gather

// cancelAll cancels every task of tasks that is not done.
func cancelAll[T any](tasks []*Task[T]) {
	for _, t := range tasks {
		t.Cancel()
	}
}

//exercise:end s4-gather

//docs:begin AsCompleted

// AsCompleted yields the tasks one by one as they finish, the first to
// finish first; read each one's outcome with Result. It runs inside a
// coroutine (it awaits between tasks): range over it there. If the
// coroutine is cancelled while it waits, AsCompleted yields (nil,
// ErrCancelled) and stops; the tasks themselves run on.
func AsCompleted[T any](co Coro, loop *EventLoop, tasks ...*Task[T]) iter.Seq2[*Task[T], error] {
	var finished []*Task[T] // done, not yielded yet; filled by done-callbacks
	var wake *Future[struct{}]
	for _, t := range tasks {
		t.AddDoneCallback(func() {
			finished = append(finished, t)
			if wake != nil && !wake.Done() {
				wake.SetResult(struct{}{})
			}
		})
	}
	return func(yield func(*Task[T], error) bool) {
		for range tasks {
			for len(finished) == 0 {
				wake = NewFuture[struct{}](loop, "as completed")
				if _, err := Await(co, wake); err != nil {
					yield(nil, err)
					return
				}
			}
			t := finished[0]
			finished = finished[1:]
			if !yield(t, nil) {
				return
			}
		}
	}
}

//docs:end AsCompleted

// ErrTimeout, WaitFor's error when the deadline passed first, is in
// request.go: every request of the stage has a deadline.

//docs:begin WaitFor

// WaitFor awaits task for at most timeout. If the deadline comes first it
// cancels the task and awaits its end, so that whatever it holds is
// released (a request's deferred close runs) before WaitFor returns an
// error that wraps ErrTimeout. A timer does the watching: the cost is one
// heap entry, removed again if the task wins.
func WaitFor[T any](co Coro, timeout time.Duration, task *Task[T]) (T, error) {
	late := false
	timer := task.core.loop.CallLater(timeout, func() {
		late = task.Cancel()
	})
	v, err := Await(co, task)
	timer.Cancel()
	if late && errors.Is(err, ErrCancelled) {
		return v, timedOut(timeout)
	}
	return v, err
}

//docs:end WaitFor
