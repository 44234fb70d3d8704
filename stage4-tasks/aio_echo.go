// A server on the loop: the other side of fetch. One task accepts
// connections; each connection gets a task of its own that reads the
// request and writes it back. Thousands of clients
// fit on the one goroutine, as thousands of requests did.

package main

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// listen opens a non-blocking TCP socket listening on addr.
func listen(addr *unix.SockaddrInet4) (int, error) {
	fd, err := openSocket(nil, 0)
	if err != nil {
		return -1, err
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("setsockopt SO_REUSEADDR: %w", err)
	}
	if err := unix.Bind(fd, addr); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("bind: %w", err)
	}
	if err := unix.Listen(fd, 4096); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("listen: %w", err)
	}
	return fd, nil
}

// boundAddr is where a listening socket ended up (port 0 picks one).
func boundAddr(fd int) (*unix.SockaddrInet4, error) {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil, fmt.Errorf("getsockname: %w", err)
	}
	in4, ok := sa.(*unix.SockaddrInet4)
	if !ok {
		return nil, fmt.Errorf("getsockname: not an IPv4 address: %v", sa)
	}
	return in4, nil
}

//docs:begin Serve

// Serve accepts connections on the listening socket lfd, forever, and
// starts a task running handle for each; handle owns the connection's fd
// and must close it. Cancel Serve's task to stop it: the connections'
// tasks are cancelled with it, and lfd is left for the caller to close
// (Serve forgets it: io.go).
func Serve(co Coro, loop *EventLoop, lfd int, handle func(co Coro, fd int) error) error {
	conns := make(map[int]*Task[struct{}]) // live connection tasks, by fd
	defer stopConns(loop, conns)
	defer loop.forget(lfd)
	for {
		fd, err := accept(lfd) // first, then await: the selector is edge-triggered (io.go)
		if errors.Is(err, unix.EAGAIN) {
			if _, err := Await(co, loop.Readable(lfd)); err != nil {
				return err
			}
			continue
		}
		if errors.Is(err, unix.ECONNABORTED) {
			continue // the client left before we got to it
		}
		if err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		t := NewTask(loop, fmt.Sprintf("connection fd %d", fd), func(co Coro) (struct{}, error) {
			return struct{}{}, handle(co, fd)
		})
		conns[fd] = t
		t.AddDoneCallback(func() {
			if conns[fd] == t { // else fd was closed and a newer connection has its number
				delete(conns, fd)
			}
			if _, err := t.Result(); err != nil && !errors.Is(err, ErrCancelled) {
				fmt.Fprintf(loop.stderr(), "%v: %v\n", t, err)
			}
		})
	}
}

// stopConns cancels the connections' tasks. A task cancelled before its
// first step never runs its coroutine, so handle never got the fd: it is
// closed here instead.
func stopConns(loop *EventLoop, conns map[int]*Task[struct{}]) {
	for fd, t := range conns {
		t.Cancel()
		if !t.started() {
			closeSocket(loop, fd, 0)
		}
	}
}

// accept takes one waiting connection and makes it non-blocking.
// (accept4 would do it in one call, but macOS does not have it.)
func accept(lfd int) (int, error) {
	fd, _, err := unix.Accept(lfd)
	if err != nil {
		return -1, err
	}
	if err := nonBlocking(fd); err != nil {
		_ = unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// echo is a connection handler that speaks the slow server's protocol,
// without the wait: it reads the request (one read, cut at the first
// newline), writes it back as one line, and closes the connection. So
// fetch, pointed at it, gets its own message back as the reply.
func echo(co Coro, loop *EventLoop, fd int) error {
	defer closeSocket(loop, fd, 0)
	var buf [4096]byte
	for {
		n, err := unix.Read(fd, buf[:])
		if errors.Is(err, unix.EAGAIN) {
			if _, err := Await(co, loop.Readable(fd)); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
		if err := send(co, loop, fd, 0, append(line, '\n')); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
}

//docs:end Serve

// started reports whether the coroutine was ever made. A task cancelled
// before its first step never starts, and is done all the same.
func (t *Task[T]) started() bool { return t.core.next != nil }
