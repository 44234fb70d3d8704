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
	return runLoop(sel, run.Trace)
}

//docs:begin runLoop

// runLoop is the event loop. It ends when no fd is watched any more: every
// request has closed its socket.
func runLoop(sel *Selector, tr *trace.Tracer) error {
	for sel.Len() > 0 {
		ready, err := sel.Select()
		if err != nil {
			closeAll(sel, tr)
			return err
		}
		for _, fd := range ready {
			r, ok := sel.lookup(fd)
			if !ok {
				continue // an earlier callback in this round closed it
			}
			tr.Callback(fd, r.name, 0)
			r.call()
		}
	}
	return nil
}

//docs:end runLoop

// closeAll closes every fd still watched, when the run has to stop early.
func closeAll(sel *Selector, tr *trace.Tracer) {
	for fd := range sel.fds {
		sel.Unregister(fd)
		closeSocket(fd, 0, tr)
	}
}
