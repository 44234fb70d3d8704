// Waiting for fds. The loop keeps, per fd, at most one waiter for reading
// and one for writing, and tells the selector the union. A waiter is
// one-shot: when its fd is ready the loop unwatches it and calls it once.
// Readable and Writable wrap that in a future, for coroutines to await.

package main

import "fmt"

// watcher is one callback waiting for an fd.
type watcher struct {
	name string // for the trace: the future it resolves
	req  int    // for the trace: the request it serves
	fn   func()
}

// fdWatch is what waits on one fd, by direction: fw[Read], fw[Write].
type fdWatch [Write + 1]*watcher

// interest is what the fd must be watched for: each direction awaited.
func (fw *fdWatch) interest() Interest {
	var in Interest
	for _, dir := range []Interest{Read, Write} {
		if fw[dir] != nil {
			in |= dir
		}
	}
	return in
}

// Readable returns a future resolved once fd has data to read (or a
// connection to accept, or the peer closed it). Cancelling the future
// stops the watch.
func (l *EventLoop) Readable(fd int) *Future[struct{}] { return l.whenReady(fd, Read, "readable") }

// Writable returns a future resolved once fd has room to write; for a
// connecting socket, once the connect finished, well or not. Cancelling
// the future stops the watch.
func (l *EventLoop) Writable(fd int) *Future[struct{}] { return l.whenReady(fd, Write, "writable") }

func (l *EventLoop) whenReady(fd int, dir Interest, name string) *Future[struct{}] {
	f := NewFuture[struct{}](l, name)
	w, err := l.watch(fd, dir, f.String(), func() {
		if !f.Done() {
			f.SetResult(struct{}{})
		}
	})
	if err != nil {
		f.SetError(err)
		return f
	}
	// Resolved by the fd this is a no-op; cancelled, it stops the watch.
	// It is the future's first callback, so it runs before the awaiting
	// task's next step: the task can close fd knowing nothing watches it.
	f.AddDoneCallback(func() { l.unwatch(fd, dir, w) })
	return f
}

// watch makes fn wait for fd to be ready for dir: one waiter per direction.
func (l *EventLoop) watch(fd int, dir Interest, name string, fn func()) (*watcher, error) {
	fw := l.watches[fd]
	switch {
	case fw == nil:
		if err := l.sel.Register(fd, dir); err != nil {
			return nil, err
		}
		fw = &fdWatch{}
		l.watches[fd] = fw
	case fw[dir] != nil:
		return nil, fmt.Errorf("fd %d is already awaited for %v", fd, dir)
	default:
		if err := l.sel.Modify(fd, fw.interest()|dir); err != nil {
			return nil, err
		}
	}
	w := &watcher{name: name, req: l.request(), fn: fn}
	fw[dir] = w
	l.trace.Register(fd, dir, name, w.req)
	return w, nil
}

// unwatch stops w waiting on fd for dir; if w is nil, whatever waits
// there. A waiter that is gone already is left alone.
func (l *EventLoop) unwatch(fd int, dir Interest, w *watcher) {
	fw := l.watches[fd]
	if fw == nil || fw[dir] == nil || (w != nil && fw[dir] != w) {
		return
	}
	fw[dir] = nil
	// A failure here means fd was closed while watched; the kernel has
	// dropped it already, which is all we wanted.
	if left := fw.interest(); left != 0 {
		_ = l.sel.Modify(fd, left)
	} else {
		_ = l.sel.Unregister(fd)
		delete(l.watches, fd)
	}
	l.trace.Unregister(fd, dir)
}

// forget stops every watch on fd. Call it before closing fd: a closed fd's
// number is reused by the next socket, which must not inherit its waiters.
func (l *EventLoop) forget(fd int) {
	l.unwatch(fd, Read, nil)
	l.unwatch(fd, Write, nil)
}

// dispatch queues the waiters of one ready fd. Each checks, when it runs,
// that it still waits: an earlier callback of the same turn may have
// cancelled it or closed the fd.
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
		if w := fw[dir]; w != nil && r.Ready&dir != 0 {
			l.CallSoon(func() { l.runWatcher(r.FD, dir, w) })
		}
	}
}

// runWatcher runs w once, if it still waits on fd.
func (l *EventLoop) runWatcher(fd int, dir Interest, w *watcher) {
	fw := l.watches[fd]
	if fw == nil || fw[dir] != w {
		return
	}
	l.unwatch(fd, dir, w)
	l.trace.Callback(fd, w.name, w.req)
	l.serving(w.req, w.fn)
}
