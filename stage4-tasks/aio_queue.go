// Queue: coroutines hand items to each other through it. It is bounded,
// and that is the point: a producer faster than its consumers is made to
// wait at Put when the queue is full (backpressure) instead of piling up
// work in memory. Join and TaskDone let a producer wait until everything
// it put was processed, not just taken.

package main

import "fmt"

//docs:begin Queue

// Queue is a first-in, first-out queue of at most max items, shared by
// the coroutines of one loop. Waiting getters and putters are woken one
// per item or free slot; a woken waiter looks again, and if it was
// cancelled in the meantime it passes the wake-up on.
type Queue[T any] struct {
	max        int
	items      []T
	unfinished int // items put and not yet marked done with TaskDone
	getters    waiters
	putters    waiters
	joiners    waiters
}

// NewQueue returns an empty queue that holds at most max items (max ≥ 1).
func NewQueue[T any](loop *EventLoop, max int) *Queue[T] {
	if max < 1 {
		panic(fmt.Sprintf("NewQueue: max %d; a queue must hold at least one item", max))
	}
	return &Queue[T]{
		max:     max,
		getters: waiters{loop: loop, name: "queue get"},
		putters: waiters{loop: loop, name: "queue put"},
		joiners: waiters{loop: loop, name: "queue join"},
	}
}

// Put adds v at the end, awaiting room while the queue is full. It fails
// only if the task is cancelled while waiting; then v was not added.
func (q *Queue[T]) Put(co Coro, v T) error {
	for len(q.items) >= q.max {
		if err := q.await(co, &q.putters); err != nil {
			return err
		}
	}
	q.items = append(q.items, v)
	q.unfinished++
	q.getters.wakeOne()
	return nil
}

// Get takes the first item, awaiting one while the queue is empty. It
// fails only if the task is cancelled while waiting.
func (q *Queue[T]) Get(co Coro) (T, error) {
	for len(q.items) == 0 {
		if err := q.await(co, &q.getters); err != nil {
			var zero T
			return zero, err
		}
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.putters.wakeOne()
	return v, nil
}

// await waits in line w until woken. Cancelled after being woken, it
// wakes the next in line: the item, the slot or the finished work that
// woke it is still there for them.
func (q *Queue[T]) await(co Coro, w *waiters) error {
	f := w.add()
	if _, err := Await(co, f); err != nil {
		if w.leave(f) {
			w.wakeOne()
		}
		return err
	}
	return nil
}

// TaskDone says that an item taken with Get is fully processed. Join
// returns when every item put has been marked so.
func (q *Queue[T]) TaskDone() {
	if q.unfinished == 0 {
		panic("Queue.TaskDone called more times than there were items")
	}
	if q.unfinished--; q.unfinished == 0 {
		q.joiners.wakeAll()
	}
}

// Join awaits until every item put has been marked done with TaskDone.
func (q *Queue[T]) Join(co Coro) error {
	for q.unfinished > 0 {
		if err := q.await(co, &q.joiners); err != nil {
			return err
		}
	}
	return nil
}

//docs:end Queue

// Len reports how many items wait in the queue.
func (q *Queue[T]) Len() int { return len(q.items) }
