// The demos: each pattern and anti-pattern of the stage as a program you
// can run, `go run ./stage4-tasks -demo NAME`. Each one sends the same n
// requests to the same server (-addr, or the embedded one with -delay),
// reports every answer the way the stage always does, and says in a line
// or two what it showed and how long it took. The exit code is the
// stage's: 0 when every request was answered, 1 when any failed (a
// timeout demo fails them all, on purpose).

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

// demoOptions are the flags of the demos: which one runs, and its knobs.
type demoOptions struct {
	demo  string        // "" runs the n requests at once, the stage's contract
	limit int           // -demo semaphore, queue: how many at a time
	block time.Duration // -demo blocking, executor: how long the blocking call takes
	out   io.Writer     // where demos explain themselves: the program's stdout
}

// flags adds -demo and the demos' knobs to fs.
func (o *demoOptions) flags(fs *flag.FlagSet) {
	fs.Func("demo", "run a demo instead of the n requests at once: `name` is one of\n"+demoHelp(), func(name string) error {
		if _, err := findDemo(name); err != nil {
			return err
		}
		o.demo = name
		return nil
	})
	o.limit, o.block = 3, time.Second
	fs.Func("limit", "-demo semaphore and queue: how many requests run at a time, 1 to 1,000,000 (default 3)", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > stagecli.MaxN {
			return fmt.Errorf("want a whole number from 1 to %d", stagecli.MaxN)
		}
		o.limit = n
		return nil
	})
	fs.Func("block", "-demo blocking and executor: how long the blocking call per reply takes, 0 to 1h (default 1s)", func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Hour {
			return fmt.Errorf("want a duration from 0 to 1h, such as 500ms")
		}
		o.block = d
		return nil
	})
}

// demo is one runnable lesson.
type demo struct {
	name string
	what string // one line for -help
	run  func(d *demoRun) error
}

// demos lists them, patterns first, then anti-patterns.
var demos = []demo{
	{"gather", "start all requests, then await them together with Gather: about one delay", demoGather},
	{"as-completed", "start all requests and take each as it finishes with AsCompleted", demoAsCompleted},
	{"semaphore", "at most -limit requests at a time with a Semaphore: ceil(n/limit) × delay", demoSemaphore},
	{"timeout", "each request under WaitFor(-timeout): late ones are cancelled, their sockets closed", demoTimeout},
	{"queue", "a producer feeds -limit workers through a bounded Queue (backpressure, Join)", demoQueue},
	{"retry", "retry failed requests with exponential backoff and jitter (use -fail-every 3)", demoRetry},
	{"executor", "blocking work per reply (-block) runs in RunInExecutor: the loop stays responsive", demoExecutor},
	{"echo", "an echo server on the loop and n clients, all tasks on one goroutine", demoEcho},
	{"sequential", "anti-pattern: await each request before starting the next: n × delay", demoSequential},
	{"blocking", "anti-pattern: time.Sleep(-block) inside each task freezes every request (try -debug)", demoBlocking},
	{"forgot-await", "anti-pattern: a task nobody awaits fails; only the loop's report at Close tells", demoForgotAwait},
	{"nested-loop", "anti-pattern: a task runs a second event loop and the outer one stands still", demoNestedLoop},
}

// findDemo returns the demo called name, or an error that lists them all.
func findDemo(name string) (demo, error) {
	i := slices.IndexFunc(demos, func(d demo) bool { return d.name == name })
	if i < 0 {
		return demo{}, fmt.Errorf("unknown demo %q; the demos are %s", name, strings.Join(demoNames(), ", "))
	}
	return demos[i], nil
}

// demoNames lists the demos' names, in the order of demos.
func demoNames() []string {
	names := make([]string, len(demos))
	for i, d := range demos {
		names[i] = d.name
	}
	return names
}

// demoHelp is the list -help shows under -demo.
func demoHelp() string {
	var b strings.Builder
	for _, d := range demos {
		fmt.Fprintf(&b, "  %-13s %s\n", d.name, d.what)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// demoRun is what a demo works with.
type demoRun struct {
	stageOptions
	loop  *EventLoop
	run   *stagecli.Run
	began time.Time
}

// runDemo runs the demo o.demo on loop.
func (o *stageOptions) runDemo(loop *EventLoop, run *stagecli.Run) error {
	d, err := findDemo(o.demo)
	if err != nil {
		return err
	}
	r := &demoRun{stageOptions: *o, loop: loop, run: run, began: time.Now()}
	if r.out == nil {
		r.out = os.Stdout
	}
	return d.run(r)
}

// say prints one line of the demo's explanation.
func (d *demoRun) say(format string, args ...any) {
	fmt.Fprintf(d.out, d.demo+": "+format+"\n", args...)
}

// took is the time since the demo began, in seconds.
func (d *demoRun) took() float64 { return time.Since(d.began).Seconds() }

// startAll starts every request at once, each reporting its outcome.
func (d *demoRun) startAll() []*Task[string] {
	tasks := make([]*Task[string], d.run.N)
	for req := 1; req <= d.run.N; req++ {
		tasks[req-1] = startRequest(d.loop, d.run, req)
	}
	return tasks
}

// startEach starts one task per request running body, each reporting its
// outcome as request req.
func (d *demoRun) startEach(name string, body func(co Coro, req int) (string, error)) []*Task[string] {
	tasks := make([]*Task[string], d.run.N)
	for req := 1; req <= d.run.N; req++ {
		task := newTask(d.loop, req, fmt.Sprintf("request %d%s", req, name), func(co Coro) (string, error) {
			return body(co, req)
		})
		task.AddDoneCallback(func() { report(d.run, req, task) })
		tasks[req-1] = task
	}
	return tasks
}

// heartbeat runs a 10 ms timer while requests are pending and returns how
// late it ever fired: how long, at worst, the loop could not run anything.
func (d *demoRun) heartbeat() *time.Duration {
	const every = 10 * time.Millisecond
	var worst time.Duration
	last := time.Now()
	var beat func()
	beat = func() {
		now := time.Now()
		worst = max(worst, now.Sub(last)-every)
		last = now
		if d.run.Pending() > 0 {
			d.loop.CallLater(every, beat)
		}
	}
	d.loop.CallLater(every, beat)
	return &worst
}
