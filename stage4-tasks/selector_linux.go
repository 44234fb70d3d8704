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

// sockFlags make socket(2) return a non-blocking, close-on-exec socket in
// one call: no fcntl after it (macOS has no such flags; see nonBlocking).
const sockFlags = unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC

// epollSelector is a Selector on one epoll instance.
type epollSelector struct {
	epfd   int
	timer  int               // a timerfd, watched by epfd: wakes a Select that has a timeout
	armed  bool              // timer is set and has not fired yet
	events []unix.EpollEvent // reused by every Select; grows when it fills up
}

func newSelector() (Selector, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	timer, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("timerfd_create: %w", err)
	}
	s := &epollSelector{epfd: epfd, timer: timer, events: make([]unix.EpollEvent, 128)}
	if err := s.Register(timer, Read); err != nil {
		_ = unix.Close(timer)
		_ = unix.Close(epfd)
		return nil, err
	}
	return s, nil
}

// Register adds fd to the epoll interest list (EPOLL_CTL_ADD),
// edge-triggered.
func (s *epollSelector) Register(fd int, want Interest) error {
	return s.ctl(unix.EPOLL_CTL_ADD, "add", fd, want)
}

// Unregister removes fd from the interest list (EPOLL_CTL_DEL).
func (s *epollSelector) Unregister(fd int) error { return s.ctl(unix.EPOLL_CTL_DEL, "del", fd, 0) }

// ctl is one epoll_ctl, with want in epoll's bits; its error names the
// operation and the fd (ctlFailed).
func (s *epollSelector) ctl(op int, name string, fd int, want Interest) error {
	ev := unix.EpollEvent{Fd: int32(fd), Events: unix.EPOLLET}
	if want&Read != 0 {
		ev.Events |= unix.EPOLLIN
	}
	if want&Write != 0 {
		ev.Events |= unix.EPOLLOUT
	}
	if err := unix.EpollCtl(s.epfd, op, fd, &ev); err != nil {
		return ctlFailed(name, fd, err)
	}
	return nil
}

// ctlFailed is ctl's error: "epoll_ctl add fd 7: bad file descriptor". It
// is fmt.Errorf moved out of ctl, as failed is out of fetch: ctl runs on
// the coroutine's stack, under a request's first await. Once a big run's
// first await moved from connect to receive, deeper (aio_eager.go), that
// chain, with fmt's arguments in both ctl's frame and watch's, outgrew the
// 2 KiB a coroutine starts with: 2,000 requests grew their stacks 2,018
// times, against 157 and 161 with one or the other moved out
// (docs/performance.md). Both are out, for room.
func ctlFailed(name string, fd int, err error) error {
	return fmt.Errorf("epoll_ctl %s fd %d: %w", name, fd, err)
}

//docs:begin Select

// Select sleeps in epoll_wait until an fd is ready or the timeout passes.
// The timeout is the loop's next timer, so its precision is every timer's:
// epoll_wait counts it in whole milliseconds, rounded up (a 10 ms sleep
// took 10.6 ms on average), and the kernel adds the thread's timer slack,
// 50 µs. So a timeout goes to a timerfd instead, which epoll watches like
// any fd: nanoseconds, and no slack. Cost: O(ready fds), plus one
// timerfd_settime per Select that has a timeout.
func (s *epollSelector) Select(timeout time.Duration, into []ReadyFD) ([]ReadyFD, error) {
	n, err := s.wait(timeout)
	if errors.Is(err, unix.EINTR) {
		return into, nil // a signal (Go preempts goroutines with them): ask again
	}
	if err != nil {
		return into, err
	}
	for _, ev := range s.events[:n] {
		if int(ev.Fd) == s.timer {
			s.drainTimer()
			continue
		}
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

// wait arms (or disarms) the timerfd for timeout, and calls epoll_wait.
func (s *epollSelector) wait(timeout time.Duration) (int, error) {
	ms := -1
	switch {
	case timeout == 0:
		ms = 0
	case timeout > 0:
		its := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(timeout))}
		if err := unix.TimerfdSettime(s.timer, 0, &its, nil); err != nil {
			return 0, fmt.Errorf("timerfd_settime: %w", err)
		}
		s.armed = true
	case s.armed: // no timeout, but an old one could still fire: disarm it
		if err := unix.TimerfdSettime(s.timer, 0, &unix.ItimerSpec{}, nil); err != nil {
			return 0, fmt.Errorf("timerfd_settime: %w", err)
		}
		s.armed = false
	}
	n, err := unix.EpollWait(s.epfd, s.events, ms)
	if err != nil {
		return 0, fmt.Errorf("epoll_wait: %w", err)
	}
	return n, nil
}

// drainTimer reads the timerfd's count of expirations, which makes it
// unreadable again until the next one.
func (s *epollSelector) drainTimer() {
	var buf [8]byte
	_, _ = unix.Read(s.timer, buf[:])
	s.armed = false
}

// Close closes the timerfd and the epoll instance.
func (s *epollSelector) Close() error {
	return errors.Join(unix.Close(s.timer), unix.Close(s.epfd))
}
