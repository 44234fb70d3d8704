// One request as a coroutine: fetch reads like the blocking client one
// would write first, with an Await wherever it would block; the loop runs
// the other requests meanwhile. fetchAll, below it, starts one task each.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

//docs:begin fetch

// fetch is request req, top to bottom. Each helper awaits when the socket
// is not ready; an error comes back here like any Go error, named after
// the step that failed. The deferred close runs on every path: success,
// error, cancellation, even a panic.
func fetch(co Coro, loop *EventLoop, run *stagecli.Run, req int) (string, error) {
	run.Began(req) // the request's own time starts here
	fd, err := openSocket(run.Trace, req)
	if err != nil {
		return "", err
	}
	defer closeSocket(loop, fd, req)
	spreadSource(fd, run, req) // beyond the 10,000th request only: aio_sources.go

	if err := connect(co, loop, fd, run); err != nil {
		return "", failed("connect", err)
	}
	if err := send(co, loop, fd, req, run.Message(req)); err != nil {
		return "", failed("send", err)
	}
	reply, err := receive(co, loop, fd, req)
	if err != nil {
		return "", failed("receive", err)
	}
	return string(reply), nil
}

// failed names the step of fetch that failed: "connect: connection
// refused". It is fmt.Errorf moved out of fetch to keep fetch's frame
// small: fetch's frame stays on the coroutine's stack while it awaits, and
// with fmt's arguments in it, every request's coroutine outgrew the 2 KiB
// stack it starts with, and took 4 (docs/performance.md).
func failed(step string, err error) error { return fmt.Errorf("%s: %w", step, err) }

// connect starts connecting to run.Server and awaits the end of the
// handshake: the socket turns writable then, and SO_ERROR says how it
// went. A run of more than 1,000 requests first asks whether the
// handshake is over already, as it is on Linux's loopback, and awaits only
// if not (aio_eager.go).
func connect(co Coro, loop *EventLoop, fd int, run *stagecli.Run) error {
	err := unix.Connect(fd, run.Server)
	if err == nil {
		return nil // connected at once
	}
	if !errors.Is(err, unix.EINPROGRESS) {
		return err
	}
	if connectsEagerly(run) && handshakeOver(fd) { // big runs only: aio_eager.go
		return connectResult(fd)
	}
	if _, err := Await(co, loop.Writable(fd)); err != nil {
		return err
	}
	return connectResult(fd)
}

