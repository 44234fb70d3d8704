// Typed emit helpers: one method per kind, taking the few values that kind
// records. Stage code calls them unconditionally, tr.Send(req, fd, n), and
// pays one nil check when tracing is off: no Event is built, no string
// formatted, no closure allocated.
//
// Each helper is a tiny method the compiler inlines into its caller (the
// nil check) and a slow half that builds the Event in its own stack frame.
// An Event is about half a kilobyte. Built in place, it would sit in the
// frame of every caller, traced or not, and a coroutine of stage 4, whose
// stack starts at 2 KiB, would have to grow its stack (a copy) at its first
// await. The go:noinline directives keep the slow halves out of line for
// exactly that reason. That is a cost of the trace, not of the lesson, so it
// lives here.

package trace

import (
	"fmt"
	"time"
)

// Socket: a socket fd was created for request req.
func (t *Tracer) Socket(req, fd int) {
	if t != nil {
		t.io(Socket, req, fd, 0)
	}
}

// Close: fd of request req was closed.
func (t *Tracer) Close(req, fd int) {
	if t != nil {
		t.io(Close, req, fd, 0)
	}
}

// Send: n bytes of request req were written to fd.
func (t *Tracer) Send(req, fd, n int) {
	if t != nil {
		t.io(Send, req, fd, n)
	}
}

// Recv: n bytes of request req were read from fd; 0 is the end of the
// stream.
func (t *Tracer) Recv(req, fd, n int) {
	if t != nil {
		t.io(Recv, req, fd, n)
	}
}

//go:noinline
func (t *Tracer) io(k Kind, req, fd, n int) {
	t.Emit(Event{Ev: k, Req: req, FD: fd, Bytes: n})
}

// Register: fd is now watched for dir ("read", "write"); name is what runs
// when it is ready, req the request it serves (0 if none or unknown).
func (t *Tracer) Register(fd int, dir fmt.Stringer, name string, req int) {
	if t != nil {
		t.fd(Register, fd, dir, name, req)
	}
}

// Unregister: fd is no longer watched for dir; a nil dir means not at all.
func (t *Tracer) Unregister(fd int, dir fmt.Stringer) {
	if t != nil {
		t.fd(Unregister, fd, dir, "", 0)
	}
}

// Callback: the loop runs name because fd is ready; req is the request it
// serves (0 if none or unknown).
func (t *Tracer) Callback(fd int, name string, req int) {
	if t != nil {
		t.fd(Callback, fd, nil, name, req)
	}
}

// RegisterFuture is Register for a loop whose waiters are futures: the
// name is f's, "future 12 (writable)", formatted only when tracing.
func (t *Tracer) RegisterFuture(fd int, dir, f fmt.Stringer, req int) {
	if t != nil {
		t.fd(Register, fd, dir, f.String(), req)
	}
}

// CallbackFuture is Callback for a loop whose waiters are futures: fd is
// ready and f, named only when tracing, is about to be resolved.
func (t *Tracer) CallbackFuture(fd int, f fmt.Stringer, req int) {
	if t != nil {
		t.fd(Callback, fd, nil, f.String(), req)
	}
}

//go:noinline
func (t *Tracer) fd(k Kind, fd int, dir fmt.Stringer, name string, req int) {
	e := Event{Ev: k, FD: fd, Name: name, Req: req}
	if dir != nil {
		e.Dir = dir.String()
	}
	t.Emit(e)
}

// Wait: the loop is about to sleep in select, epoll or kqueue, watching
// fds descriptors, for at most timeout (negative: until an fd is ready).
// Emitting Wait also flushes the trace, so a live reader sees everything
// up to the sleep.
func (t *Tracer) Wait(fds int, timeout time.Duration) {
	if t != nil {
		t.wait(fds, timeout)
	}
}

//go:noinline
func (t *Tracer) wait(fds int, timeout time.Duration) {
	us := int64(-1)
	if timeout >= 0 {
		us = timeout.Microseconds()
	}
	t.Emit(Event{Ev: Wait, FDs: fds, TimeoutUS: us})
}

// Now is the time to pass to Ready or TaskStep later, read only when
// tracing: a clock read per loop turn or per step is not free.
func (t *Tracer) Now() time.Time {
	if t == nil {
		return time.Time{}
	}
	return time.Now()
}

// Ready: the loop woke up from a sleep that began at began (from Now);
// fds are the descriptors that are ready, none after a timeout.
func (t *Tracer) Ready(fds []int, began time.Time) {
	if t != nil {
		t.ready(fds, began)
	}
}

//go:noinline
func (t *Tracer) ready(fds []int, began time.Time) {
	t.Emit(Event{Ev: Ready, Ready: fds, WaitedUS: time.Since(began).Microseconds()})
}

