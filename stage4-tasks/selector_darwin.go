// The macOS selector: kqueue. Like epoll, the kernel keeps the interest
// list; unlike epoll, reading and writing are separate filters, so this
// side remembers each fd's interest, to add and delete the right filters.

package main

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// sockFlags is 0: macOS's socket(2) takes no flags, so nonBlocking makes
// each socket non-blocking and close-on-exec with fcntl.
const sockFlags = 0

// kqueueSelector is a Selector on one kqueue.
type kqueueSelector struct {
	kq     int
	want   map[int]Interest // what each watched fd is watched for
	events []unix.Kevent_t  // reused by every Select; grows when it fills up
}

func newSelector() (Selector, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, fmt.Errorf("kqueue: %w", err)
	}
	unix.CloseOnExec(kq)
	return &kqueueSelector{kq: kq, want: make(map[int]Interest), events: make([]unix.Kevent_t, 128)}, nil
}

// change adds the filters in add and deletes those in del, for fd.
func (s *kqueueSelector) change(fd int, add, del Interest) error {
	var changes []unix.Kevent_t
	for _, f := range []struct {
		in     Interest
		filter int
	}{{Read, unix.EVFILT_READ}, {Write, unix.EVFILT_WRITE}} {
		var ev unix.Kevent_t
		switch {
		case add&f.in != 0:
			unix.SetKevent(&ev, fd, f.filter, unix.EV_ADD|unix.EV_CLEAR) // edge-triggered
		case del&f.in != 0:
			unix.SetKevent(&ev, fd, f.filter, unix.EV_DELETE)
		default:
			continue
		}
		changes = append(changes, ev)
	}
	_, err := unix.Kevent(s.kq, changes, nil, nil)
	return err
}

// Register adds a filter for each direction in want (EV_ADD). An entry
// left in want by an fd closed without Unregister is overwritten.
func (s *kqueueSelector) Register(fd int, want Interest) error {
	if err := s.change(fd, want, 0); err != nil {
		return keventFailed("add", fd, err)
	}
	s.want[fd] = want
	return nil
}

// keventFailed is Register's and Unregister's error: "kevent add fd 7:
// bad file descriptor". Register runs on a coroutine's stack, under its
// first await, so fmt's arguments stay out of its frame (ctlFailed, in
// selector_linux.go, says why).
func keventFailed(op string, fd int, err error) error {
	return fmt.Errorf("kevent %s fd %d: %w", op, fd, err)
}

// Unregister deletes fd's filters (EV_DELETE); an fd not watched is
// left alone.
func (s *kqueueSelector) Unregister(fd int) error {
	old, ok := s.want[fd]
	if !ok {
		return nil
	}
	delete(s.want, fd)
	if err := s.change(fd, 0, old); err != nil {
		return keventFailed("delete", fd, err)
	}
	return nil
}

// Select sleeps in kevent. Cost: O(ready fds). An fd ready for both
// reading and writing comes back as two events; the loop handles each.
func (s *kqueueSelector) Select(timeout time.Duration, into []ReadyFD) ([]ReadyFD, error) {
	var ts *unix.Timespec
	if timeout >= 0 {
		t := unix.NsecToTimespec(int64(timeout))
		ts = &t
	}
	n, err := unix.Kevent(s.kq, nil, s.events, ts)
	if errors.Is(err, unix.EINTR) {
		return into, nil // a signal: ask again
	}
	if err != nil {
		return into, fmt.Errorf("kevent: %w", err)
	}
	for _, ev := range s.events[:n] {
		ready := Read
		if ev.Filter == unix.EVFILT_WRITE {
			ready = Write
		}
		if ev.Flags&unix.EV_ERROR != 0 {
			ready = s.want[int(ev.Ident)] // an error: wake whatever waits
		}
		into = append(into, ReadyFD{FD: int(ev.Ident), Ready: ready})
	}
	if n == len(s.events) {
		s.events = make([]unix.Kevent_t, 2*n)
	}
	return into, nil
}

// Close closes the kqueue.
func (s *kqueueSelector) Close() error { return unix.Close(s.kq) }
