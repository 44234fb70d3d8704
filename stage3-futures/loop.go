// The event loop: start every request, then run what is ready, select,
// call back, repeat. Stage 2's loop with one addition: a queue of
// callbacks to run soon, where futures put their done-callbacks.

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// EventLoop is the selector plus a ready queue. Only the loop goroutine
// touches it.
type EventLoop struct {
	sel     *Selector
	ready   []func() // callbacks to run before the next select, first in first out
	futures int      // future ids handed out so far
	trace   *trace.Tracer
}

// NewEventLoop returns a loop with nothing to do yet.
func NewEventLoop(tr *trace.Tracer) *EventLoop {
	return &EventLoop{sel: NewSelector(tr), trace: tr}
}

// CallSoon runs fn on the loop after the callbacks already waiting.
func (l *EventLoop) CallSoon(fn func()) { l.ready = append(l.ready, fn) }

func (l *EventLoop) newFutureID() int      { l.futures++; return l.futures }
func (l *EventLoop) tracer() *trace.Tracer { return l.trace }

// request is 0: this loop does not know which request a callback serves;
// future names say it instead ("request 3: sent").
func (l *EventLoop) request() int { return 0 }

//docs:begin fetchAll

// fetchAll sends run.N requests at once and runs the loop until every one
// of them is answered or failed.
func fetchAll(run *stagecli.Run) error {
	loop := NewEventLoop(run.Trace)
	replies := make([]*Future[[]byte], 0, run.N)
	for req := 1; req <= run.N; req++ {
		reply, err := NewClient(loop, run, req).Fetch()
		if err != nil {
			closeAll(loop.sel, run.Trace)
			return err
		}
		reply.AddDoneCallback(func() { report(run, req, reply) })
		replies = append(replies, reply)
	}
	err := loop.RunUntilComplete(All(loop, replies), run.TimeLeft())
	if errors.Is(err, errDeadline) {
		expireAll(loop.sel, run)
		return nil
	}
	return err
}

//docs:end fetchAll

// report tells run how request req ended.
func report(run *stagecli.Run, req int, reply *Future[[]byte]) {
	data, err := reply.Result()
	if err != nil {
		run.Failed(req, err)
		return
	}
	run.Answered(req, data)
}

//docs:begin RunUntilComplete

// RunUntilComplete is the event loop. Each turn runs every ready callback,
// then sleeps in select(2) and runs the callbacks of the ready fds, until
// f is done, or until timeout has passed: then it returns errDeadline,
// with whatever still waits left as it is.
func (l *EventLoop) RunUntilComplete(f interface{ Done() bool }, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		l.runReady()
		if f.Done() {
			return nil
		}
		if l.sel.Len() == 0 {
			return fmt.Errorf("nothing left to wait for, yet %v is not done", f)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return errDeadline
		}
		ready, err := l.sel.Select(left)
		if err != nil {
			closeAll(l.sel, l.trace)
			return err
		}
		for _, fd := range ready {
			r, ok := l.sel.lookup(fd)
			if !ok {
				continue // an earlier callback in this round closed it
			}
			l.trace.Callback(fd, r.name, r.req)
			r.call()
		}
	}
}

//docs:end RunUntilComplete

// errDeadline is RunUntilComplete's error when the time ran out.
var errDeadline = errors.New("deadline passed")

// expireAll ends every request still waiting when the run's time is up:
// its fd is closed and it is reported as timed out. Its futures stay
// pending: the run is over.
func expireAll(sel *Selector, run *stagecli.Run) {
	for fd, r := range sel.fds {
		sel.Unregister(fd)
		closeSocket(fd, r.req, run.Trace)
		run.TimedOut(r.req)
	}
}

// runReady runs ready callbacks until none is left, including those that
// the callbacks themselves schedule.
func (l *EventLoop) runReady() {
	for len(l.ready) > 0 {
		fn := l.ready[0]
		l.ready[0] = nil
		l.ready = l.ready[1:]
		fn()
	}
}

// closeAll closes every fd still watched, when the run has to stop early.
func closeAll(sel *Selector, tr *trace.Tracer) {
	for fd, r := range sel.fds {
		sel.Unregister(fd)
		closeSocket(fd, r.req, tr)
	}
}