// send writes all of msg, awaiting room whenever the socket buffer is full.
func send(co Coro, loop *EventLoop, fd, req int, msg []byte) error {
	for len(msg) > 0 {
		n, err := unix.Write(fd, msg)
		if errors.Is(err, unix.EAGAIN) {
			if _, err := Await(co, loop.Writable(fd)); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		loop.trace.Send(req, fd, n)
		msg = msg[n:]
	}
	return nil
}

// receive reads the reply as it arrives, in as many pieces as the network
// delivers, until a newline or until the server closes the connection (a
// read of 0 bytes), awaiting whenever nothing has come yet. The reply is
// read straight into its own buffer, on the heap: a [512]byte on the
// coroutine's stack was a quarter of the 2 KiB a coroutine starts with
// (docs/performance.md). Only the new bytes are searched for the newline,
// and a reply that grows past stagecli.MaxReply without one fails: a
// server that never stops talking must not eat all memory.
func receive(co Coro, loop *EventLoop, fd, req int) ([]byte, error) {
	reply := make([]byte, 0, 64) // the reply is one short line; a longer one grows it
	for {
		if len(reply) == cap(reply) {
			reply = slices.Grow(reply, len(reply))
		}
		n, err := unix.Read(fd, reply[len(reply):cap(reply)])
		if errors.Is(err, unix.EAGAIN) {
			if _, err := Await(co, loop.Readable(fd)); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		loop.trace.Recv(req, fd, n)
		got := reply[len(reply) : len(reply)+n]
		reply = reply[:len(reply)+n]
		switch {
		case n == 0 || bytes.IndexByte(got, '\n') >= 0:
			return reply, nil
		case len(reply) >= stagecli.MaxReply:
			return nil, stagecli.ErrReplyTooLong
		}
	}
}

//docs:end fetch

// fetchAll sends run.N requests at once, one task each, and runs loop
// until every one of them is answered or failed. A run of more than 1,000
// starts them a thousand per turn of the loop, which spreads out the
// replies of a big run (startInWaves, in aio_waves.go).
func fetchAll(loop *EventLoop, run *stagecli.Run) error {
	stop := showProgress(loop, run)
	startInWaves(loop, run.N, func(req int) {
		startRequest(loop, run, req).AddDoneCallback(func() {
			if run.Pending() == 0 {
				stop() // the last one: do not wait for the next tick
			}
		})
	})
	return loop.Run()
}

//docs:begin newRequest

// ErrTimeout is the error of a request, or of WaitFor, whose deadline
// passed first. Test for it with errors.Is.
var ErrTimeout = errors.New("timed out")

// newRequest starts a task that runs fetch for request req under a
// deadline: a timer that cancels the task once run.Timeout has passed
// (-timeout, 30s by default), and that the task cancels if it ends first.
// The loop is the only part of the program that sees time pass. Cancelled,
// fetch gets ErrCancelled at its Await and closes its socket on the way
// out; the task fails with ErrTimeout.
func newRequest(loop *EventLoop, run *stagecli.Run, req int) *Task[string] {
	late := false
	task := newTask(loop, req, fmt.Sprintf("request %d", req), func(co Coro) (string, error) {
		reply, err := fetch(co, loop, run, req)
		if late && errors.Is(err, ErrCancelled) {
			err = timedOut(run.Timeout)
		}
		return reply, err
	})
	deadline := loop.CallLater(run.Timeout, func() {
		late = true
		task.Cancel()
	})
	task.AddDoneCallback(func() { deadline.Cancel() })
	return task
}

//docs:end newRequest

// timedOut is the error of a request cancelled by its deadline: "timed out
// after 30s". Like failed, it keeps fmt's arguments out of a frame that
// stays on the coroutine's stack.
func timedOut(limit time.Duration) error { return fmt.Errorf("%w after %v", ErrTimeout, limit) }

// startRequest starts request req and has it report its outcome to run.
func startRequest(loop *EventLoop, run *stagecli.Run, req int) *Task[string] {
	task := newRequest(loop, run, req)
	task.AddDoneCallback(func() { report(run, req, task) })
	return task
}

// report tells run how request req ended.
func report(run *stagecli.Run, req int, task *Task[string]) {
	switch reply, err := task.Result(); {
	case errors.Is(err, ErrTimeout):
		run.TimedOut(req) // "no reply after 30s (timeout)"
	case err != nil:
		run.Failed(req, err)
	default:
		run.Answered(req, []byte(reply))
	}
}

// showProgress has a long run's progress line redrawn on the loop's
// timers (internal/stagecli). Call stop after the last answer.
func showProgress(loop *EventLoop, run *stagecli.Run) (stop func()) {
	return stagecli.ShowProgress(run, func(d time.Duration, tick func()) func() bool {
		return loop.CallLater(d, tick).Cancel
	})
}

// openSocket makes a non-blocking TCP socket for req: on Linux in one
// call (sockFlags), on macOS with three more (nonBlocking).
func openSocket(tr *trace.Tracer, req int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|sockFlags, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if sockFlags == 0 {
		if err := nonBlocking(fd); err != nil {
			_ = unix.Close(fd)
			return -1, err
		}
	}
	tr.Socket(req, fd)
	return fd, nil
}

// nonBlocking makes fd non-blocking (a read or write that would wait
// fails with EAGAIN instead) and close-on-exec (no child process inherits
// it): every socket and pipe of the loop gets it. On failure, close fd.
func nonBlocking(fd int) error {
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		return fmt.Errorf("set non-blocking: %w", err)
	}
	return nil
}

// connectResult reads SO_ERROR: 0 means the connect worked, anything else is
// why it did not (ECONNREFUSED: nothing listens there).
func connectResult(fd int) error {
	code, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return fmt.Errorf("getsockopt SO_ERROR: %w", err)
	}
	if code != 0 {
		return unix.Errno(code)
	}
	return nil
}

// closeSocket stops every watch on fd and closes it. A close error is not
// worth failing a request over: the fd is released either way.
func closeSocket(loop *EventLoop, fd, req int) {
	loop.forget(fd)
	_ = unix.Close(fd)
	loop.trace.Close(req, fd)
}
