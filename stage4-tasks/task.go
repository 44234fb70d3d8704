// A Task runs a coroutine: a plain Go function, written top to bottom, that
// stops at each Await until the future it waits for is resolved, while the
// loop runs everything else. The task is itself a future, resolved with
// what the coroutine returns.
//
// Go has no generators. iter.Pull turns a function into one: the coroutine
// runs on its own stack, and a switch to it and back (next, yield) is a
// runtime coroutine switch, one at a time, never in parallel. Python's
// next(generator) is the same thing.

package main

import (
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"strconv"
)

// Coroutine is the body of a task: straight-line code that calls Await
// wherever it has to wait, and returns a result or an error.
type Coroutine[T any] func(y Yield) (T, error)

// Yield is a coroutine's handle on its task, the one thing Await needs to
// suspend it. Pass it along to helpers that await; never share it with
// another task.
type Yield struct{ t *taskCore }

// awaited is a future or a task seen without its result type: everything a
// task needs to wait for it.
type awaited interface {
	fmt.Stringer
	Done() bool
	AddDoneCallback(fn func())
	Cancel() bool
	futureID() int
}

// Awaitable is what a coroutine can Await: a *Future[T] or a *Task[T].
type Awaitable[T any] interface {
	awaited
	future() *Future[T]
}

func (f *Future[T]) future() *Future[T] { return f }
func (f *Future[T]) futureID() int      { return f.id }

//docs:begin Await

// Await suspends the coroutine until a is done and returns its result. If a
// is done already it returns at once, with no switch. If the task is
// cancelled, Await returns ErrCancelled (once): the coroutine should clean
// up and return.
func Await[T any](y Yield, a Awaitable[T]) (T, error) {
	if err := y.t.wait(a); err != nil {
		var zero T
		return zero, err
	}
	return a.future().Result()
}

// wait runs on the coroutine's stack: it yields f to Step and returns when
// Step resumes it.
func (c *taskCore) wait(f awaited) error {
	if !c.cancelPending && !f.Done() && !c.yield(f) {
		// yield says false when the loop stopped the coroutine (Close):
		// it will never be resumed, so every await fails from now on.
		return fmt.Errorf("%w: the loop is closing", ErrCancelled)
	}
	if c.cancelPending {
		c.cancelPending = false
		return ErrCancelled
	}
	return nil
}

//docs:end Await

// Task runs a Coroutine on the loop and is the Future of its result. Only
// the loop goroutine touches it. A task resolves itself: never call
// SetResult or SetError on it.
type Task[T any] struct {
	*Future[T]
	core   taskCore
	co     Coroutine[T]
	result T // what the coroutine returned, written on its side
	err    error
}

// taskCore is the part of a task that does not depend on its result type.
type taskCore struct {
	loop *EventLoop
	id   int
	req  int    // the request it serves, for the trace; 0 if none
	name string // what it does: "request 3"

	step          func()                 // the task's Step, without its result type
	next          func() (awaited, bool) // resumes the coroutine; nil before the first step
	stop          func()                 // ends the coroutine; called on every path
	yield         func(awaited) bool     // the coroutine's way back to Step
	waiting       awaited                // what the suspended coroutine awaits; nil otherwise
	cancelPending bool                   // Cancel was called; the coroutine has not seen ErrCancelled yet
}

func (c *taskCore) String() string { return "task " + strconv.Itoa(c.id) + " (" + c.name + ")" }

// NewTask makes a task that runs co on loop, and schedules its first step.
// name says what it does. A task made inside another task's step serves
// the same request, for the trace.
func NewTask[T any](loop *EventLoop, name string, co Coroutine[T]) *Task[T] {
	return newTask(loop, loop.request(), name, co)
}

func newTask[T any](loop *EventLoop, req int, name string, co Coroutine[T]) *Task[T] {
	loop.ids.task++
	t := &Task[T]{co: co, core: taskCore{loop: loop, id: loop.ids.task, req: req, name: name}}
	t.core.step = t.Step
	loop.trace.TaskNew(t.core.id, req, name)
	t.Future = NewFuture[T](loop, t.core.String())
	loop.live[t.core.id] = t
	loop.CallSoon(t.core.step)
	return t
}

// String names the task: "task 3 (request 3)".
func (t *Task[T]) String() string { return t.core.String() }

