// A Future is a result that is not there yet: one value or one error,
// delivered later, exactly once. Code that needs the result asks to be
// called back when it arrives; the loop runs those callbacks.
//
// This file is the same in stage3-futures and stage4-tasks, byte for byte
// (a test in stage 4 fails if they drift): a Future needs nothing from its
// loop but the small scheduler interface below.

package main

import (
	"errors"
	"fmt"

	"github.com/loopfromscratch/loop/internal/trace"
)

// ErrCancelled is the error of a future, or task, that was cancelled:
// nobody wants its result any more. Test for it with errors.Is.
var ErrCancelled = errors.New("cancelled")

// scheduler is all a Future needs from the event loop it belongs to. Every
// method is called on the loop goroutine only.
type scheduler interface {
	// CallSoon runs fn on a later step of the loop, after the callbacks
	// already waiting (first in, first out).
	CallSoon(fn func())
	// newFutureID returns the next future id of the run: 1, 2, 3, …
	newFutureID() int
	// tracer is where events go; nil when the run is not traced.
	tracer() *trace.Tracer
	// request is the request the code running now serves, for the trace;
	// 0 when it serves none or the loop cannot tell.
	request() int
}

// Future holds the outcome of something that finishes later: a result of
// type T, or an error. It starts pending and is resolved once, by SetResult,
// SetError or Cancel. Only the loop goroutine touches it.
type Future[T any] struct {
	loop      scheduler
	id        int    // unique in the run, for the trace and messages
	name      string // what the future stands for: "writable", "sleep 10ms", …
	done      bool
	result    T
	err       error
	callbacks []func() // waiting for done; scheduled, in order, when it is resolved
	retrieved bool     // Result was called: someone looked at the outcome
}

// NewFuture returns a pending future bound to loop (an *EventLoop). name
// says what it stands for; it shows in the trace and in messages.
func NewFuture[T any](loop scheduler, name string) *Future[T] {
	f := &Future[T]{loop: loop, id: loop.newFutureID(), name: name}
	loop.tracer().FutureNew(f.id, name, loop.request())
	return f
}

// String names the future as messages do: "future 12 (writable)".
func (f *Future[T]) String() string { return fmt.Sprintf("future %d (%s)", f.id, f.name) }

// Done reports whether the future is resolved.
func (f *Future[T]) Done() bool { return f.done }

// Cancelled reports whether the future was resolved by Cancel.
func (f *Future[T]) Cancelled() bool { return f.done && errors.Is(f.err, ErrCancelled) }

// Result returns the result, or the error. Asking a pending future is a
// programming error and panics: there is nothing to return yet. Await the
// future, or add a done-callback, and ask then.
func (f *Future[T]) Result() (T, error) {
	if !f.done {
		panic(fmt.Sprintf("%v: Result called before it is done (await it, or ask in a done-callback)", f))
	}
	f.retrieved = true
	return f.result, f.err
}

//exercise:begin s3-future
//docs:begin SetResult

// SetResult resolves the future with v and schedules its done-callbacks.
// A future is resolved once: a second call is a programming error and
// panics.
func (f *Future[T]) SetResult(v T) { f.resolve(v, nil) }

// SetError resolves the future with err (not nil) and schedules its
// done-callbacks. Like SetResult, it may be called once.
func (f *Future[T]) SetError(err error) {
	if err == nil {
		panic(fmt.Sprintf("%v: SetError(nil); use SetResult for a success", f))
	}
	var zero T
	f.resolve(zero, err)
}

// resolve records the outcome and hands every waiting callback to the
// loop. It never calls one itself: see AddDoneCallback.
func (f *Future[T]) resolve(v T, err error) {
	if f.done {
		panic(fmt.Sprintf("%v resolved twice", f))
	}
	f.done, f.result, f.err = true, v, err
	f.loop.tracer().FutureDone(f.id, f.name, f.loop.request(), err)
	for _, fn := range f.callbacks {
		f.schedule(fn)
	}
	f.callbacks = nil
}

//docs:end SetResult

// Cancel resolves a pending future with ErrCancelled and reports whether
// it did; a future that is already done stays as it is.
func (f *Future[T]) Cancel() bool {
	if f.done {
		return false
	}
	f.resolve(*new(T), ErrCancelled)
	return true
}

// AddDoneCallback arranges for fn to run once the future is resolved;
// if it already is, fn is scheduled at once.
//
// fn never runs inside SetResult, always on a later step of the loop
// (CallSoon). Run inline, a callback would run in the middle of whoever
// called SetResult, with their half-finished work on the stack: it could
// resolve other futures whose callbacks run inline too, re-enter code that
// is not ready for it, and grow the stack without bound. Scheduled, every
// callback is a loop step of its own that starts with a clean stack.
func (f *Future[T]) AddDoneCallback(fn func()) {
	if f.done {
		f.schedule(fn)
		return
	}
	if f.callbacks == nil {
		// Room for two from the start: an awaited future usually gets its
		// own clean-up and the waiting task's next step. Growing from
		// nil would allocate twice.
		f.callbacks = make([]func(), 0, 2)
	}
	f.callbacks = append(f.callbacks, fn)
}

// schedule hands one done-callback to the loop. When tracing, the trace
// wraps it so that a future_callback event comes first; otherwise fn goes
// to the ready queue as it is.
func (f *Future[T]) schedule(fn func()) {
	f.loop.CallSoon(f.loop.tracer().FutureCallback(f.id, f.name, f.loop.request(), fn))
}

//exercise:end s3-future
