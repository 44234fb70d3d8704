// The Linux selector: epoll. The kernel keeps the interest list, so a
// Select costs O(ready fds), not O(watched fds) as select(2) does, and fds
// can be numbered as high as the process limit allows.

package main

import (
	"errors"
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// epollSelector is a Selector on one epoll instance.
type epollSelector struct {
	epfd     int
	events   []unix.EpollEvent // reused by every Select; grows when it fills up
	noPwait2 bool              // the kernel has no epoll_pwait2 (before 5.11)
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

// Select sleeps in epoll_pwait2, whose timeout is a timespec: a timer due
// in 9.6 ms wakes the loop after 9.6 ms. The older epoll_wait counts whole
// milliseconds; rounded up, every timer fires up to 1 ms late (a 10 ms
// sleep took 10.6 ms on average), and rounded down the loop would spin.
// Kernels before 5.11 lack epoll_pwait2; there the rounding up remains.
// Cost: O(ready fds).
func (s *epollSelector) Select(timeout time.Duration, into []ReadyFD) ([]ReadyFD, error) {
	n, err := s.wait(timeout)
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

// wait is one epoll_pwait2 call, or epoll_wait where the kernel lacks it.
func (s *epollSelector) wait(timeout time.Duration) (int, error) {
	if timeout >= 0 && !s.noPwait2 {
		ts := unix.NsecToTimespec(int64(timeout))
		n, _, errno := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(s.epfd),
			uintptr(unsafe.Pointer(&s.events[0])), uintptr(len(s.events)), uintptr(unsafe.Pointer(&ts)), 0, 0)
		if errno != unix.ENOSYS {
			if errno != 0 {
				return 0, errno
			}
			return int(n), nil
		}
		s.noPwait2 = true
	}
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond) // round up: never spin
	}
	return unix.EpollWait(s.epfd, s.events, ms)
}

func (s *epollSelector) Close() error { return unix.Close(s.epfd) }

// preciseTimers pins the calling goroutine to its OS thread and asks the
// kernel to wake that thread within 1 µs of a timeout instead of the 50 µs
// of slack a normal thread gets (the kernel batches wake-ups with it).
// The loop's timers are only as precise as its sleeps in epoll. The
// returned func restores the slack and unpins.
func preciseTimers() (restore func()) {
	runtime.LockOSThread()
	old, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil || unix.Prctl(unix.PR_SET_TIMERSLACK, 1000, 0, 0, 0) != nil {
		return runtime.UnlockOSThread
	}
	return func() {
		_ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(old), 0, 0, 0)
		runtime.UnlockOSThread()
	}
}
