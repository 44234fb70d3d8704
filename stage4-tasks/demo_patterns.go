// The pattern demos: Gather, AsCompleted, Semaphore, WaitFor, Queue,
// Retry, RunInExecutor and an echo server, each on the stage's n requests.

package main

import (
	"errors"
	"fmt"
	"math"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

//docs:begin demoGather

// demoGather starts every request, then awaits them all at once.
func demoGather(d *demoRun) error {
	d.say("starting %d requests, then awaiting them together with Gather", d.run.N)
	tasks := d.startAll()
	all := NewTask(d.loop, "gather", func(co Coro) ([]string, error) {
		return Await(co, Gather(d.loop, tasks...))
	})
	err := d.loop.Run()
	if _, gerr := all.Result(); gerr != nil {
		d.say("failed fast after %.2fs: %v; the requests still running were cancelled", d.took(), gerr)
		return err
	}
	d.say("all %d answered in %.2fs: about one delay, however many requests", d.run.N, d.took())
	return err
}

//docs:end demoGather

// demoAsCompleted handles each request as soon as it finishes.
func demoAsCompleted(d *demoRun) error {
	d.say("starting %d requests; AsCompleted hands each over as it finishes", d.run.N)
	tasks := d.startAll()
	var order []int
	NewTask(d.loop, "as completed", func(co Coro) (int, error) {
		for task, err := range AsCompleted(co, d.loop, tasks...) {
			if err != nil {
				return 0, err
			}
			order = append(order, task.core.req)
		}
		return len(order), nil
	})
	err := d.loop.Run()
	d.say("taken in the order they finished: requests %v, in %.2fs", shortList(order, 12), d.took())
	return err
}

// shortList prints at most n numbers of s.
func shortList(s []int, n int) string {
	if len(s) <= n {
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%v… (%d in all)", s[:n], len(s))
}

//docs:begin demoSemaphore

// demoSemaphore lets at most d.limit requests talk to the server at once.
func demoSemaphore(d *demoRun) error {
	d.say("%d requests, at most %d at a time", d.run.N, d.limit)
	sem := NewSemaphore(d.loop, d.limit)
	d.startEach("", func(co Coro, req int) (string, error) {
		if err := sem.Acquire(co); err != nil {
			return "", err
		}
		defer sem.Release()
		return fetch(co, d.loop, d.run, req)
	})
	err := d.loop.Run()
	rounds := int(math.Ceil(float64(d.run.N) / float64(d.limit)))
	d.say("took %.2fs: %d rounds of at most %d, so about %d × the delay", d.took(), rounds, d.limit, rounds)
	return err
}

//docs:end demoSemaphore

//docs:begin demoTimeout

// demoTimeout gives each request -timeout; WaitFor cancels the late ones.
func demoTimeout(d *demoRun) error {
	d.say("%d requests, each given -timeout %v by WaitFor", d.run.N, d.run.Timeout)
	timedOut, returned, watched := 0, 0, 0
	d.startEach(" with a deadline", func(co Coro, req int) (string, error) {
		reply, err := WaitFor(co, d.run.Timeout, newRequest(d.loop, d.run, req))
		if errors.Is(err, ErrTimeout) {
			timedOut++
		}
		if returned++; returned == d.run.N {
			watched = len(d.loop.watches) // the last WaitFor just returned
		}
		return reply, err
	})
	err := d.loop.Run()
	d.say("%d of %d timed out after %.2fs; each was cancelled at its await, and its socket "+
		"closed, before WaitFor returned (sockets still watched when the last one returned: %d)",
		timedOut, d.run.N, d.took(), watched)
	if timedOut == 0 {
		d.say("none was late: give a -timeout shorter than the server's delay (-delay) to see WaitFor cut them off")
	}
	return err
}

//docs:end demoTimeout

//docs:begin demoQueue

// demoQueue feeds the requests to d.limit workers through a queue that
// holds d.limit: the producer waits whenever it is full.
func demoQueue(d *demoRun) error {
	d.say("a producer puts %d requests into a queue of %d; %d workers take them", d.run.N, d.limit, d.limit)
	q := NewQueue[int](d.loop, d.limit)
	workers := make([]*Task[int], d.limit)
	for w := range workers {
		workers[w] = NewTask(d.loop, fmt.Sprintf("worker %d", w+1), func(co Coro) (int, error) {
			for done := 0; ; done++ {
				req, err := q.Get(co)
				if err != nil {
					return done, err // cancelled: no more work
				}
				_, _ = Await(co, startRequest(d.loop, d.run, req)) // reported by the request itself
				q.TaskDone()
			}
		})
	}
	full := 0
	NewTask(d.loop, "producer", func(co Coro) (int, error) {
		for req := 1; req <= d.run.N; req++ {
			if q.Len() == d.limit {
				full++ // Put will wait for room: backpressure
			}
			if err := q.Put(co, req); err != nil {
				return req, err
			}
		}
		err := q.Join(co) // every request done, not just taken
		cancelAll(workers)
		return d.run.N, err
	})
	err := d.loop.Run()
	d.say("the producer found the queue full %s and waited; all done in %.2fs", times(full), d.took())
	return err
}

//docs:end demoQueue

//docs:begin demoRetry

// demoRetry retries each failed request with exponential backoff.
func demoRetry(d *demoRun) error {
	d.say("%d requests, each retried up to 5 times with backoff and jitter", d.run.N)
	b := Backoff{Attempts: 5, Base: 100 * time.Millisecond, Max: 2 * time.Second}
	attempts, retried := 0, 0
	d.startEach(" (retrying)", func(co Coro, req int) (string, error) {
		return Retry(co, d.loop, b, func(co Coro, try int) (string, error) {
			attempts++
			if try == 2 {
				retried++
			}
			return Await(co, newRequest(d.loop, d.run, req))
		})
	})
	err := d.loop.Run()
	d.say("%d of %d requests failed at first and were retried; %d attempts in all, %.2fs", retried, d.run.N, attempts, d.took())
	if retried == 0 {
		d.say("nothing failed: add -fail-every 3, or run against `go run ./slowserver -fail-every 3`")
	}
	return err
}

//docs:end demoRetry

// process is the blocking work the executor and blocking demos do to each
// reply: a stand-in for a CPU-heavy parse or a library that only blocks.
func (d *demoRun) process(reply string) (string, error) {
	time.Sleep(d.block)
	return reply, nil
}

//docs:begin demoExecutor

// demoExecutor processes each reply in RunInExecutor, off the loop.
func demoExecutor(d *demoRun) error {
	d.say("each reply is processed by a blocking call of %v, run in RunInExecutor", d.block)
	late := d.heartbeat()
	d.startEach("", func(co Coro, req int) (string, error) {
		reply, err := fetch(co, d.loop, d.run, req)
		if err != nil {
			return "", err
		}
		return Await(co, RunInExecutor(d.loop, "process reply", func() (string, error) {
			return d.process(reply)
		}))
	})
	err := d.loop.Run()
	d.say("done in %.2fs; the loop's 10ms heartbeat was never more than %v late: it stayed responsive",
		d.took(), late.Round(time.Millisecond))
	return err
}

//docs:end demoExecutor

// demoEcho runs an echo server and its clients on the one loop.
func demoEcho(d *demoRun) error {
	lfd, err := listen(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	if err != nil {
		return err
	}
	defer unix.Close(lfd)
	addr, err := boundAddr(lfd)
	if err != nil {
		return err
	}
	d.say("an echo server on 127.0.0.1:%d and %d clients, all tasks of one loop (the slow server is not used)", addr.Port, d.run.N)
	server := NewTask(d.loop, "echo server", func(co Coro) (struct{}, error) {
		return struct{}{}, Serve(co, d.loop, lfd, func(co Coro, fd int) error { return echo(co, d.loop, fd) })
	})
	echoRun := &stagecli.Run{Server: addr, Trace: d.run.Trace} // all fetch needs: where to, and the trace
	clients := d.startEach(" (echo client)", func(co Coro, req int) (string, error) {
		return fetch(co, d.loop, echoRun, req)
	})
	NewTask(d.loop, "stopper", func(co Coro) (int, error) {
		for _, c := range clients {
			_, _ = Await(co, c)
		}
		server.Cancel()
		return 0, nil
	})
	server.AddDoneCallback(func() {
		// A server that failed (accept: too many open files) would leave
		// its clients waiting for their echo forever.
		if _, err := server.Result(); !errors.Is(err, ErrCancelled) {
			d.say("the server stopped after %.2fs (error: %v); its clients are cancelled", d.took(), err)
			cancelAll(clients)
		}
	})
	err = d.loop.Run()
	if server.Cancelled() {
		d.say("every client heard itself back in %.2fs; then the server task was cancelled", d.took())
	}
	return err
}

// times says how often something happened: "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}
