// Debug mode and the reports a loop owes its user. A callback or task step
// that runs long blocks every other request: debug mode times each one and
// names the slow ones. And a task that failed with nobody awaiting it would
// fail silently; Close names it.

package main

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"time"
)

// slowStep is how long a callback may run before debug mode reports it:
// 100 ms, long enough to be no accident, short enough that a person
// waiting notices.
const slowStep = 100 * time.Millisecond

// runCallback runs one callback from the ready queue; in debug mode it is
// timed. Without debug mode it costs one call.
func (l *EventLoop) runCallback(fn func()) {
	if !l.Debug {
		fn()
		return
	}
	l.stepped = nil
	began := time.Now()
	fn()
	if took := time.Since(began); took > slowStep {
		l.reportSlow(fn, took)
	}
}

// reportSlow names a slow callback: the task it stepped, or else its
// function.
func (l *EventLoop) reportSlow(fn func(), took time.Duration) {
	name := "callback " + runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	if l.stepped != nil {
		name = l.stepped.String() + " step"
	}
	l.trace.Slow(name, took)
	fmt.Fprintf(l.stderr(), "debug: %s took %.2fs — something blocked the loop\n", name, took.Seconds())
}

// reportUnretrieved names every task that failed when nobody asked for its
// error: without this, the error would vanish.
func (l *EventLoop) reportUnretrieved() {
	for _, t := range l.failed {
		err := t.unretrieved()
		if err == nil {
			continue
		}
		fmt.Fprintf(l.stderr(), "%v failed and its error was never retrieved: %v\n", t, err)
		if p, ok := errors.AsType[*PanicError](err); ok {
			fmt.Fprintf(l.stderr(), "%s\n", p.Stack)
		}
	}
	l.failed = nil
}
