// Offloading blocking work. Some calls cannot await: a CPU-heavy hash, a
// library that only blocks, os.ReadFile on a slow disk. Run on the loop,
// they freeze every request. RunInExecutor runs such a call on a goroutine
// of its own, off the loop, and brings its result back the only safe way:
// CallSoonThreadsafe, through the wake-up pipe, resolving a future that
// coroutines await as usual. asyncio's run_in_executor does the same with
// a thread pool; Go's goroutines are the pool.
//
// Reaching the loop from another goroutine: the loop may be asleep in the
// selector, and the only safe way to wake it is through an fd it watches.
// So the loop watches the read end of a pipe, and CallSoonThreadsafe
// queues its callback under a mutex and writes one byte to the write end.
// (Linux has eventfd for this; a pipe works on Linux and macOS alike.)
// This is the only part of the appendix the loop itself knows about: it
// makes the pipe in NewEventLoop, hands its readiness to drain (io.go's
// dispatch), closes it in Close, and counts work in flight as pending.

package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"golang.org/x/sys/unix"
)

//docs:begin RunInExecutor

// RunInExecutor runs fn on a new goroutine and returns a future of its
// result, resolved on the loop. While fn runs the loop counts it as work
// in flight: Run does not return, nor report a deadlock, while the result
// is still to come. A panic in fn becomes the future's error.
// Cancelling the future does not stop fn (nothing can stop a running Go
// function from outside); its result is dropped when it arrives.
func RunInExecutor[T any](loop *EventLoop, name string, fn func() (T, error)) *Future[T] {
	f := NewFuture[T](loop, name)
	loop.wake.inFlight++
	go func() {
		v, err := callCatching(fn)
		// False when the loop is closed: nobody is left to tell.
		loop.CallSoonThreadsafe(func() {
			loop.wake.inFlight--
			if f.Done() { // cancelled meanwhile
				return
			}
			if err != nil {
				f.SetError(err)
				return
			}
			f.SetResult(v)
		})
	}()
	return f
}

//docs:end RunInExecutor

// callCatching calls fn and turns a panic into a *PanicError.
func callCatching[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}

// wakeup is the pipe and the queue other goroutines fill.
type wakeup struct {
	r, w int // the pipe; r is watched by the selector, w is written by other goroutines

	mu       sync.Mutex
	queue    []func() // callbacks from other goroutines, not on the ready queue yet
	signaled bool     // a byte is in the pipe and the loop has not drained it yet
	closed   bool

	inFlight int // RunInExecutor calls whose result has not come back; loop goroutine only
}

// newWakeup makes the pipe and has sel watch its read end. The pipe is
// watched for the loop's whole life, outside l.watches: it must not keep
// Run going by itself.
func newWakeup(sel Selector) (*wakeup, error) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	if err := errors.Join(nonBlocking(p[0]), nonBlocking(p[1])); err != nil {
		_ = unix.Close(p[0])
		_ = unix.Close(p[1])
		return nil, fmt.Errorf("pipe: %w", err)
	}
	if err := sel.Register(p[0], Read); err != nil {
		_ = unix.Close(p[0])
		_ = unix.Close(p[1])
		return nil, err
	}
	return &wakeup{r: p[0], w: p[1]}, nil
}

// CallSoonThreadsafe queues fn to run on the loop, and wakes the loop if it
// sleeps. It is the one method any goroutine may call. It reports false,
// and fn never runs, once the loop is closed.
func (l *EventLoop) CallSoonThreadsafe(fn func()) bool {
	w := l.wake
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return false
	}
	w.queue = append(w.queue, fn)
	if !w.signaled {
		// One byte is enough however many callbacks wait; EAGAIN (a full
		// pipe) means bytes are there already.
		w.signaled = true
		_, _ = unix.Write(w.w, []byte{1})
	}
	return true
}

// is reports whether fd is the wake-up pipe.
func (w *wakeup) is(fd int) bool { return fd == w.r }

// drain empties the pipe and moves the queued callbacks to the loop's ready
// queue. Loop goroutine only.
func (w *wakeup) drain(l *EventLoop) {
	w.mu.Lock()
	queue := w.queue
	w.queue = nil
	w.signaled = false
	var buf [64]byte
	for {
		if n, err := unix.Read(w.r, buf[:]); err != nil || n == 0 {
			break // EAGAIN: empty
		}
	}
	w.mu.Unlock()
	for _, fn := range queue {
		l.CallSoon(fn)
	}
}

// close refuses further callbacks and closes the pipe.
func (w *wakeup) close(sel Selector) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	w.queue = nil
	_ = sel.Unregister(w.r)
	return errors.Join(unix.Close(w.r), unix.Close(w.w))
}
