// One request, written as callbacks. startRequest opens a non-blocking
// socket and starts connecting; everything after that happens in closures
// the loop calls when the socket is ready. Each closure captures what it
// needs (fd, req, the bytes so far) from the function around it.

package main

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

//exercise:begin s1-connect
//docs:begin startRequest

// startRequest begins request req: socket, non-blocking connect, and a
// callback for when the connect is done. It returns an error only when the
// whole run must stop (select(2) cannot take the fd); a failure of this one
// request is reported on run and the others go on.
func startRequest(sel *Selector, run *stagecli.Run, req int) error {
	run.Began(req) // the request's own time starts here
	fd, err := openSocket(run.Trace, req)
	if err != nil {
		run.Failed(req, err)
		return nil
	}

	// connect(2) on a non-blocking socket returns at once with EINPROGRESS;
	// the socket turns writable when the handshake is over, one way or the
	// other.
	err = unix.Connect(fd, run.Server)
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		closeSocket(fd, req, run.Trace)
		run.Failed(req, fmt.Errorf("connect: %w", err))
		return nil
	}

	onConnected := func() {
		// Writable does not mean connected: SO_ERROR says how it went.
		if err := connectResult(fd); err != nil {
			finish(sel, run, fd, req, nil, fmt.Errorf("connect: %w", err))
			return
		}
		sendRequest(sel, run, fd, req)
	}
	if err := sel.Register(fd, req, Writable, "on_connected", onConnected); err != nil {
		closeSocket(fd, req, run.Trace)
		return fmt.Errorf("request %d: %w", req, err)
	}
	return nil
}

//docs:end startRequest
//exercise:end s1-connect

//docs:begin sendRequest

// sendRequest writes the message, then waits for the reply. The message is
// a few bytes and a fresh socket has room for far more, so the first write
// normally sends it all; if not, the rest goes when the socket is writable
// again.
func sendRequest(sel *Selector, run *stagecli.Run, fd, req int) {
	unsent := run.Message(req)
	var onWritable func()
	onWritable = func() {
		n, err := unix.Write(fd, unsent)
		if err != nil && !errors.Is(err, unix.EAGAIN) {
			finish(sel, run, fd, req, nil, fmt.Errorf("send: %w", err))
			return
		}
		n = max(n, 0)
		run.Trace.Send(req, fd, n)
		unsent = unsent[n:]
		if len(unsent) > 0 {
			_ = sel.Register(fd, req, Writable, "on_writable", onWritable)
			return
		}
		receiveReply(sel, run, fd, req)
	}
	onWritable()
}

//docs:end sendRequest

//exercise:begin s1-receive
//docs:begin receiveReply

// receiveReply waits for the reply and reads it as it arrives, in as many
// pieces as the network delivers. The reply is complete at a newline, or
// when the server closes the connection (a read of 0 bytes). Only the new
// bytes are searched for the newline, and a reply that grows past
// stagecli.MaxReply without one fails: a server that never stops talking
// must not eat all memory.
func receiveReply(sel *Selector, run *stagecli.Run, fd, req int) {
	var reply []byte
	onReadable := func() {
		buf := make([]byte, 4096)
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return // woken for nothing; wait again
		}
		if err != nil {
			finish(sel, run, fd, req, nil, fmt.Errorf("receive: %w", err))
			return
		}
		run.Trace.Recv(req, fd, n)
		reply = append(reply, buf[:n]...)
		switch {
		case n == 0 || bytes.IndexByte(buf[:n], '\n') >= 0:
			finish(sel, run, fd, req, reply, nil)
		case len(reply) >= stagecli.MaxReply:
			finish(sel, run, fd, req, nil, stagecli.ErrReplyTooLong)
		}
	}
	_ = sel.Register(fd, req, Readable, "on_readable", onReadable) // fd < 1024: checked when it was first registered
}

//docs:end receiveReply
//exercise:end s1-receive

// finish ends request req: stop watching fd, close it, and report.
func finish(sel *Selector, run *stagecli.Run, fd, req int, reply []byte, err error) {
	sel.Unregister(fd)
	closeSocket(fd, req, run.Trace)
	if err != nil {
		run.Failed(req, err)
		return
	}
	run.Answered(req, reply)
}

// openSocket makes a non-blocking TCP socket for req.
func openSocket(tr *trace.Tracer, req int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if errors.Is(err, unix.EMFILE) {
		// The soft limit on open files (ulimit -n, often 1024) can run out
		// before select(2)'s own limit of fd 1023 is reached.
		return -1, fmt.Errorf("socket: %w: the soft limit on open files is reached; raise it (ulimit -n 4096) or run fewer requests (-n)", err)
	}
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("set non-blocking: %w", err)
	}
	tr.Socket(req, fd)
	return fd, nil
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

// closeSocket closes fd. A close error is not worth failing a request
// over: the fd is released either way.
func closeSocket(fd, req int, tr *trace.Tracer) {
	_ = unix.Close(fd)
	tr.Close(req, fd)
}
