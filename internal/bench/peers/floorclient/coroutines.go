//go:build linux

// The second floor: a coroutine per request on one epoll loop, the least
// a design like stage 4's can take. Each request is an iter.Pull
// coroutine that makes the fewest system calls a non-blocking client can:
// socket, connect, write (which on loopback finds the handshake over;
// EAGAIN would mean it is not, and the coroutine would wait for the socket
// to turn writable), then the fd's one epoll_ctl, for reading, and a yield
// until epoll says it is readable; then read and close. Stage 4 makes
// three more per request in a big run: a poll and SO_ERROR after connect
// (where its lesson awaits the handshake), and a read that says EAGAIN
// before it awaits the reply, as its edge-triggered rule has it. The driver starts a thousand coroutines per turn, as stage 4's
// waves do, and resumes a coroutine when its fd is ready. What stage 4
// takes beyond this is the price of its tasks, futures and those three
// calls; what this takes beyond the first floor is the price of a
// coroutine per request and of non-blocking sockets on epoll.

package main

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
)

// wave is how many coroutines the loop starts per turn, as stage 4 does.
const wave = 1_000

// wait is what a coroutine yields: the fd it waits on, and for what.
type wait struct {
	fd       int
	writable bool // for room to write (the handshake not over yet); else for something to read
}

// request is one coroutine and what the loop knows of it.
type request struct {
	id         int
	fd         int                 // -1 until the socket is made
	registered bool                // fd is in the epoll interest list
	resume     func() (wait, bool) // runs the coroutine to its next yield
	stop       func()              // ends it early: its deferred close runs
	err        error               // how it ended; nil: answered
}

// fetchAllOnCoroutines runs n requests at once, each a coroutine, and
// returns how they ended; err is for the loop's own failure (epoll), after
// which every coroutine still waiting is stopped and its socket closed.
func fetchAllOnCoroutines(server *unix.SockaddrInet4, n int) (out outcome.Outcome, err error) {
	answered.Store(0)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return outcome.Outcome{}, fmt.Errorf("epoll_create1: %w", err)
	}
	defer unix.Close(ep)
	l := &loop{ep: ep, waiting: make(map[int]*request)}
	defer func() {
		if err != nil {
			l.stopAll()
		}
	}()
	began := time.Now()
	ended := func(r *request) {
		r.stop()
		if r.err != nil {
			out.Failed++
			if out.Error == "" {
				out.Error = fmt.Sprintf("request %d: %v", r.id, r.err)
			}
			return
		}
		out.Answered++
		answered.Add(1)
	}
	events := make([]unix.EpollEvent, 256)
	for next := 1; ; {
		for last := min(next+wave-1, n); next <= last; next++ {
			r := &request{id: next, fd: -1}
			r.resume, r.stop = iter.Pull(func(yield func(wait) bool) { r.err = fetchOnCoroutine(server, r, yield) })
			if done, err := l.step(r); err != nil {
				return out, err
			} else if done {
				ended(r)
			}
		}
		if out.Answered+out.Failed == n {
			break
		}
		timeout := -1 // nothing to start: sleep until a socket is ready
		if next <= n {
			timeout = 0 // the next wave waits: only look
		}
		got, err := unix.EpollWait(ep, events, timeout)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("epoll_wait: %w", err)
		}
		for _, ev := range events[:got] {
			// No socket is opened while a batch is handled, and a closed
			// one leaves epoll's ready list: every fd here is a live
			// request's, though it may not be waiting (a wake-up for
			// writing, with the fd registered for both).
			r := l.waiting[int(ev.Fd)]
			if r == nil {
				continue
			}
			delete(l.waiting, r.fd)
			if done, err := l.step(r); err != nil {
				return out, err
			} else if done {
				ended(r)
			}
		}
	}
	out.Seconds = time.Since(began).Seconds()
	return out, nil
}

// loop is what the driver keeps: the epoll instance, and the coroutine
// that waits on each fd.
type loop struct {
	ep      int
	waiting map[int]*request
}

// step resumes r until it yields or returns; done says it returned. A
// yield names the fd it waits on. The fd is registered with epoll once,
// edge-triggered, at its first wait: for reading only when that is what
// it waits for, so that epoll does not report a socket that is writable
// already to nobody (stage 4 registers reading and writing at once, as
// Go's netpoller does, and gets that second event). r waits in l.waiting
// until epoll reports the fd. If step fails, r is stopped.
func (l *loop) step(r *request) (done bool, err error) {
	w, waits := r.resume()
	if !waits {
		return true, nil
	}
	if !r.registered {
		events := uint32(unix.EPOLLIN | unix.EPOLLET)
		if w.writable {
			events |= unix.EPOLLOUT
		}
		ev := unix.EpollEvent{Fd: int32(w.fd), Events: events}
		if err := unix.EpollCtl(l.ep, unix.EPOLL_CTL_ADD, w.fd, &ev); err != nil {
			r.stop()
			return false, fmt.Errorf("epoll_ctl add fd %d: %w", w.fd, err)
		}
		r.registered = true
	}
	l.waiting[w.fd] = r
	return false, nil
}

// stopAll stops every coroutine still waiting: each closes its socket.
func (l *loop) stopAll() {
	for fd, r := range l.waiting {
		r.stop()
		delete(l.waiting, fd)
	}
}

// fetchOnCoroutine is request r, as a coroutine: it yields whenever it
// must wait for its socket, and returns how the request ended. Right after
// its write it waits to be readable, with no read first: the fd's
// registration, made at that wait, reports the reply if it came already.
// An fd registered earlier, to wait for room to write, may have reported
// it then, so that one reads first.
func fetchOnCoroutine(server *unix.SockaddrInet4, r *request, yield func(wait) bool) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	r.fd = fd
	defer unix.Close(fd)
	if err := unix.Connect(fd, server); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		return fmt.Errorf("connect: %w", err)
	}
	waitedToWrite, err := sendOnCoroutine(fd, r.id, yield)
	if err != nil {
		return err
	}
	readable := func() bool { return yield(wait{fd: fd}) }
	if !waitedToWrite && !readable() {
		return errStopped
	}
	return receive(fd, readable)
}

// sendOnCoroutine writes "Request id"; waited says it had to wait for
// room. A connect still in progress makes the write say EAGAIN: it waits
// for room, as for a full buffer. A connect that failed makes the first
// write fail with the connect's error, which is named so.
func sendOnCoroutine(fd, id int, yield func(wait) bool) (waited bool, err error) {
	msg := strconv.AppendInt([]byte("Request "), int64(id), 10)
	sent := false // a byte went out: the connect worked
	for len(msg) > 0 {
		n, err := unix.Write(fd, msg)
		switch {
		case errors.Is(err, unix.EAGAIN):
			if !yield(wait{fd: fd, writable: true}) {
				return true, errStopped
			}
			waited = true
		case err != nil && !sent:
			return waited, fmt.Errorf("connect: %w", err)
		case err != nil:
			return waited, fmt.Errorf("send: %w", err)
		default:
			sent = sent || n > 0
			msg = msg[n:]
		}
	}
	return waited, nil
}
