// The anti-pattern demos: the mistakes the seed articles warn about, each
// one small enough to see in the output. Run each next to its fix.

package main

import (
	"errors"
	"time"
)

//docs:begin demoSequential

// demoSequential awaits each request before it starts the next one.
func demoSequential(d *demoRun) error {
	d.say("awaiting each of %d requests before starting the next", d.run.N)
	NewTask(d.loop, "one by one", func(co Coro) (int, error) {
		for req := 1; req <= d.run.N; req++ {
			// Await right after starting: nothing else is in flight.
			if _, err := Await(co, startRequest(d.loop, d.run, req)); errors.Is(err, ErrCancelled) {
				return req, err
			}
		}
		return d.run.N, nil
	})
	err := d.loop.Run()
	d.say("took %.2fs: n × the delay, as blocking code would; -demo gather starts them all first", d.took())
	return err
}

//docs:end demoSequential

//docs:begin demoBlocking

// demoBlocking processes each reply with a blocking call on the loop.
func demoBlocking(d *demoRun) error {
	d.say("each reply is processed by time.Sleep(%v) inside its task, on the loop", d.block)
	late := d.heartbeat()
	d.startEach("", func(co Coro, req int) (string, error) {
		reply, err := fetch(co, d.loop, d.run, req)
		if err != nil {
			return "", err
		}
		return d.process(reply) // blocks the loop: nothing else runs meanwhile
	})
	err := d.loop.Run()
	d.say("took %.2fs: the replies were processed one after another, and the loop's 10ms heartbeat "+
		"was up to %v late", d.took(), late.Round(time.Millisecond))
	if !d.debug {
		d.say("run it with -debug to have the loop name the step that blocks it; -demo executor is the fix")
	}
	return err
}

//docs:end demoBlocking

//docs:begin demoForgotAwait

// demoForgotAwait starts a task and never awaits it; it fails unseen.
func demoForgotAwait(d *demoRun) error {
	const warmUp = 100 * time.Millisecond // shorter than any reply of the slow server
	d.say("%d requests, plus a warm-up request (deadline %v) started and never awaited", d.run.N, warmUp)
	d.startAll()
	NewTask(d.loop, "warm-up request, never awaited", func(co Coro) (string, error) {
		return WaitFor(co, warmUp, newRequest(d.loop, d.run, 0))
	})
	err := d.loop.Run()
	d.say("done in %.2fs; the loop now closes and reports, on stderr, any task whose error nobody retrieved:", d.took())
	return errors.Join(err, d.loop.Close())
}

//docs:end demoForgotAwait

//docs:begin demoNestedLoop

// demoNestedLoop has request 1 run a loop of its own, inside its task.
func demoNestedLoop(d *demoRun) error {
	d.say("request 1 runs a second event loop inside its task; requests 2..%d are ordinary tasks", d.run.N)
	first := newTask(d.loop, 1, "request 1 (runs its own loop)", func(co Coro) (string, error) {
		inner, err := NewEventLoop(d.run.Trace)
		if err != nil {
			return "", err
		}
		defer inner.Close()
		task := newRequest(inner, d.run, 1)
		if err := inner.RunUntilComplete(task); err != nil { // blocks the outer loop
			return "", err
		}
		return task.Result()
	})
	first.AddDoneCallback(func() { report(d.run, 1, first) })
	for req := 2; req <= d.run.N; req++ {
		startRequest(d.loop, d.run, req)
	}
	err := d.loop.Run()
	d.say("took %.2fs: the outer loop stood still while the inner one ran, so requests 2..%d "+
		"started only after request 1 was answered", d.took(), d.run.N)
	return err
}

//docs:end demoNestedLoop
