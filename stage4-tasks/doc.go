// Stage 4 writes each request as one straight-line function again, and
// still runs them all at once on one goroutine: coroutines that await
// futures, tasks that step them, and a real event loop underneath.
//
// Read stage3-futures first. There, a request was a chain of futures: the
// errors flowed, but the code still read as callbacks handing results to
// callbacks. Here the chain disappears into Await. fetch in request.go
// reads like the blocking client anyone writes first (socket, connect,
// send, receive, close, an if err != nil after each) and yet, at every
// Await, the request steps aside and the loop runs the others. Callback
// hell is gone; the code is linear.
//
// Go has no generators, so the coroutine is iter.Pull: the request runs on
// its own small stack, and the loop switches to it and back, one at a time,
// never in parallel. That switch is a Task's Step. The loop itself grows up:
// a ready queue, timers, and epoll or kqueue instead of select(2), which
// lifts the limit of 1024 sockets; tens of thousands now fit on one thread.
//
// Read the files in this order:
//
//   - future.go: Future, a result that arrives later. The same file as in
//     stage 3; done-callbacks are always scheduled, never run inline.
//   - task.go: Task, Await and Step: how a coroutine suspends on a future
//     and is resumed when it is resolved; cancellation; panics.
//   - request.go: fetch, one request as a coroutine, and fetchAll, one
//     task per request.
//   - loop.go: EventLoop, whose Run is a table of contents: poll for I/O,
//     fire due timers, run what is ready.
//   - timer.go (CallLater, Sleep), io.go (Readable, Writable),
//     wakeup.go (CallSoonThreadsafe), debug.go (slow steps, lost errors).
//   - selector.go and selector_linux.go / selector_darwin.go: the interface
//     to the kernel, and epoll (with a timerfd for precise timeouts) and
//     kqueue behind it.
//
// Then a small asyncio on top, a page each: gather.go (Gather,
// AsCompleted, WaitFor), locks.go (Semaphore, Lock), queue.go (Queue),
// executor.go (RunInExecutor), retry.go (Retry, Backoff) and echo.go (a
// server on the loop). demos.go, demo_patterns.go and demo_antipatterns.go
// run each of them, and each classic mistake, with -demo NAME (-help lists
// them). limits.go checks that -n fits in the open-file limit;
// internal/trace/emit.go says why trace events are built out of line.
//
// Run it with -trace - to watch each task step, suspend on a future and
// resume, and with -debug to have the loop name any step that blocks it.
//
// What comes next is not another stage but a look in the mirror: Go's own
// runtime is this loop. Its netpoller (runtime/netpoll_epoll.go) is an
// epoll loop like ours; a goroutine that reads from a socket that has
// nothing is parked, as our tasks are suspended, and made runnable again
// when epoll says the fd is ready. Goroutines are Go's tasks, and every
// blocking call is an Await the compiler writes for you. That is why
// ordinary Go needs none of this code: it ships with the event loop built
// in.
package main
