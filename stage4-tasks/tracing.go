// Trace events, built out of line. A trace.Event is about half a kilobyte,
// and a function that builds one in place reserves that much of its stack
// frame on every call, tracing or not. On the loop's own stack that is
// harmless; on a coroutine's, which starts at 2 KiB, it is not: NewFuture
// built its event in place, and every coroutine's stack had to grow (a
// copy to a new 4 KiB stack) at its first Sleep. The functions that run on
// coroutine stacks hand the fields to these helpers instead, which build
// the event in their own frame, and are called only when tracing is on.
// The go:noinline directives keep the compiler from folding them back
// into their callers, which would bring the event back into their frames.

package main

import (
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// emitFuture writes a future event; err is recorded if not nil.
//
//go:noinline
func emitFuture(tr *trace.Tracer, k trace.Kind, id int, name string, req int, err error) {
	e := trace.Event{Ev: k, Future: id, Name: name, Req: req}
	if err != nil {
		e.Err = err.Error()
	}
	tr.Emit(e)
}

// emitTimer writes a timer event.
//
//go:noinline
func emitTimer(tr *trace.Tracer, k trace.Kind, id int, delay time.Duration, req int) {
	tr.Emit(trace.Event{Ev: k, Timer: id, DelayUS: delay.Microseconds(), Req: req})
}

// emitFD writes an event about an fd: register, unregister, callback.
//
//go:noinline
func emitFD(tr *trace.Tracer, k trace.Kind, fd int, dir Interest, name string, req int) {
	e := trace.Event{Ev: k, FD: fd, Name: name, Req: req}
	if dir != 0 {
		e.Dir = dir.String()
	}
	tr.Emit(e)
}

// emitIO writes an event about a socket of request req: socket, send,
// recv, close.
//
//go:noinline
func emitIO(tr *trace.Tracer, k trace.Kind, req, fd, bytes int) {
	tr.Emit(trace.Event{Ev: k, Req: req, FD: fd, Bytes: bytes})
}

// emitTask writes task_new.
//
//go:noinline
func emitTask(tr *trace.Tracer, k trace.Kind, task, req int, name string) {
	tr.Emit(trace.Event{Ev: k, Task: task, Req: req, Name: name})
}
