// Command slowserver runs the slow server every stage of Loop from Scratch
// talks to: a TCP server whose every reply takes 5 seconds, so that asking
// one request after another is visibly slow and asking them concurrently is
// visibly fast.
//
// # Protocol
//
// A request is the first message a client sends (one read, up to 4 KiB, cut
// at the first newline if there is one; no newline is needed). After the
// delay the server writes one line and closes the connection:
//
//	Request 7   ->   Response to Request 7
//
// A request that begins with an HTTP method is answered as HTTP/1.1 200 with
// that line as the body, so curl and a browser work too.
//
// With -max-conns N, a connection beyond N open at once is answered at once
// with the line "busy: the server is full (-max-conns reached)" (an HTTP
// client gets it in a 503 Service Unavailable) and closed.
//
// With -fail-every K, the requests numbered K, 2K, … fail after their delay:
// "Request 6" is number 6, so -fail-every 3 fails requests 3, 6 and 9 in
// whatever order they arrive, each number once (a retry is answered).
// Requests without a number fail by arrival order: the K-th, 2K-th, ….
//
// # Examples
//
//	go run ./slowserver                          # 127.0.0.1:8080, 5 s per reply
//	curl -s localhost:8080/                      # "Response to GET / HTTP/1.1" after 5 s
//	printf 'Request 7' | nc -q 10 localhost 8080 # "Response to Request 7" after 5 s
//	go run ./slowserver -delay 1s -jitter 500ms  # replies take 1–1.5 s
//	go run ./slowserver -fail-every 3 -fail-mode garbage
//	go run ./slowserver -max-conns 100 -quiet
//
// Do not half-close the connection after sending (nc -N, shutdown(SHUT_WR)):
// the server takes that as the client going away and does not answer.
//
// The server itself lives in internal/slowserver; this file only turns flags
// into a Config and Ctrl-C into Close.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/loopfromscratch/loop/internal/slowserver"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, signals))
}

// run is the whole command: it parses args, serves until a signal arrives on
// signals and returns the exit code (0 after a signal, 1 if the server could
// not start, 2 for bad flags).
func run(args []string, stdout, stderr io.Writer, signals <-chan os.Signal) int {
	cfg, quiet, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "slowserver: %v (see -h)\n", err)
		return 2
	}
	log := &gatedWriter{w: stdout}
	if !quiet {
		cfg.Log = log
	}
	s, err := slowserver.Start(cfg)
	if err != nil {
		fmt.Fprintln(stderr, startError(cfg.Addr, err))
		return 1
	}
	fmt.Fprintf(stdout, "slow server listening on %s — every reply takes %s (Ctrl-C to stop)\n", s.Addr(), describeDelay(cfg))
	log.open.Store(true)

	<-signals
	log.open.Store(false) // the stop line below says it all
	inFlight := s.Close()
	st := s.Stats()
	fmt.Fprintf(stdout, "stopping: %d requests were in flight; served %d, failed %d, peak %d\n",
		inFlight, st.Served, st.Failed, st.Peak)
	return 0
}

// parseFlags turns args into a Config. It returns flag.ErrHelp after
// printing the usage for -h, and otherwise a one-line error for bad input.
func parseFlags(args []string, stdout io.Writer) (cfg slowserver.Config, quiet bool, err error) {
	fs := flag.NewFlagSet("slowserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by run, on one line
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on (127.0.0.1:0 picks a free port)")
	fs.DurationVar(&cfg.Delay, "delay", 5*time.Second, "time before each reply")
	fs.DurationVar(&cfg.Jitter, "jitter", 0, "each delay gets a random extra in [0, jitter)")
	fs.IntVar(&cfg.FailEvery, "fail-every", 0, "fail the requests numbered `K`, 2K, … (\"Request 6\" is 6), once each; unnumbered ones by arrival order (0: never)")
	failMode := fs.String("fail-mode", "reset", "how requests fail: reset or garbage")
	fs.IntVar(&cfg.MaxConns, "max-conns", 0, "answer the busy line (HTTP: 503) to connections beyond this many open at once (0: no cap)")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", slowserver.DefaultReadTimeout, "close clients that send nothing for this long")
	fs.BoolVar(&quiet, "quiet", false, "no log line per request")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "usage: slowserver [flags]")
			fs.PrintDefaults()
		}
		return cfg, quiet, err
	}
	if fs.NArg() > 0 {
		return cfg, quiet, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.FailMode, err = slowserver.ParseFailMode(*failMode); err != nil {
		return cfg, quiet, err
	}
	if cfg.ReadTimeout == 0 {
		return cfg, quiet, errors.New("read-timeout must be positive")
	}
	return cfg, quiet, cfg.Validate()
}

// startError explains why the server could not start, with a way out when
// the port is taken.
func startError(addr string, err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Sprintf("slowserver: %s is already in use (another slow server?); "+
			"try -addr 127.0.0.1:0 for a free port, or another port such as -addr 127.0.0.1:8081", addr)
	}
	return fmt.Sprintf("slowserver: cannot listen on %s: %v", addr, err)
}

// describeDelay is "5s", or "5s–5.5s" with jitter.
func describeDelay(cfg slowserver.Config) string {
	if cfg.Jitter == 0 {
		return cfg.Delay.String()
	}
	return fmt.Sprintf("%s–%s", cfg.Delay, cfg.Delay+cfg.Jitter)
}

// gatedWriter drops writes until open is set. It keeps the server's own
// "listening on" log line out of the output, so the banner comes first and
// only once; the server serializes its writes.
type gatedWriter struct {
	w    io.Writer
	open atomic.Bool
}

// Write passes p on once the gate is open, and otherwise discards it.
func (g *gatedWriter) Write(p []byte) (int, error) {
	if !g.open.Load() {
		return len(p), nil
	}
	return g.w.Write(p)
}
