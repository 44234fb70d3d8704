// Offloading blocking work. Some calls cannot await: a CPU-heavy hash, a
// library that only blocks, os.ReadFile on a slow disk. Run on the loop,
// they freeze every request. RunInExecutor runs such a call on a goroutine
// of its own, off the loop, and brings its result back the only safe way:
// CallSoonThreadsafe, through the wake-up pipe, resolving a future that
// coroutines await as usual. asyncio's run_in_executor does the same with
// a thread pool; Go's goroutines are the pool.

package main

import (
	"runtime/debug"
)

//docs:begin RunInExecutor

// RunInExecutor runs fn on a new goroutine and returns a future of its
// result, resolved on the loop. While fn runs the loop counts it as work
// in flight (external): Run does not return, nor report a deadlock, while
// the result is still to come. A panic in fn becomes the future's error.
// Cancelling the future does not stop fn (nothing can stop a running Go
// function from outside); its result is dropped when it arrives.
func RunInExecutor[T any](loop *EventLoop, name string, fn func() (T, error)) *Future[T] {
	f := NewFuture[T](loop, name)
	loop.external++
	go func() {
		v, err := callCatching(fn)
		// False when the loop is closed: nobody is left to tell.
		loop.CallSoonThreadsafe(func() {
			loop.external--
			if f.Done() { // cancelled meanwhile
				return
			}
			if err != nil {
				f.SetError(err)
				return
			}
			f.SetResult(v)
		})
	}()
	return f
}

//docs:end RunInExecutor

// callCatching calls fn and turns a panic into a *PanicError.
func callCatching[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}