// ReadyFDs is Ready for a selector whose answers are not plain fds: fd
// takes the descriptor out of each. The list of fds is built only when
// tracing.
func ReadyFDs[E any](t *Tracer, ready []E, fd func(E) int, began time.Time) {
	if t == nil {
		return
	}
	fds := make([]int, len(ready))
	for i, r := range ready {
		fds[i] = fd(r)
	}
	t.Ready(fds, began)
}

// State: request req's client moved from one state to another.
func (t *Tracer) State(req int, from, to fmt.Stringer) {
	if t != nil {
		t.state(State, 0, req, from, to)
	}
}

//go:noinline
func (t *Tracer) state(k Kind, task, req int, from, to fmt.Stringer) {
	t.Emit(Event{Ev: k, Task: task, Req: req, From: from.String(), To: to.String()})
}

// FutureNew: future id, standing for name, was created while serving
// request req.
func (t *Tracer) FutureNew(id int, name string, req int) {
	if t != nil {
		t.future(FutureNew, id, name, req, nil)
	}
}

// FutureDone: future id was resolved, with err when it failed.
func (t *Tracer) FutureDone(id int, name string, req int, err error) {
	if t != nil {
		t.future(FutureDone, id, name, req, err)
	}
}

//go:noinline
func (t *Tracer) future(k Kind, id int, name string, req int, err error) {
	e := Event{Ev: k, Future: id, Name: name, Req: req}
	if err != nil {
		e.Err = err.Error()
	}
	t.Emit(e)
}

// FutureCallback returns fn made to write a future_callback event for
// future id just before it runs. With tracing off it returns fn itself:
// nothing is wrapped, nothing allocated.
func (t *Tracer) FutureCallback(id int, name string, req int, fn func()) func() {
	if t == nil {
		return fn
	}
	return func() {
		t.future(FutureCallback, id, name, req, nil)
		fn()
	}
}

// TaskNew: task id, doing name, was created for request req.
func (t *Tracer) TaskNew(id, req int, name string) {
	if t != nil {
		t.task(TaskNew, id, req, name, nil)
	}
}

// TaskState: task id of request req moved from one state to another.
func (t *Tracer) TaskState(id, req int, from, to fmt.Stringer) {
	if t != nil {
		t.state(TaskState, id, req, from, to)
	}
}

// TaskStep: task id ran one step, which began at began (from Now).
func (t *Tracer) TaskStep(id, req int, began time.Time) {
	if t != nil {
		t.taskStep(id, req, began)
	}
}

//go:noinline
func (t *Tracer) taskStep(id, req int, began time.Time) {
	t.Emit(Event{Ev: TaskStep, Task: id, Req: req, StepUS: time.Since(began).Microseconds()})
}

// TaskSuspend: task id awaits future, a future or task with id futureID
// that is not done yet.
func (t *Tracer) TaskSuspend(id, req, futureID int, future fmt.Stringer) {
	if t != nil {
		t.taskSuspend(id, req, futureID, future)
	}
}

//go:noinline
func (t *Tracer) taskSuspend(id, req, futureID int, future fmt.Stringer) {
	t.Emit(Event{Ev: TaskSuspend, Task: id, Req: req, Future: futureID, Name: future.String()})
}

// TaskDone: task id finished, with err when it failed or was cancelled.
func (t *Tracer) TaskDone(id, req int, name string, err error) {
	if t != nil {
		t.task(TaskDone, id, req, name, err)
	}
}

//go:noinline
func (t *Tracer) task(k Kind, id, req int, name string, err error) {
	e := Event{Ev: k, Task: id, Req: req, Name: name}
	if err != nil {
		e.Err = err.Error()
	}
	t.Emit(e)
}

// TimerAdd: timer id will fire after delay; req is the request that set
// it (0 if none).
func (t *Tracer) TimerAdd(id int, delay time.Duration, req int) {
	if t != nil {
		t.timer(TimerAdd, id, delay, req)
	}
}

// TimerFire: timer id is due; its callback is queued.
func (t *Tracer) TimerFire(id int) {
	if t != nil {
		t.timer(TimerFire, id, 0, 0)
	}
}

//go:noinline
func (t *Tracer) timer(k Kind, id int, delay time.Duration, req int) {
	t.Emit(Event{Ev: k, Timer: id, DelayUS: delay.Microseconds(), Req: req})
}

// Slow: debug mode saw name (a callback or a task step) run for took,
// long enough to freeze every other request.
func (t *Tracer) Slow(name string, took time.Duration) {
	if t != nil {
		t.slow(name, took)
	}
}

//go:noinline
func (t *Tracer) slow(name string, took time.Duration) {
	t.Emit(Event{Ev: Slow, Name: name, StepUS: took.Microseconds()})
}
