// Waiting for fds. An fd is registered with the selector once, at its
// first await, for reading and writing at once and edge-triggered, and
// stays registered until forget, just before it is closed: what Go's own
// netpoller does. The loop keeps, per fd, at most one waiter for reading
// and one for writing; when the selector says the fd became ready, the
// waiter's future is resolved. Readable and Writable hand out those
// futures, for coroutines to await.
//
// Edge-triggered means the selector says so once, when the fd *becomes*
// ready, not on every turn while it stays ready. So the rule is Go's: try
// the read, write, accept or connect first, and await only after it said
// EAGAIN (or EINPROGRESS). Then no readiness can be missed: the call just
// saw the fd not ready, and the next change is reported to the waiter.
// Compared with a watch added and removed for every await, a request
// makes one epoll_ctl instead of four, for one more read (the one that
// says EAGAIN) (docs/performance.md).

package main

import "fmt"

// watcher is one future waiting for an fd.
type watcher struct {
	req int // for the trace: the request it serves
	fut *Future[struct{}]
}

// fdWatch is what waits on one registered fd, by direction: fw[Read],
// fw[Write]; nil when nothing does.
type fdWatch [Write + 1]*watcher

// Readable returns a future resolved once fd has data to read (or a
// connection to accept, or the peer closed it). Await it after a read
// said EAGAIN. Cancelling the future stops the wait.
func (l *EventLoop) Readable(fd int) *Future[struct{}] { return l.whenReady(fd, Read, "readable") }

// Writable returns a future resolved once fd has room to write; for a
// connecting socket, once the connect finished, well or not. Await it
// after a write said EAGAIN, or a connect EINPROGRESS. Cancelling the
// future stops the wait.
func (l *EventLoop) Writable(fd int) *Future[struct{}] { return l.whenReady(fd, Write, "writable") }

func (l *EventLoop) whenReady(fd int, dir Interest, name string) *Future[struct{}] {
	f := NewFuture[struct{}](l, name)
	w := &watcher{req: l.request(), fut: f}
	if err := l.watch(fd, dir, w); err != nil {
		f.SetError(err)
		return f
	}
	// Resolved by the fd this is a no-op; cancelled, it stops the wait. It
	// is the future's first callback, so it runs before the awaiting
	// task's next step.
	f.AddDoneCallback(func() { l.unwatch(fd, dir, w) })
	return f
}

// watch makes w wait for fd to be ready for dir: one waiter per direction.
// The fd's first wait registers it with the selector, for good.
func (l *EventLoop) watch(fd int, dir Interest, w *watcher) error {
	fw := l.watches[fd]
	if fw == nil {
		if err := l.sel.Register(fd, Read|Write); err != nil {
			return err
		}
		fw = &fdWatch{}
		l.watches[fd] = fw
	}
	if fw[dir] != nil {
		return awaitedTwice(fd, dir)
	}
	fw[dir] = w
	l.waiters++
	l.trace.RegisterFuture(fd, dir, w.fut, w.req)
	return nil
}

// awaitedTwice is watch's error. Like ctlFailed, it keeps fmt's arguments
// out of a frame on the coroutine's stack.
func awaitedTwice(fd int, dir Interest) error {
	return fmt.Errorf("fd %d is already awaited for %v", fd, dir)
}

// unwatch stops w waiting on fd for dir; if w is nil, whatever waits
// there. A waiter that is gone already is left alone. The fd stays
// registered.
func (l *EventLoop) unwatch(fd int, dir Interest, w *watcher) {
	fw := l.watches[fd]
	if fw == nil || fw[dir] == nil || (w != nil && fw[dir] != w) {
		return
	}
	fw[dir] = nil
	l.waiters--
	l.trace.Unregister(fd, dir)
}

// forget stops every wait on fd and drops it from watches. Call it just
// before closing fd: a closed fd's number is reused by the next socket,
// which must be registered afresh and must not inherit its waiters. The
// close itself takes fd out of the selector (epoll and kqueue both drop a
// closed fd), so forget makes no system call.
func (l *EventLoop) forget(fd int) {
	l.unwatch(fd, Read, nil)
	l.unwatch(fd, Write, nil)
	delete(l.watches, fd)
}

// dispatch resolves the waiters of one ready fd. Resolving only schedules
// the awaiting task's next step, which runs later in this same turn.
func (l *EventLoop) dispatch(r ReadyFD) {
	if l.wake.is(r.FD) {
		l.wake.drain(l)
		return
	}
	fw := l.watches[r.FD]
	if fw == nil {
		return
	}
	for _, dir := range []Interest{Read, Write} {
		w := fw[dir]
		if w == nil || r.Ready&dir == 0 {
			continue // nobody waits: the call that comes first will see it
		}
		l.unwatch(r.FD, dir, w)
		if !w.fut.Done() { // else it was cancelled, its clean-up not run yet
			l.trace.CallbackFuture(r.FD, w.fut, w.req)
			l.serving(w.req, func() { w.fut.SetResult(struct{}{}) })
		}
	}
}