// started reports whether the coroutine has begun to run. A task cancelled
// before its first step never starts.
func (t *Task[T]) started() bool { return t.core.next != nil }

//docs:begin Step

// Step resumes the coroutine and lets it run until it awaits a future that
// is not done, or returns. Suspended, the task asks that future to schedule
// its next Step; returned, the task is resolved with the outcome. The loop
// calls Step; nothing else should.
func (t *Task[T]) Step() {
	c := &t.core
	if t.Done() {
		return
	}
	if c.next == nil {
		if c.cancelPending { // cancelled before it ever ran
			t.finish(*new(T), ErrCancelled)
			return
		}
		c.next, c.stop = iter.Pull(t.run)
	}
	c.waiting = nil
	began := c.loop.trace.Now()
	f, suspended := c.resume()
	c.loop.trace.TaskStep(c.id, c.req, began)
	if !suspended {
		c.stop()
		t.finish(t.result, t.err)
		return
	}
	c.suspend(f)
}

// suspend records what the coroutine awaits, and has it call Step back.
func (c *taskCore) suspend(f awaited) {
	c.waiting = f
	c.loop.trace.TaskSuspend(c.id, c.req, f.futureID(), f)
	f.AddDoneCallback(func() {
		if c.waiting == f { // else the task moved on, or was stopped
			c.step()
		}
	})
}

//docs:end Step

// run is the coroutine side of iter.Pull. A panic in the coroutine is
// caught here, on its own stack, so the error keeps the stack that
// panicked; the loop goes on.
func (t *Task[T]) run(yield func(awaited) bool) {
	t.core.yield = yield
	defer func() {
		if p := recover(); p != nil {
			t.result = *new(T)
			t.err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	t.result, t.err = t.co(Yield{&t.core})
}

// resume switches to the coroutine until it yields or returns, with the
// loop knowing which task runs.
func (c *taskCore) resume() (awaited, bool) {
	prev := c.loop.req
	c.loop.req, c.loop.stepped = c.req, c
	defer func() { c.loop.req = prev }()
	return c.next()
}

// Cancel asks the task to stop: the coroutine gets ErrCancelled from the
// Await it is suspended in (or its next one), and whoever awaits the task
// gets ErrCancelled, unless the coroutine ignores it. What the task awaits
// is cancelled too: a sleep's timer, an fd's watch, a task it waits for.
// Cancel reports false when the task is done already.
func (t *Task[T]) Cancel() bool {
	c := &t.core
	if t.Done() {
		return false
	}
	c.cancelPending = true
	if c.waiting != nil {
		c.waiting.Cancel() // resolving it schedules our next Step
	}
	return true
}

// finish resolves the task with what the coroutine returned.
func (t *Task[T]) finish(v T, err error) {
	c := &t.core
	delete(c.loop.live, c.id)
	c.loop.trace.TaskDone(c.id, c.req, c.name, err)
	if err == nil {
		t.SetResult(v)
		return
	}
	if !errors.Is(err, ErrCancelled) {
		c.loop.failed = append(c.loop.failed, t)
	}
	t.SetError(err)
}

// abandon ends a task the loop cannot run any further (Close): it stops
// the coroutine, whose awaits all return ErrCancelled so that it unwinds,
// and resolves the task.
func (t *Task[T]) abandon() {
	c := &t.core
	if t.Done() {
		return
	}
	if c.stop == nil {
		t.finish(*new(T), ErrCancelled)
		return
	}
	c.waiting = nil
	c.loop.serving(c.req, c.stop) // runs the coroutine to its end
	if t.err == nil {
		t.err = ErrCancelled // it returned, but the loop is closing: nobody will use the result
	}
	t.finish(t.result, t.err)
}

// unretrieved is the task's error if nobody has called Result.
func (t *Task[T]) unretrieved() error {
	if t.retrieved {
		return nil
	}
	return t.err
}

// liveTask is a task not done yet, as the loop sees it.
type liveTask interface {
	fmt.Stringer
	Cancel() bool
	abandon()
}

// failedTask is a task that failed, as the loop sees it at Close.
type failedTask interface {
	fmt.Stringer
	unretrieved() error
}

// PanicError is the error of a task whose coroutine panicked: the value it
// panicked with and the coroutine's stack at that moment.
type PanicError struct {
	Value any
	Stack []byte
}

// Error says what the coroutine panicked with: "panic: disk on fire".
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }
