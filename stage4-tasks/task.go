// A Task runs a coroutine: a plain Go function, written top to bottom, that
// stops at each Await until the future it waits for is resolved, while the
// loop runs everything else. The task is itself a future, resolved with
// what the coroutine returns.
//
// The coroutine is iter.Pull's (doc.go): next switches to it, yield back.
// In this file yield is only ever iter.Pull's function; what a coroutine
// holds is a Coro, its handle on its task.
//
// A task's life is a small state machine, like stage 2's Client:
//
//	                  Step                      Await of a future not done
//	TaskNotStarted ─────────▶ TaskRunning ─────────────────────────▶ TaskSuspended
//	      │                    │      ▲                                   │
//	      │                    │      └── Step, once that future is done ─┘
//	      │                    │          (or Close, to unwind it)
//	      │                    └── the coroutine returns or panics ──▶ TaskDone
//	      └── Step or Close, after Cancel: it never runs ───────────▶ TaskDone
//
// Cancel is not a state. It sets cancelRequested and cancels the future the
// task waits on, which queues its next Step; the coroutine, running again,
// gets ErrCancelled from its Await. What it does then is up to it: return
// (the usual), or carry on. Close's part is asyncio.run's: aio_run.go.

package main

import (
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"strconv"
)

//docs:begin TaskState

// TaskState is where a task stands. A task begins in TaskNotStarted;
// TaskRunning and TaskSuspended alternate while its coroutine awaits;
// TaskDone is terminal.
type TaskState uint8

const (
	// TaskNotStarted: made, its first Step queued; no coroutine yet.
	TaskNotStarted TaskState = iota
	// TaskRunning: the loop has switched into the coroutine and waits for
	// it to switch back. At most one task of a loop is running.
	TaskRunning
	// TaskSuspended: the coroutine waits in an Await for the future in
	// waiting, whose done-callback queues the next Step.
	TaskSuspended
	// TaskDone: the coroutine returned or panicked, or never ran; the
	// task's Future is resolved. Terminal.
	TaskDone
)

// taskTransitions lists, for each state, the states it may move to, as bits:
// a check costs one AND on every step.
var taskTransitions = [...]uint8{
	TaskNotStarted: 1<<TaskRunning | 1<<TaskDone,
	TaskRunning:    1<<TaskSuspended | 1<<TaskDone,
	TaskSuspended:  1 << TaskRunning,
	TaskDone:       0, // terminal
}

//docs:end TaskState

// String names the state as the trace shows it: "not started", "running",
// "suspended", "done".
func (s TaskState) String() string {
	if s <= TaskDone {
		return [...]string{"not started", "running", "suspended", "done"}[s]
	}
	return "TaskState(" + strconv.Itoa(int(s)) + ")"
}

// Coroutine is the body of a task: straight-line code that calls Await
// wherever it has to wait, and returns a result or an error.
type Coroutine[T any] func(co Coro) (T, error)

// Coro is a running coroutine's handle on its task, the one thing Await
// needs to suspend it. Pass it along to helpers that await; never share it
// with another task.
type Coro struct{ t *taskCore }

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

//exercise:begin s4-await
//docs:begin Await

// Await suspends the coroutine until a is done and returns its result. If a
// is done already it returns at once, with no switch. If the task is
// cancelled, Await returns ErrCancelled (once): the coroutine should clean
// up and return.
func Await[T any](co Coro, a Awaitable[T]) (T, error) {
	if err := co.t.wait(a); err != nil {
		var zero T
		return zero, err
	}
	return a.future().Result()
}

// wait runs on the coroutine's stack: it yields f to Step and returns when
// Step resumes it.
func (c *taskCore) wait(f awaited) error {
	if !c.cancelRequested && !f.Done() && !c.yield(f) {
		// yield says false when the loop stopped the coroutine (Close):
		// it will never be resumed, so every await fails from now on.
		return fmt.Errorf("%w: the loop is closing", ErrCancelled)
	}
	if c.cancelRequested {
		c.cancelRequested = false
		return ErrCancelled
	}
	return nil
}

//docs:end Await
//exercise:end s4-await

// Task runs a Coroutine on the loop and is the Future of its result. Only
// the loop goroutine touches it. A task resolves itself: never call
// SetResult or SetError on it.
type Task[T any] struct {
	*Future[T]
	core taskCore
	body Coroutine[T]
}

// taskCore is the part of a task that does not depend on its result type.
type taskCore struct {
	loop *EventLoop
	id   int
	req  int    // the request it serves, for the trace; 0 if none
	name string // what it does: "request 3"

	state           TaskState
	cancelRequested bool    // Cancel was called; the coroutine has not seen ErrCancelled yet
	waiting         awaited // TaskSuspended: the future awaited; nil in every other state
	liveIndex       int     // its place in the loop's live tasks until done; see taskSet

	step  func()                 // the task's Step, without its result type
	next  func() (awaited, bool) // switches to the coroutine; made by the first Step
	stop  func()                 // ends the coroutine; called on every path once next exists
	yield func(awaited) bool     // the coroutine's way back to Step, with what it awaits
}

