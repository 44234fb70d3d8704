// Reaching the loop from another goroutine. The loop may be asleep in the
// selector; the only safe way to wake it is through an fd it watches. So
// the loop watches the read end of a pipe, and CallSoonThreadsafe queues
// its callback under a mutex and writes one byte to the write end. (Linux
// has eventfd for this; a pipe works on Linux and macOS alike.)

package main

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// wakeup is the pipe and the queue other goroutines fill.
type wakeup struct {
	r, w int // the pipe; r is watched by the selector, w is written by other goroutines

	mu       sync.Mutex
	queue    []func() // callbacks from other goroutines, not on the ready queue yet
	signaled bool     // a byte is in the pipe and the loop has not drained it yet
	closed   bool
}

func newWakeup(sel Selector) (*wakeup, error) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	for _, fd := range p {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			_ = unix.Close(p[0])
			_ = unix.Close(p[1])
			return nil, fmt.Errorf("pipe: set non-blocking: %w", err)
		}
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
