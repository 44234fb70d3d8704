// Package stagecli is the part of every stage program that is not the
// lesson: the flags, the embedded slow server, the lines printed as answers
// arrive, the summary and the exit code. A stage's main is one call:
//
//	func main() { os.Exit(stagecli.Main("stage1-callbacks", os.Args[1:], os.Stdout, os.Stderr, fetchAll)) }
//
// and the stage itself only sends n requests and reports each outcome on its
// Run. Keeping this here means a diff between two stages shows the new idea
// and nothing else.
package stagecli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/trace"
)

// Exit codes, the same for every stage.
const (
	ExitOK     = 0 // every request was answered
	ExitFailed = 1 // at least one request failed (refused, reset, timed out, busy, malformed, too long), or the run could not go on
	ExitUsage  = 2 // bad flags: one line on stderr says which and why
	ExitBug    = 3 // the stage itself has a bug: it panicked, or reported a request twice or never
)

// The ceilings of the shared flags. Each is far beyond any lesson and low
// enough that nothing overflows or runs out of memory on the way: -n sizes
// per-request tables before the first socket opens.
const (
	MaxN       = 1_000_000 // -n
	MaxDelay   = time.Hour // -delay
	MaxTimeout = time.Hour // -timeout
)

// Options are the flags every stage program accepts.
type Options struct {
	Addr  string        // the slow server; "" starts the embedded one
	N     int           // how many requests to send, 1..MaxN
	Delay time.Duration // the embedded server's delay, 0..MaxDelay
	Trace string        // where to write the JSON-lines trace; "-" is stderr
	// FailEvery makes the embedded server reset every k-th request (0:
	// none), to show how a stage handles errors.
	FailEvery int
	// Timeout is the run's deadline (see Run.Timeout), in (0, MaxTimeout];
	// DefaultTimeout unless set.
	Timeout time.Duration
}

// FetchFunc is a stage's lesson: send run.N requests to run.Server and
// report each one on run exactly once, with Answered or Failed. An error
// it returns stops the whole run (for example select(2)'s fd limit).
type FetchFunc func(run *Run) error

// Main runs a stage program: it parses args, starts the embedded server when
// no -addr is given, calls fetch, prints the summary and returns the exit
// code. extra, if not nil, adds stage-specific flags before parsing.
//
// Bad usage is one line on stderr and ExitUsage, before anything starts. A
// fetch that panics, or reports a request twice or never, is a bug in the
// stage: once the trace is flushed and the embedded server is shut down,
// Main prints "the stage has a bug: …" (for a panic, the stack follows) and
// returns ExitBug.
func Main(stage string, args []string, stdout, stderr io.Writer, fetch FetchFunc, extra ...func(*flag.FlagSet)) int {
	opts, err := parse(stage, args, stderr, extra)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitUsage
	}
	code, crash := execute(stage, opts, stdout, stderr, fetch)
	if crash != nil {
		fmt.Fprintf(stderr, "%s: the stage has a bug: panic: %s\n%s", stage, crash.value, crash.stack)
		return ExitBug
	}
	return code
}

// parse reads the flags and checks each one's range, so that what follows
// can trust them. Its error is one line; flag's own usage dump is kept for
// -help.
func parse(stage string, args []string, stderr io.Writer, extra []func(*flag.FlagSet)) (Options, error) {
	o := Options{Timeout: DefaultTimeout}
	fs := flag.NewFlagSet(stage, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Addr, "addr", "", "slow server `host:port`, an IPv4 address or a name that resolves to one (default: start one in this process on a free port)")
	fs.IntVar(&o.N, "n", 10, "number of requests to send at once, 1 to 1,000,000")
	fs.DurationVar(&o.Delay, "delay", 5*time.Second, "how long the embedded slow server waits before each reply, 0 to 1h")
	fs.IntVar(&o.FailEvery, "fail-every", 0, "make the embedded slow server reset the requests numbered `k`, 2k, 3k, … (0: never)")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "give up on every request still unanswered after `d` (more than 0, at most 1h)")
	fs.StringVar(&o.Trace, "trace", "", "write the loop's events as JSON lines to `file` (\"-\" for stderr)")
	for _, add := range extra {
		add(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
			return o, err
		}
		return o, fmt.Errorf("%v (see -help)", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags only; see -help)", fs.Arg(0))
	}
	return o, o.check()
}

