// The Linux selector: epoll. The kernel keeps the interest list, so a
// Select costs O(ready fds), not O(watched fds) as select(2) does, and fds
// can be numbered as high as the process limit allows.

package main

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// epollSelector is a Selector on one epoll instance.
type epollSelector struct {
	epfd   int
	events []unix.EpollEvent // reused by every Select; grows when it fills up
}

func newSelector() (Selector, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	return &epollSelector{epfd: epfd, events: make([]unix.EpollEvent, 128)}, nil
}

// epollEvents turns an Interest into epoll's bits.
func epollEvents(want Interest) uint32 {
	var ev uint32
	if want&Read != 0 {
		ev |= unix.EPOLLIN
	}
	if want&Write != 0 {
		ev |= unix.EPOLLOUT
	}
	return ev
}

func (s *epollSelector) ctl(op, fd int, want Interest) error {
	ev := unix.EpollEvent{Events: epollEvents(want), Fd: int32(fd)}
	return unix.EpollCtl(s.epfd, op, fd, &ev)
}

func (s *epollSelector) Register(fd int, want Interest) error {
	if err := s.ctl(unix.EPOLL_CTL_ADD, fd, want); err != nil {
		return fmt.Errorf("epoll_ctl add fd %d: %w", fd, err)
	}
	return nil
}

func (s *epollSelector) Modify(fd int, want Interest) error {
	if err := s.ctl(unix.EPOLL_CTL_MOD, fd, want); err != nil {
		return fmt.Errorf("epoll_ctl mod fd %d: %w", fd, err)
	}
	return nil
}

func (s *epollSelector) Unregister(fd int) error {
	if err := s.ctl(unix.EPOLL_CTL_DEL, fd, 0); err != nil {
		return fmt.Errorf("epoll_ctl del fd %d: %w", fd, err)
	}
	return nil
}

//docs:begin Select

// Select sleeps in epoll_wait. epoll counts its timeout in whole
// milliseconds, so it is rounded up: waking a little late costs nothing,
// waking early would spin. Cost: O(ready fds).
func (s *epollSelector) Select(timeout time.Duration, into []ReadyFD) ([]ReadyFD, error) {
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	n, err := unix.EpollWait(s.epfd, s.events, ms)
	if errors.Is(err, unix.EINTR) {
		return into, nil // a signal (Go preempts goroutines with them): ask again
	}
	if err != nil {
		return into, fmt.Errorf("epoll_wait: %w", err)
	}
	for _, ev := range s.events[:n] {
		var ready Interest
		if ev.Events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			ready |= Read
		}
		if ev.Events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			ready |= Write
		}
		into = append(into, ReadyFD{FD: int(ev.Fd), Ready: ready})
	}
	if n == len(s.events) {
		s.events = make([]unix.EpollEvent, 2*n) // more may be ready: take more next time
	}
	return into, nil
}

//docs:end Select

func (s *epollSelector) Close() error { return unix.Close(s.epfd) }
