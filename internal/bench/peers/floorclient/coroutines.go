// The second floor: a coroutine per request on one epoll loop, the least
// a design like stage 4's can take. Each request is an iter.Pull
// coroutine that makes the fewest system calls a non-blocking client can:
// socket, connect, write (which on loopback finds the handshake over;
// EAGAIN would mean it is not, and the coroutine would wait for the socket
// to turn writable), then the fd's one epoll_ctl, for reading, and a yield
// until epoll says it is readable; then read and close. Stage 4 makes
// three more per request (a poll after connect, SO_ERROR, and a read that
// says EAGAIN before it waits), so that its lesson reads as the chapter
// tells it. The driver starts a thousand coroutines per turn, as stage 4's
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
	id     int
	fd     int                 // -1 until the socket is made
	resume func() (wait, bool) // runs the coroutine to its next yield
	stop   func()
	err    error // how it ended; nil: answered
}

// fetchAllOnCoroutines runs n requests at once, each a coroutine, and
// returns how they ended; err is for the loop's own failure (epoll).
func fetchAllOnCoroutines(server *unix.SockaddrInet4, n int) (outcome.Outcome, error) {
	answered.Store(0)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return outcome.Outcome{}, fmt.Errorf("epoll_create1: %w", err)
	}
	defer unix.Close(ep)
	l := &loop{ep: ep, waiting: make(map[int]*request), registered: make(map[int]bool)}
	began := time.Now()
	var out outcome.Outcome
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
			r := l.waiting[int(ev.Fd)]
			if r == nil {
				continue // a socket of one that ended already
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

// loop is what the driver keeps: the epoll instance, the coroutine that
// waits on each fd, and the fds registered with epoll.
type loop struct {
	ep         int
	waiting    map[int]*request
	registered map[int]bool
}

// step resumes r until it yields or returns; done says it returned. A
// yield names the fd it waits on. The fd is registered with epoll once,
// edge-triggered, at its first wait: for reading only when that is what
// it waits for, so that epoll does not report a socket that is writable
// already to nobody (stage 4 registers reading and writing at once, as
// Go's netpoller does). r waits in l.waiting until epoll reports the fd.
func (l *loop) step(r *request) (done bool, err error) {
	w, waits := r.resume()
	if !waits {
		delete(l.registered, r.fd) // closed by the coroutine: epoll dropped it
		return true, nil
	}
	if !l.registered[w.fd] {
		events := uint32(unix.EPOLLIN | unix.EPOLLET)
		if w.writable {
			events |= unix.EPOLLOUT
		}
		ev := unix.EpollEvent{Fd: int32(w.fd), Events: events}
		if err := unix.EpollCtl(l.ep, unix.EPOLL_CTL_ADD, w.fd, &ev); err != nil {
			return false, fmt.Errorf("epoll_ctl add fd %d: %w", w.fd, err)
		}
		l.registered[w.fd] = true
	}
	l.waiting[w.fd] = r
	return false, nil
}

// fetchOnCoroutine is request r, as a coroutine: it yields whenever it
// must wait for its socket, and returns how the request ended. Right after
// its write it waits to be readable: the fd's registration reports the
// reply if it came already, so no read has to say EAGAIN first.
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
	if err := sendOnCoroutine(fd, r.id, yield); err != nil {
		return err
	}
	readable := func() bool { return yield(wait{fd: fd}) }
	if !readable() {
		return errStopped
	}
	return receive(fd, readable)
}

// sendOnCoroutine writes "Request id". A connect still in progress makes
// the write say EAGAIN: it waits for room, as for a full buffer. A connect
// that failed makes it fail with the connect's error, which is named so.
func sendOnCoroutine(fd, id int, yield func(wait) bool) error {
	msg := strconv.AppendInt([]byte("Request "), int64(id), 10)
	for sent := false; len(msg) > 0; sent = true {
		n, err := unix.Write(fd, msg)
		switch {
		case errors.Is(err, unix.EAGAIN):
			if !yield(wait{fd: fd, writable: true}) {
				return errStopped
			}
			n = 0
		case err != nil && !sent:
			return fmt.Errorf("connect: %w", err)
		case err != nil:
			return fmt.Errorf("send: %w", err)
		}
		msg = msg[n:]
	}
	return nil
}
