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
// The chapter, in reading order:
//
//   - future.go: Future, a result that arrives later. The same file as in
//     stage 3, byte for byte; done-callbacks are always scheduled, never
//     run inline.
//   - task.go: the task's states (not started, running, suspended, done),
//     Await and Step: how a coroutine suspends on a future and is resumed
//     when it is resolved; cancellation; panics.
//   - request.go: fetch, one request as a coroutine, and fetchAll, one
//     task per request.
//   - loop.go: EventLoop, whose Run is a table of contents: poll for I/O,
//     fire due timers, run what is ready.
//   - timer.go (CallLater, Sleep) and io.go (Readable, Writable).
//   - selector.go and selector_linux.go / selector_darwin.go: the interface
//     to the kernel, and epoll (with a timerfd for precise timeouts) and
//     kqueue behind it.
//   - limits.go: how many sockets fit, checked before the run starts.
//   - main.go: the flags only this stage has, and the loop each run gets.
//
// Appendix: a small asyncio on our loop, a page each, built from nothing
// but the chapter's futures, tasks and timers:
//
//   - aio_gather.go: Gather, AsCompleted, WaitFor.
//   - aio_locks.go: Semaphore, and Lock, a semaphore of one.
//   - aio_queue.go: a bounded Queue, with backpressure and Join.
//   - aio_retry.go: Retry with exponential backoff and jitter.
//   - aio_executor.go: RunInExecutor, and the wake-up pipe behind
//     CallSoonThreadsafe that brings its results back to the loop.
//   - aio_echo.go: Serve, a server on the loop, and echo.
//   - aio_run.go: RunUntilComplete, and Close's shutdown: asyncio.run's.
//   - aio_debug.go: debug mode (a step that blocks the loop is named),
//     failed tasks whose error nobody read, and the trace's bookkeeping.
//   - aio_heap.go: the timer heap (asyncio's is Python's heapq).
//
// And three changes that only runs of many thousands of requests make,
// each with its measured effect: aio_waves.go (start the tasks a thousand
// per turn), aio_eager.go (ask whether a connect is over before awaiting
// it) and aio_sources.go (connect from several loopback addresses).
//
// The demos run each of these, and each classic mistake, with -demo NAME
// (-help lists them): demo_run.go (the list and what every demo shares),
// demo_patterns.go and demo_antipatterns.go.
//
// Run it with -trace - to watch each task step, suspend on a future and
// resume, and with -debug to have the loop name any step that blocks it.
//
// What still hurts: nothing in the lesson's code, but everything around
// it. Every function that waits must take the coroutine's handle and
// Await by hand; one blocking call, a time.Sleep or a slow disk read,
// freezes every request, because all of them share one thread; and the
// loop, its timers and its poller are code that every program would have
// to carry.
//
// Next: there is no stage 5, only a look in the mirror. Go's own runtime
// is this loop: its netpoller sits on epoll (Linux) or kqueue (macOS), a
// goroutine that reads from a socket with nothing to read is parked, as
// our tasks are suspended, and made runnable again when the poller says
// the fd is ready. Goroutines are Go's tasks, and every blocking call is
// an Await the compiler writes for you (docs/go-runtime.md). The patterns
// and anti-patterns chapters then take the appendix's tools one by one.
package main
