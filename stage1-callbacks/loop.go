// The event loop: start every request, then select, call back, repeat.
// This is the whole trick; every later stage keeps this loop and changes
// what the callbacks do.

package main

import (
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// fetchAll sends run.N requests at once and runs the loop until every one
// of them is answered or failed.
func fetchAll(run *stagecli.Run) error {
	sel := NewSelector(run.Trace)
	for req := 1; req <= run.N; req++ {
		if err := startRequest(sel, run, req); err != nil {
			closeAll(sel, run.Trace)
			return err
		}
	}
	return runLoop(sel, run)
}

//exercise:begin s1-loop
//docs:begin runLoop

// runLoop is the event loop. It ends when no fd is watched any more: every
// request has closed its socket. It sleeps in select(2) no longer than the
// time the run has left (-timeout): the loop is the only place that sees
// time pass, so it is the loop that gives up on what is still unanswered.
func runLoop(sel *Selector, run *stagecli.Run) error {
	for sel.Len() > 0 {
		left := run.TimeLeft()
		if left == 0 {
			expireAll(sel, run)
			return nil
		}
		ready, err := sel.Select(left)
		if err != nil {
			closeAll(sel, run.Trace)
			return err
		}
		for _, fd := range ready {
			r, ok := sel.lookup(fd)
			if !ok {
				continue // an earlier callback in this round closed it
			}
			run.Trace.Callback(fd, r.name, r.req)
			r.call()
		}
	}
	return nil
}

//docs:end runLoop
//exercise:end s1-loop

//docs:begin expireAll

// expireAll ends every request still waiting when the run's time is up:
// its fd is closed and it is reported as timed out.
func expireAll(sel *Selector, run *stagecli.Run) {
	for fd, r := range sel.fds {
		sel.Unregister(fd)
		closeSocket(fd, r.req, run.Trace)
		run.TimedOut(r.req)
	}
}

//docs:end expireAll

// closeAll closes every fd still watched, when the run has to stop early.
func closeAll(sel *Selector, tr *trace.Tracer) {
	for fd, r := range sel.fds {
		sel.Unregister(fd)
		closeSocket(fd, r.req, tr)
	}
}
