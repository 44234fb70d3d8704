// The selector is the loop's window on the kernel: which fds it watches,
// and one call that sleeps until some of them are ready. Stages 1 to 3 use
// select(2), which rebuilds and scans every set on every call and cannot go
// past fd 1023. Here each OS gets its own, better mechanism behind one small
// interface, the way Go's runtime/netpoll.go does it.
//
// What each implementation must provide (selector_linux.go: epoll;
// selector_darwin.go: kqueue):
//
//	newSelector()       make the kernel object, close-on-exec (no child inherits it)
//	Register(fd, want)  start watching fd for want: Read, Write or both
//	Unregister(fd)      stop watching fd; closing fd does it too
//	Close()             release the kernel object
//	Select(timeout, into)
//	    sleep until at least one fd is ready or timeout passes (timeout < 0:
//	    no limit; 0: do not sleep), append the ready fds to into and return
//	    it. An fd in error or hung up is reported ready for what it is
//	    watched for, so the next read or write sees the error. A signal that
//	    interrupts the sleep (EINTR) returns nothing and no error: the loop
//	    asks again.
//
// Readiness is edge-triggered (epoll: EPOLLET; kqueue: EV_CLEAR): an fd is
// reported when it becomes ready for what it is watched for (data arrived,
// room appeared, the connect finished), once, and not again until the next
// change, however long it stays ready. io.go says what that asks of the
// loop. Only the loop goroutine calls these methods.

package main

import "time"

// Interest is what the loop wants to hear about an fd: a set of bits.
type Interest uint8

const (
	Read  Interest = 1 << iota // data arrived, a connection waits to be accepted, or the peer closed
	Write                      // there is room to write; for a connecting socket: the connect finished
)

// String names the interest as the trace does: "read", "write",
// "read|write".
func (in Interest) String() string {
	return [...]string{0: "", Read: "read", Write: "write", Read | Write: "read|write"}[in&(Read|Write)]
}

// ReadyFD is one answer of Select: fd can do what Ready says without
// blocking.
type ReadyFD struct {
	FD    int
	Ready Interest
}

// Selector watches fds and sleeps until some are ready. See the contract at
// the top of this file.
type Selector interface {
	Register(fd int, want Interest) error
	Unregister(fd int) error
	Select(timeout time.Duration, into []ReadyFD) ([]ReadyFD, error)
	Close() error
}
