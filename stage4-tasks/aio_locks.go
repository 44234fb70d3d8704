// Semaphore and Lock: limits for coroutines. Neither needs a mutex: only
// the loop goroutine touches them, and a coroutine can only be interrupted
// at an Await. What they need instead is a queue of waiters, each a future
// that the coroutine awaits and a Release resolves.
//
// The hard part is cancellation. Task.Cancel cancels the future its task
// awaits, so a waiter can leave the queue at any time; and it can be
// cancelled just after a Release handed it the permit, before it ran. Both
// are handled in one place, waiters.leave: a cancelled waiter is removed,
// and a permit or wake-up handed to a waiter that leaves is passed on, not
// lost.

package main

import "fmt"

// waiters is a first-in, first-out queue of coroutines waiting for
// something: a permit, an item, room. Loop goroutine only.
type waiters struct {
	loop *EventLoop
	name string // what they wait for, for the futures' names
	q    []*Future[struct{}]
}

// add queues a new waiter and returns the future it should await.
func (w *waiters) add() *Future[struct{}] {
	f := NewFuture[struct{}](w.loop, w.name)
	w.q = append(w.q, f)
	return f
}

// wakeOne resolves the oldest waiter still pending and reports whether
// there was one. Waiters cancelled but not yet gone are skipped. O(1)
// amortized.
func (w *waiters) wakeOne() bool {
	for len(w.q) > 0 {
		f := w.q[0]
		w.q[0] = nil
		w.q = w.q[1:]
		if !f.Done() {
			f.SetResult(struct{}{})
			return true
		}
	}
	return false
}

// wakeAll resolves every pending waiter.
func (w *waiters) wakeAll() {
	for w.wakeOne() {
	}
}

// pending reports whether any waiter still waits. O(waiters).
func (w *waiters) pending() bool {
	for _, f := range w.q {
		if !f.Done() {
			return true
		}
	}
	return false
}

// leave is for a waiter whose Await failed (its task was cancelled). It
// removes f from the queue and reports whether f had been woken already:
// then the caller got what it waited for and must pass it on.
func (w *waiters) leave(f *Future[struct{}]) (woken bool) {
	for i, g := range w.q {
		if g == f {
			w.q = append(w.q[:i], w.q[i+1:]...)
			break
		}
	}
	return f.Done() && !f.Cancelled()
}

//exercise:begin s4-semaphore
//docs:begin Semaphore

// Semaphore lets at most n coroutines past Acquire at a time; the others
// wait in line, first come first served. Invariant: while permits are
// free, nobody waits (Release hands a permit straight to the oldest
// waiter instead of freeing it).
type Semaphore struct {
	free    int
	waiters waiters
}

// NewSemaphore returns a semaphore with n permits.
func NewSemaphore(loop *EventLoop, n int) *Semaphore {
	return newSemaphore(loop, n, fmt.Sprintf("semaphore(%d)", n))
}

// newSemaphore names the futures its waiters await name, for the trace.
func newSemaphore(loop *EventLoop, n int, name string) *Semaphore {
	return &Semaphore{free: n, waiters: waiters{loop: loop, name: name}}
}

// Acquire takes a permit, awaiting one if none is free. It returns an
// error only when the task is cancelled while it waits; then it holds no
// permit and must not Release.
func (s *Semaphore) Acquire(co Coro) error {
	if s.free > 0 && !s.waiters.pending() {
		s.free--
		return nil
	}
	f := s.waiters.add()
	if _, err := Await(co, f); err != nil {
		if s.waiters.leave(f) {
			s.Release() // handed a permit on the way out: pass it on
		}
		return err
	}
	return nil // Release handed us its permit
}

// Release gives a permit back: to the oldest waiter if any, else to the
// pool.
func (s *Semaphore) Release() {
	if !s.waiters.wakeOne() {
		s.free++
	}
}

//docs:end Semaphore
//exercise:end s4-semaphore

// Free reports how many permits are free.
func (s *Semaphore) Free() int { return s.free }

// Lock lets one coroutine at a time past Acquire: a Semaphore of one
// permit that knows it is held, so that releasing a free lock is caught.
// Hold it across awaits only as long as needed: every waiter waits for
// the whole of it.
type Lock struct{ sem *Semaphore }

// NewLock returns an unlocked lock.
func NewLock(loop *EventLoop) *Lock { return &Lock{sem: newSemaphore(loop, 1, "lock")} }

// Acquire takes the lock, awaiting its release if it is held. It returns
// an error only when the task is cancelled while it waits; then it does
// not hold the lock.
func (l *Lock) Acquire(co Coro) error { return l.sem.Acquire(co) }

// Release hands the lock to the oldest waiter, or unlocks it. Releasing a
// lock nobody holds is a programming error and panics.
func (l *Lock) Release() {
	if !l.Locked() {
		panic("Lock.Release of an unlocked lock")
	}
	l.sem.Release()
}

// Locked reports whether someone holds the lock: its one permit is taken
// (or on its way to the oldest waiter).
func (l *Lock) Locked() bool { return l.sem.free == 0 }
