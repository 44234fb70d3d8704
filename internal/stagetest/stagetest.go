// Package stagetest holds what every stage's tests need and none of them
// teaches: an in-process slow server, a way to run a stage program and
// collect its exit code, output and trace, an address where nothing
// listens, bad servers (silent, unaccepting, a reply in pieces, a stream
// with no newline), a count of open file descriptors, and the checks every
// stage program must pass (contract.go).
package stagetest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// Delay is the slow server's delay in tests: long enough that requests
// clearly overlap, short enough to keep the suite quick.
const Delay = 300 * time.Millisecond

// StartServer starts the slow server on a free loopback port and closes it
// when the test ends.
func StartServer(t testing.TB, cfg slowserver.Config) *slowserver.Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	srv, err := slowserver.Start(cfg)
	require.NoError(t, err, "starting the slow server")
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Result is what one run of a stage program produced.
type Result struct {
	Code   int
	Stdout string
	Stderr string
	Events []trace.Event
}

// Lines returns the non-empty lines of stdout.
func (r Result) Lines() []string {
	var lines []string
	for _, l := range strings.Split(r.Stdout, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// Count returns how many events of kind k the trace holds.
func (r Result) Count(k trace.Kind) int {
	n := 0
	for _, e := range r.Events {
		if e.Ev == k {
			n++
		}
	}
	return n
}

// Run runs a stage program in-process with args plus a -trace file, and
// returns what it produced with the trace parsed. A run that has not ended
// after hangLimit fails the test instead of hanging it.
func Run(t testing.TB, stage string, fetch stagecli.FetchFunc, args ...string) Result {
	t.Helper()
	return runWithinLimit(t, hangLimit, stage, fetch, args...)
}

// run is Run without the testing.TB, so that it can run off the test
// goroutine; dir holds the trace file.
func run(dir, stage string, fetch stagecli.FetchFunc, args ...string) (Result, error) {
	tracePath := filepath.Join(dir, "trace.jsonl")
	args = append(args, "-trace", tracePath)
	var stdout, stderr bytes.Buffer
	res := Result{Code: stagecli.Main(stage, args, &stdout, &stderr, fetch)}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	f, err := os.Open(tracePath)
	if os.IsNotExist(err) && res.Code == stagecli.ExitUsage {
		return res, nil // bad usage stops before the trace is opened
	}
	if err != nil {
		return res, fmt.Errorf("opening the trace: %w", err)
	}
	defer f.Close()
	res.Events, err = trace.ReadAll(f)
	if err != nil {
		return res, fmt.Errorf("parsing the trace: %w", err)
	}
	return res, nil
}

// ClosedAddr returns a loopback address where nothing listens: it listens
// on a free port and closes the listener at once.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err, "finding a free port")
	addr := ln.Addr().String()
	require.NoError(t, ln.Close(), "closing the probe listener")
	return addr
}

// OpenFDs counts this process's open file descriptors. Off Linux there is
// no /proc/self/fd, and the test is skipped with a note.
func OpenFDs(t testing.TB) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("counting open fds needs /proc/self/fd (Linux)")
	}
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err, "reading /proc/self/fd")
	return len(entries)
}

// WaitForFDs waits up to two seconds for the open fd count to come back
// down to want (the server in the same process closes its side a moment
// after the client), and returns the last count seen.
func WaitForFDs(t testing.TB, want int) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := OpenFDs(t)
		if got <= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// AnswerLine returns the line a stage prints when request req is answered
// by the slow server, minus the time in front.
func AnswerLine(req int) string {
	return fmt.Sprintf("request %d: Response to Request %d", req, req)
}