func (c *taskCore) String() string { return "task " + strconv.Itoa(c.id) + " (" + c.name + ")" }

// NewTask makes a task that runs body on loop, and schedules its first
// step. name says what it does. A task made inside another task's step
// serves the same request, for the trace.
func NewTask[T any](loop *EventLoop, name string, body Coroutine[T]) *Task[T] {
	return newTask(loop, loop.request(), name, body)
}

func newTask[T any](loop *EventLoop, req int, name string, body Coroutine[T]) *Task[T] {
	loop.ids.task++
	t := &Task[T]{body: body, core: taskCore{loop: loop, id: loop.ids.task, req: req, name: name}}
	t.core.step = t.Step
	loop.trace.TaskNew(t.core.id, req, name)
	t.Future = NewFuture[T](loop, t.core.String())
	loop.live.add(t)
	loop.CallSoon(t.core.step)
	return t
}

// String names the task: "task 3 (request 3)".
func (t *Task[T]) String() string { return t.core.String() }

// State reports where the task stands.
func (t *Task[T]) State() TaskState { return t.core.state }

// transition moves the task to state to, which taskTransitions must allow,
// and tells the trace; the loop hears when a step begins and ends, for the
// trace and debug mode (aio_debug.go).
func (c *taskCore) transition(to TaskState) {
	from := c.state
	if taskTransitions[from]&(1<<to) == 0 {
		panic(fmt.Sprintf("%v: no transition from %v to %v", c, from, to))
	}
	if from == TaskRunning {
		c.loop.stepEnded(c)
	}
	c.state = to
	c.loop.trace.TaskState(c.id, c.req, from, to)
	if to == TaskRunning {
		c.loop.stepBegan(c)
	}
}

//exercise:begin s4-step
//docs:begin Step

// Step resumes the coroutine and lets it run until it awaits a future that
// is not done, or returns. Suspended, the task asks that future to schedule
// its next Step; returned, the task is resolved with the outcome. The loop
// calls Step; nothing else should.
func (t *Task[T]) Step() {
	c := &t.core
	switch c.state {
	case TaskDone:
		return
	case TaskSuspended:
		if !c.waiting.Done() {
			return // called before what it waits for is done: too early, nothing to do
		}
	case TaskNotStarted:
		if c.cancelRequested { // cancelled before it ever ran
			t.finish(*new(T), ErrCancelled)
			return
		}
		c.next, c.stop = iter.Pull(t.run)
	}
	c.waiting = nil
	c.transition(TaskRunning)
	f, suspended := c.next() // the switch: the coroutine runs until it awaits or returns
	if suspended {
		c.suspend(f)
		return
	}
	c.stop()
	t.finish(t.result, t.err)
}

// suspend records what the coroutine awaits, and has it call Step back
// once that is done. Step is the done-callback itself: the task's one
// step func, made in newTask, serves every await, where a closure per
// await cost an allocation each (docs/performance.md).
func (c *taskCore) suspend(f awaited) {
	c.transition(TaskSuspended)
	c.waiting = f
	c.loop.trace.TaskSuspend(c.id, c.req, f.futureID(), f)
	f.AddDoneCallback(c.step)
}

//docs:end Step
//exercise:end s4-step

// run is the coroutine side of iter.Pull. What the coroutine returns goes
// straight into the task's own Future (result, err), unread until finish
// resolves it. A panic is caught here, on the coroutine's own stack, so
// the error keeps the stack that panicked; the loop goes on.
func (t *Task[T]) run(yield func(awaited) bool) {
	t.core.yield = yield
	defer func() {
		if p := recover(); p != nil {
			t.result, t.err = *new(T), &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	t.result, t.err = t.body(Coro{&t.core})
}

// Cancel asks the task to stop: the coroutine gets ErrCancelled from the
// Await it is suspended in (or its next one), and whoever awaits the task
// gets ErrCancelled, unless the coroutine ignores it. What the task awaits
// is cancelled too: a sleep's timer, an fd's watch, a task it waits for.
// Cancel reports false when the task is done already.
func (t *Task[T]) Cancel() bool {
	c := &t.core
	if c.state == TaskDone {
		return false
	}
	c.cancelRequested = true
	if c.waiting != nil {
		c.waiting.Cancel() // resolving it schedules our next Step
	}
	return true
}

// finish moves the task to TaskDone and resolves it with v or err.
func (t *Task[T]) finish(v T, err error) {
	c := &t.core
	c.transition(TaskDone)
	c.loop.live.remove(c)
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

// PanicError is the error of a task whose coroutine panicked: the value it
// panicked with and the coroutine's stack at that moment.
type PanicError struct {
	Value any
	Stack []byte
}

// Error says what the coroutine panicked with: "panic: disk on fire".
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }
