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
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/trace"
)

// Exit codes, the same for every stage.
const (
	ExitOK     = 0 // every request was answered
	ExitFailed = 1 // at least one request failed, or the run could not go on
	ExitUsage  = 2 // bad flags
)

// Options are the flags every stage program accepts.
type Options struct {
	Addr  string        // the slow server; "" starts the embedded one
	N     int           // how many requests to send
	Delay time.Duration // the embedded server's delay
	Trace string        // where to write the JSON-lines trace; "-" is stderr
	// FailEvery makes the embedded server reset every k-th request (0:
	// none), to show how a stage handles errors.
	FailEvery int
}

// FetchFunc is a stage's lesson: send run.N requests to run.Server and
// report each one on run exactly once, with Answered or Failed. An error
// it returns stops the whole run (for example select(2)'s fd limit).
type FetchFunc func(run *Run) error

// Main runs a stage program: it parses args, starts the embedded server when
// no -addr is given, calls fetch, prints the summary and returns the exit
// code. extra, if not nil, adds stage-specific flags before parsing.
func Main(stage string, args []string, stdout, stderr io.Writer, fetch FetchFunc, extra ...func(*flag.FlagSet)) int {
	opts, err := parse(stage, args, stderr, extra)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitUsage
	}
	return execute(stage, opts, stdout, stderr, fetch)
}

func parse(stage string, args []string, stderr io.Writer, extra []func(*flag.FlagSet)) (Options, error) {
	var o Options
	fs := flag.NewFlagSet(stage, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Addr, "addr", "", "slow server `host:port` (default: start one in this process on a free port)")
	fs.IntVar(&o.N, "n", 10, "number of requests to send at once")
	fs.DurationVar(&o.Delay, "delay", 5*time.Second, "how long the embedded slow server waits before each reply")
	fs.IntVar(&o.FailEvery, "fail-every", 0, "make the embedded slow server reset every `k`-th request (0: never)")
	fs.StringVar(&o.Trace, "trace", "", "write the loop's events as JSON lines to `file` (\"-\" for stderr)")
	for _, add := range extra {
		add(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errors.New("bad usage (see -help)")
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q (flags only; see -help)", fs.Arg(0))
	case o.N < 1:
		return o, fmt.Errorf("-n %d: need at least one request", o.N)
	case o.FailEvery < 0:
		return o, fmt.Errorf("-fail-every %d: cannot be negative", o.FailEvery)
	case o.FailEvery > 0 && o.Addr != "":
		return o, fmt.Errorf("-fail-every sets up the embedded slow server; with -addr, start that server with -fail-every instead")
	case o.Delay < 0:
		return o, fmt.Errorf("-delay %v: a delay cannot be negative", o.Delay)
	}
	return o, nil
}

func execute(stage string, opts Options, stdout, stderr io.Writer, fetch FetchFunc) int {
	start := time.Now()
	tr, closeTrace, err := openTrace(opts.Trace, stderr, start)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitUsage
	}
	defer closeTrace()

	addr, delay := opts.Addr, time.Duration(0)
	if addr == "" {
		srv, err := slowserver.Start(slowserver.Config{Addr: "127.0.0.1:0", Delay: opts.Delay, FailEvery: opts.FailEvery})
		if err != nil {
			fmt.Fprintf(stderr, "%s: cannot start the embedded slow server: %v\n", stage, err)
			return ExitFailed
		}
		defer srv.Close()
		addr, delay = srv.Addr(), opts.Delay
		fmt.Fprintf(stdout, "no -addr given: started the slow server on %s (every reply takes %v)\n", addr, opts.Delay)
	}
	server, err := resolve(addr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: -addr %s: %v\n", stage, addr, err)
		return ExitUsage
	}

	run := newRun(opts.N, server, tr, stdout, stderr, start)
	run.Embedded = opts.Addr == ""
	tr.Emit(trace.Event{Ev: trace.Start, Stage: stage, N: opts.N, Addr: addr, DelayUS: delay.Microseconds()})
	if err := fetch(run); err != nil {
		// The run stopped early: the error says why, and a summary of a
		// half-done run would only confuse.
		run.abandon()
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitFailed
	}
	run.finish()
	if err := run.check(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", stage, err)
		return ExitFailed
	}
	if run.failed > 0 {
		return ExitFailed
	}
	return ExitOK
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
// connect(2). The stages use AF_INET sockets only.
func resolve(addr string) (*unix.SockaddrInet4, error) {
	tcp, err := net.ResolveTCPAddr("tcp4", addr)
	if err != nil {
		return nil, fmt.Errorf("not an IPv4 host:port: %v", err)
	}
	sa := &unix.SockaddrInet4{Port: tcp.Port}
	copy(sa.Addr[:], tcp.IP.To4())
	return sa, nil
}