// check range-checks the options; its error names the flag and its value.
func (o Options) check() error {
	switch {
	case o.N < 1:
		return fmt.Errorf("-n %d: need at least one request", o.N)
	case o.N > MaxN:
		return fmt.Errorf("-n %d: at most %s requests", o.N, thousands(MaxN))
	case o.Delay < 0:
		return fmt.Errorf("-delay %s: a delay cannot be negative", formatDuration(o.Delay))
	case o.Delay > MaxDelay:
		return fmt.Errorf("-delay %s: at most %s", formatDuration(o.Delay), formatDuration(MaxDelay))
	case o.FailEvery < 0:
		return fmt.Errorf("-fail-every %d: cannot be negative", o.FailEvery)
	case o.FailEvery > 0 && o.Addr != "":
		return fmt.Errorf("-fail-every sets up the embedded slow server; with -addr, start that server with -fail-every instead")
	}
	if err := checkTimeout(o.Timeout); err != nil {
		return err
	}
	if o.Addr != "" {
		if _, err := resolve(o.Addr); err != nil {
			return fmt.Errorf("-addr %s: %v", o.Addr, err)
		}
	}
	return nil
}

// checkTimeout checks a -timeout: more than 0 and at most MaxTimeout.
func checkTimeout(d time.Duration) error {
	switch {
	case d <= 0:
		return fmt.Errorf("-timeout %s: must be more than 0", formatDuration(d))
	case d > MaxTimeout:
		return fmt.Errorf("-timeout %s: at most %s", formatDuration(d), formatDuration(MaxTimeout))
	}
	return nil
}

// crash is a panic in a stage, caught so that Main can report it after the
// trace is flushed and the embedded server shut down.
type crash struct {
	value string // the panic value, on one line
	stack []byte // the goroutine's stack where it panicked
}

// callFetch calls fetch and turns a panic into a crash.
func callFetch(fetch FetchFunc, run *Run) (c *crash, err error) {
	defer func() {
		if v := recover(); v != nil {
			c = &crash{value: strings.ReplaceAll(fmt.Sprint(v), "\n", " "), stack: debug.Stack()}
		}
	}()
	return nil, fetch(run)
}

// execute does the run; its deferred calls flush the trace and shut the
// embedded server down before Main reports a crash.
func execute(stage string, opts Options, stdout, stderr io.Writer, fetch FetchFunc) (int, *crash) {
	start := time.Now()
	tr, closeTrace, err := openTrace(opts.Trace, stderr, start)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitUsage, nil
	}
	defer closeTrace()

	addr, delay := opts.Addr, time.Duration(0)
	if addr == "" {
		srv, err := slowserver.Start(slowserver.Config{Addr: "127.0.0.1:0", Delay: opts.Delay, FailEvery: opts.FailEvery})
		if err != nil {
			fmt.Fprintf(stderr, "%s: cannot start the embedded slow server: %v\n", stage, err)
			return ExitFailed, nil
		}
		defer srv.Close()
		addr, delay = srv.Addr(), opts.Delay
		fmt.Fprintf(stdout, "no -addr given: started the slow server on %s (every reply takes %v)\n", addr, opts.Delay)
	}
	server, err := resolve(addr) // checked by parse; the embedded server's address always resolves
	if err != nil {
		fmt.Fprintf(stderr, "%s: -addr %s: %v\n", stage, addr, err)
		return ExitUsage, nil
	}

	run := newRun(opts.N, server, tr, stdout, stderr, start)
	run.Embedded = opts.Addr == ""
	if opts.Timeout > 0 {
		run.Timeout = opts.Timeout
	}
	tr.Emit(trace.Event{Ev: trace.Start, Stage: stage, N: opts.N, Addr: addr, DelayUS: delay.Microseconds()})
	c, err := callFetch(fetch, run)
	if c != nil || err != nil {
		// The run stopped early: the error says why, and a summary of a
		// half-done run would only confuse.
		run.abandon()
		if c != nil {
			return ExitBug, c
		}
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitFailed, nil
	}
	run.finish()
	if err := run.check(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitBug, nil
	}
	if run.failed > 0 {
		return ExitFailed, nil
	}
	return ExitOK, nil
}

// openTrace opens the trace destination; the returned func flushes and
// closes it.
func openTrace(path string, stderr io.Writer, start time.Time) (*trace.Tracer, func(), error) {
	switch path {
	case "":
		return nil, func() {}, nil
	case "-":
		tr := trace.New(stderr, start)
		return tr, func() { _ = tr.Flush() }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("-trace: %v", err)
	}
	tr := trace.New(f, start)
	return tr, func() { _ = tr.Flush(); _ = f.Close() }, nil
}

// resolve turns host:port into the IPv4 socket address the stages pass to
// connect(2). The stages use AF_INET sockets only, and port 0 is where
// nothing can listen.
func resolve(addr string) (*unix.SockaddrInet4, error) {
	tcp, err := net.ResolveTCPAddr("tcp4", addr)
	if err != nil {
		return nil, fmt.Errorf("want an IPv4 host:port such as 127.0.0.1:8080 (%v)", err)
	}
	if tcp.Port == 0 {
		return nil, errors.New("want an IPv4 host:port such as 127.0.0.1:8080 (port 0 is not a port a server listens on)")
	}
	sa := &unix.SockaddrInet4{Port: tcp.Port}
	copy(sa.Addr[:], tcp.IP.To4())
	return sa, nil
}
