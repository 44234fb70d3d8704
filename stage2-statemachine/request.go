// One request as a state machine. A Client holds everything the request
// needs as fields; its methods are the callbacks the loop runs; its State
// says where it stands, and transition is the only way to change it.

package main

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

//docs:begin State

// State is where a Client's request stands. A Client begins in Connecting
// and moves forward only; Done and Failed are terminal.
type State int

const (
	// Connecting: the socket exists and connect(2) is in progress. The
	// client waits for the socket to turn writable. Next: Sending, or
	// Failed if the connect did not work.
	Connecting State = iota
	// Sending: connected; the message is being written. Next: Receiving
	// once every byte is sent, or Failed.
	Sending
	// Receiving: the message is sent; the reply is being read. Next: Done
	// at a newline or when the server closes, or Failed.
	Receiving
	// Done: the reply arrived and the socket is closed. Terminal.
	Done
	// Failed: something went wrong and the socket is closed. Terminal.
	Failed
)

// transitions lists, for each state, the states it may move to.
var transitions = map[State][]State{
	Connecting: {Sending, Failed},
	Sending:    {Receiving, Failed},
	Receiving:  {Done, Failed},
}

//docs:end State

// String names the state as the trace and the tutor show it.
func (s State) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Sending:
		return "sending"
	case Receiving:
		return "receiving"
	case Done:
		return "done"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Client is one request. Only the loop goroutine touches it.
type Client struct {
	sel *Selector
	run *stagecli.Run
	req int

	state  State
	fd     int
	unsent []byte // the part of the message not written yet
	reply  []byte // what has been read so far
}

// NewClient returns a client for request req, not started yet.
func NewClient(sel *Selector, run *stagecli.Run, req int) *Client {
	return &Client{sel: sel, run: run, req: req, fd: -1, state: Connecting, unsent: run.Message(req)}
}

// State reports where the request stands.
func (c *Client) State() State { return c.state }

//exercise:begin s2-transition
//docs:begin transition

// transition moves the client to state to, which must be allowed by the
// table: a wrong move is a bug in this file, so it panics.
func (c *Client) transition(to State) {
	for _, allowed := range transitions[c.state] {
		if allowed == to {
			c.run.Trace.State(c.req, c.state, to)
			c.state = to
			return
		}
	}
	panic(fmt.Sprintf("request %d: no transition from %v to %v", c.req, c.state, to))
}

//docs:end transition
//exercise:end s2-transition

//docs:begin Start

// Start opens a non-blocking socket and begins connecting. It returns an
// error only when the whole run must stop (select(2) cannot take the fd); a
// failure of this one request ends the client in Failed and the others go
// on.
func (c *Client) Start() error {
	c.run.Began(c.req) // the request's own time starts here
	fd, err := openSocket(c.run.Trace, c.req)
	if err != nil {
		c.fail(err)
		return nil
	}
	c.fd = fd

	// connect(2) on a non-blocking socket returns at once with EINPROGRESS;
	// the socket turns writable when the handshake is over, one way or the
	// other.
	err = unix.Connect(fd, c.run.Server)
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		c.fail(fmt.Errorf("connect: %w", err))
		return nil
	}
	if err := c.sel.Register(fd, c.req, Writable, "on_connected", c.onConnected); err != nil {
		closeSocket(fd, c.req, c.run.Trace)
		return fmt.Errorf("request %d: %w", c.req, err)
	}
	return nil
}

//docs:end Start

//exercise:begin s2-callbacks
//docs:begin callbacks

// onConnected runs when the socket turns writable in Connecting.
func (c *Client) onConnected() {
	// Writable does not mean connected: SO_ERROR says how it went.
	if err := connectResult(c.fd); err != nil {
		c.fail(fmt.Errorf("connect: %w", err))
		return
	}
	c.transition(Sending)
	c.onWritable() // try at once: a fresh socket has room
}

// onWritable writes what is left of the message; once all is sent it waits
// for the reply.
func (c *Client) onWritable() {
	n, err := unix.Write(c.fd, c.unsent)
	if err != nil && !errors.Is(err, unix.EAGAIN) {
		c.fail(fmt.Errorf("send: %w", err))
		return
	}
	n = max(n, 0)
	c.run.Trace.Send(c.req, c.fd, n)
	c.unsent = c.unsent[n:]
	if len(c.unsent) > 0 {
		_ = c.sel.Register(c.fd, c.req, Writable, "on_writable", c.onWritable)
		return
	}
	c.transition(Receiving)
	_ = c.sel.Register(c.fd, c.req, Readable, "on_readable", c.onReadable) // fd < 1024: checked when it was first registered
}

// onReadable reads what has arrived, one piece of the reply at a time; the
// reply is complete at a newline or when the server closes the connection
// (a read of 0 bytes). Only the new bytes are searched for the newline, and
// a reply that grows past stagecli.MaxReply without one fails.
func (c *Client) onReadable() {
	buf := make([]byte, 4096)
	n, err := unix.Read(c.fd, buf)
	if errors.Is(err, unix.EAGAIN) {
		return // woken for nothing; wait again
	}
	if err != nil {
		c.fail(fmt.Errorf("receive: %w", err))
		return
	}
	c.run.Trace.Recv(c.req, c.fd, n)
	c.reply = append(c.reply, buf[:n]...)
	switch {
	case n == 0 || bytes.IndexByte(buf[:n], '\n') >= 0:
		c.succeed()
	case len(c.reply) >= stagecli.MaxReply:
		c.fail(stagecli.ErrReplyTooLong)
	}
}

//docs:end callbacks
//exercise:end s2-callbacks

// succeed ends the request in Done and reports the reply.
func (c *Client) succeed() {
	c.release()
	c.transition(Done)
	c.run.Answered(c.req, c.reply)
}

// fail ends the request in Failed and reports err.
func (c *Client) fail(err error) {
	c.release()
	c.transition(Failed)
	c.run.Failed(c.req, err)
}

// release stops watching the socket and closes it, if there is one.
func (c *Client) release() {
	if c.fd < 0 {
		return
	}
	if _, watched := c.sel.lookup(c.fd); watched {
		c.sel.Unregister(c.fd)
	}
	closeSocket(c.fd, c.req, c.run.Trace)
	c.fd = -1
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
