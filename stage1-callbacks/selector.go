// The selector is the loop's memory: which fd waits for what, and which
// callback runs when it is ready. Select turns that table into the two bit
// sets select(2) wants, sleeps in the kernel, and reads the answer back.

package main

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/trace"
)

// fdSetSize is FD_SETSIZE: an fd_set has one bit for each fd from 0 to 1023
// and no room for more. Handing select(2) a larger fd does not fail; it
// writes past the end of the set and corrupts memory. So we refuse.
const fdSetSize = 1024

// Direction is what an fd waits for.
type Direction int

const (
	Readable Direction = iota // data arrived, or the peer closed
	Writable                  // there is room to write; for a connecting socket: the connect finished
)

// String names the direction as the trace does: "read" or "write".
func (d Direction) String() string {
	if d == Writable {
		return "write"
	}
	return "read"
}

// callback is what the loop runs when an fd is ready. It must not block.
type callback func()

// registration is one row of the selector's table.
type registration struct {
	req  int // the request the fd belongs to
	dir  Direction
	name string // for the trace: which callback this is
	call callback
}

// Selector maps each watched fd to the callback waiting for it. Only the
// loop goroutine touches it.
type Selector struct {
	fds   map[int]registration
	trace *trace.Tracer
}

// NewSelector returns an empty selector.
func NewSelector(tr *trace.Tracer) *Selector {
	return &Selector{fds: make(map[int]registration), trace: tr}
}

// errFDTooLarge is what Register says about an fd select(2) cannot watch.
var errFDTooLarge = fmt.Errorf("select(2) can watch only fds below %d (FD_SETSIZE); "+
	"run fewer requests (-n), or use stage4-tasks, whose epoll/kqueue selector has no such limit", fdSetSize)

// Register watches fd, the socket of request req, for dir and runs call
// when it is ready. An fd can wait for one thing at a time here;
// registering it again replaces the old entry.
func (s *Selector) Register(fd, req int, dir Direction, name string, call callback) error {
	if fd >= fdSetSize {
		return fmt.Errorf("fd %d: %w", fd, errFDTooLarge)
	}
	s.fds[fd] = registration{req: req, dir: dir, name: name, call: call}
	s.trace.Register(fd, dir, name, req)
	return nil
}

// Unregister stops watching fd.
func (s *Selector) Unregister(fd int) {
	delete(s.fds, fd)
	s.trace.Unregister(fd, nil)
}

// Len is how many fds are watched.
func (s *Selector) Len() int { return len(s.fds) }

//exercise:begin s1-select
//docs:begin Select

// Select sleeps until at least one watched fd is ready, or timeout has
// passed, and returns the ready fds: none when the time ran out. It costs
// O(highest fd) in the kernel and here, on every call: the sets are
// rebuilt and scanned each time.
func (s *Selector) Select(timeout time.Duration) ([]int, error) {
	var readSet, writeSet unix.FdSet
	highest := -1
	for fd, r := range s.fds {
		if r.dir == Writable {
			writeSet.Set(fd)
		} else {
			readSet.Set(fd)
		}
		highest = max(highest, fd)
	}

	s.trace.Wait(len(s.fds), timeout)
	began := s.trace.Now()
	limit := unix.NsecToTimeval(timeout.Nanoseconds()) // select(2) may sleep this long, no longer
	_, err := unix.Select(highest+1, &readSet, &writeSet, nil, &limit)
	if errors.Is(err, unix.EINTR) {
		// A signal arrived (Go's runtime sends them to preempt goroutines).
		// Nothing is ready; the loop just asks again.
		s.trace.Ready(nil, began)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}

	var ready []int
	for fd := range s.fds {
		if readSet.IsSet(fd) || writeSet.IsSet(fd) {
			ready = append(ready, fd)
		}
	}
	s.trace.Ready(ready, began)
	return ready, nil
}

//docs:end Select
//exercise:end s1-select

// lookup returns what waits on fd, if fd is still watched.
func (s *Selector) lookup(fd int) (registration, bool) {
	r, ok := s.fds[fd]
	return r, ok
}
