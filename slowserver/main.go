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
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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
// signals and returns the exit code: 0 after a signal, 1 if the server could
// not start (the port is taken, the host unknown), 2 for bad flags, each
// reported on one line of stderr.
//
// Nothing here waits on stdout for long: it may be a pipe nobody reads. The
// server's log drops lines rather than block, and the banner and the stop
// line get printTimeout each, so Ctrl-C ends the command within a second.
func run(args []string, stdout, stderr io.Writer, signals <-chan os.Signal) int {
	cfg, quiet, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "slowserver: %v (see -h)\n", err)
		return 2
	}
	if !quiet {
		cfg.Log, cfg.LogName = serverLog{w: stdout}, "stdout"
	}
	s, err := slowserver.Start(cfg)
	if err != nil {
		fmt.Fprintln(stderr, startError(cfg.Addr, err))
		return 1
	}
	printWithin(stdout, fmt.Sprintf("slow server listening on %s — every reply takes %s (Ctrl-C to stop)\n",
		s.Addr(), describeDelay(cfg)), printTimeout)

	<-signals
	inFlight := s.Close()
	st := s.Stats()
	printWithin(stdout, fmt.Sprintf("stopping: %d requests were in flight; served %d, failed %d, peak %d\n",
		inFlight, st.Served, st.Failed, st.Peak), printTimeout)
	if st.LogDropped > 0 {
		printWithin(stderr, fmt.Sprintf("slowserver: %d log lines dropped: nothing is reading stdout\n", st.LogDropped),
			printTimeout)
	}
	return 0
}

// printTimeout is the longest run waits for one write to stdout or stderr.
const printTimeout = 200 * time.Millisecond

// printWithin writes text to w on another goroutine and waits at most d for
// it. A Write stuck longer keeps that goroutine until it returns; the
// command exits first.
func printWithin(w io.Writer, text string, d time.Duration) {
	written := make(chan struct{})
	go func() {
		defer close(written)
		_, _ = io.WriteString(w, text)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-written:
	case <-t.C:
	}
}

// parseFlags turns args into a Config. It returns flag.ErrHelp after
// printing the usage for -h, and otherwise a one-line error for bad input.
func parseFlags(args []string, stdout io.Writer) (cfg slowserver.Config, quiet bool, err error) {
	fs := flag.NewFlagSet("slowserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by run, on one line
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on (127.0.0.1:0 picks a free port)")
	fs.DurationVar(&cfg.Delay, "delay", 5*time.Second, "time before each reply (0 to 1h)")
	fs.DurationVar(&cfg.Jitter, "jitter", 0, "each delay gets a random extra in [0, jitter) (0 to 1h)")
	fs.IntVar(&cfg.FailEvery, "fail-every", 0, "fail the requests numbered `K`, 2K, … (\"Request 6\" is 6), once each; unnumbered ones by arrival order (0: never)")
	failMode := fs.String("fail-mode", "reset", "how requests fail: reset or garbage")
	fs.IntVar(&cfg.MaxConns, "max-conns", 0, "answer the busy line (HTTP: 503) to connections beyond this many open at once (0: no cap)")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", slowserver.DefaultReadTimeout, "close clients that send nothing for this long (up to 1h)")
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
		return cfg, quiet, fmt.Errorf("-fail-mode: %w", err)
	}
	switch {
	case cfg.Addr == "":
		return cfg, quiet, errors.New(`-addr "": want host:port, such as 127.0.0.1:8080`)
	case cfg.ReadTimeout == 0: // Config reads 0 as the default; a flag of 0 is a mistake
		return cfg, quiet, errors.New("-read-timeout 0s: want more than 0, up to 1h")
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

// serverLog passes the server's log on to stdout, except for the two lines
// that the command says better itself: the server's "listening on" and
// "shutdown:" lines, which the banner and the stop line replace. The server
// writes one line per Write.
type serverLog struct {
	w io.Writer
}

// Write passes p on unless it is one of those two lines.
func (l serverLog) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("listening on ")) || bytes.HasPrefix(p, []byte("shutdown: ")) {
		return len(p), nil
	}
	return l.w.Write(p)
}
