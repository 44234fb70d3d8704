// A task in thirty lines: the whole idea of this stage before the real
// Task in task.go. A coroutine is a plain function that hands over (yields)
// each future it has to wait for; a driver resumes it, with the next that
// iter.Pull gives, once that future is resolved. Two coroutines take turns
// on one goroutine, and a plain callback resolves what they wait for. The
// real Task adds errors, cancellation, a trace and the I/O loop.

package main

import "iter"

//exercise:begin cap-minitask
//docs:begin minitask

// miniFuture is the smallest future that works: a value that arrives
// later, and the callbacks waiting for it.
type miniFuture struct {
	value   string
	done    bool
	waiting []func()
}

// miniLoop is a ready queue: callbacks run one at a time, in order.
type miniLoop struct{ ready []func() }

// callSoon queues fn to run after the callbacks already waiting.
func (l *miniLoop) callSoon(fn func()) { l.ready = append(l.ready, fn) }

// resolve gives f its value and queues every callback waiting for it.
func (l *miniLoop) resolve(f *miniFuture, v string) {
	f.value, f.done = v, true
	for _, fn := range f.waiting {
		l.callSoon(fn)
	}
	f.waiting = nil
}

// spawn starts a coroutine. Each step resumes it until it yields the
// future it awaits; that future calls the next step back once resolved.
func (l *miniLoop) spawn(co iter.Seq[*miniFuture]) {
	next, stop := iter.Pull(co)
	var step func()
	step = func() {
		f, awaiting := next() // the switch: the coroutine runs until it yields or returns
		switch {
		case !awaiting:
			stop()
		case f.done:
			l.callSoon(step)
		default:
			f.waiting = append(f.waiting, step)
		}
	}
	l.callSoon(step)
}

// run runs callbacks until none is left.
func (l *miniLoop) run() {
	for len(l.ready) > 0 {
		fn := l.ready[0]
		l.ready = l.ready[1:]
		fn()
	}
}

//docs:end minitask
//exercise:end cap-minitask
