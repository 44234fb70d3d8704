package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

// demoDelay is the slow server's delay in the demo tests.
const demoDelay = 200 * time.Millisecond

// programDeadline bounds one run of the program in a test. Each request
// has its own deadline too (-timeout, 30s by default), which names it.
const programDeadline = 60 * time.Second

// runProgram runs the stage program in-process, as main does, with args.
// A run still going after programDeadline fails the test with what it
// printed so far and every goroutine's stack: the loop's shows where it
// waits. (The run is left behind: nothing can stop a goroutine from
// outside.)
func runProgram(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	failIfHung(t)
	var out, errOut stagetest.SyncBuffer
	opts := stageOptions{demoOptions: demoOptions{out: &out}}
	done := make(chan int, 1)
	go func() { done <- stagecli.Main(stage, args, &out, &errOut, opts.runStage, opts.flags) }()
	select {
	case code = <-done:
		return code, out.String(), errOut.String()
	case <-time.After(programDeadline):
		noteHung(t)
		stacks := make([]byte, 1<<20)
		stacks = stacks[:runtime.Stack(stacks, true)]
		t.Fatalf("%v still ran after %v\nstdout:\n%s\nstderr:\n%s\ngoroutines:\n%s", args, programDeadline, out.String(), errOut.String(), stacks)
		return 0, "", ""
	}
}

func TestEachDemoShowsWhatItsNameSays(t *testing.T) {
	tests := []struct {
		name     string
		demo     string
		args     []string
		server   slowserver.Config
		wantCode int
		wantPeak int64    // the server's peak of requests in flight; 0: not checked
		want     []string // in stdout
		wantErr  []string // in stderr
	}{
		{name: "gather runs all requests at once", demo: "gather", wantPeak: 6, want: []string{"all 6 answered"}},
		{name: "as-completed takes each request as it finishes", demo: "as-completed", wantPeak: 6, want: []string{"taken in the order they finished: requests ["}},
		{name: "semaphore lets two through at a time", demo: "semaphore", args: []string{"-limit", "2"}, wantPeak: 2, want: []string{"3 rounds of at most 2"}},
		{name: "timeout times every request out and closes it", demo: "timeout", args: []string{"-timeout", "50ms"}, wantCode: stagecli.ExitFailed,
			want: []string{"6 of 6 timed out", "sockets still watched when the last one returned: 0", "request 1 failed: no reply after 50ms (timeout)"}},
		{name: "queue feeds two workers and pushes back on the producer", demo: "queue", args: []string{"-limit", "2"}, wantPeak: 2,
			want: []string{"the producer found the queue full"}},
		{name: "retry gets every request answered from a server that resets every third", demo: "retry", server: slowserver.Config{FailEvery: 3},
			want: []string{"requests failed at first and were retried", "6 responses in"}},
		{name: "executor keeps the loop responsive", demo: "executor", args: []string{"-block", "150ms"}, wantPeak: 6, want: []string{"it stayed responsive"}},
		{name: "echo serves its clients on the loop", demo: "echo", want: []string{"request 6: Request 6", "every client heard itself back"}},
		{name: "sequential has one request in flight at a time", demo: "sequential", wantPeak: 1, want: []string{"n × the delay"}},
		{name: "blocking with -debug names the task that blocks the loop", demo: "blocking", args: []string{"-block", "150ms", "-debug"},
			want: []string{"the replies were processed one after another"}, wantErr: []string{"debug: task 1 (request 1) step took 0.", "debug: task 6 (request 6) step took 0."}},
		{name: "forgot-await: the loop reports the error nobody retrieved", demo: "forgot-await",
			wantErr: []string{"(warm-up request, never awaited) failed and its error was never retrieved: timed out after 100ms"}},
		{name: "nested-loop: the outer loop stands still while request 1 runs alone", demo: "nested-loop", wantPeak: 5,
			want: []string{"started only after request 1 was answered"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.server.Delay = demoDelay
			srv := stagetest.StartServer(t, tc.server)
			before := stagetest.OpenFDs(t)
			// Each request has 10s, fifty times the delay: a demo whose
			// loop never wakes its tasks fails in 10s, not in 30s each.
			args := append([]string{"-demo", tc.demo, "-addr", srv.Addr(), "-n", "6", "-timeout", "10s"}, tc.args...)
			code, stdout, stderr := runProgram(t, args...)
			if tc.demo != "timeout" && strings.Contains(stdout, "(timeout)") {
				noteHung(t) // the loop never finished a request: the next demos would wait as long
			}

			assert.Equal(t, tc.wantCode, code, "exit code; stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, w := range tc.want {
				assert.Contains(t, stdout, w, "stdout")
			}
			for _, w := range tc.wantErr {
				assert.Contains(t, stderr, w, "stderr")
			}
			if tc.wantPeak > 0 {
				assert.Equal(t, tc.wantPeak, srv.Stats().Peak, "the server's peak of requests in flight")
			}
			assert.Equal(t, before, stagetest.WaitForFDs(t, before), "open fds after the demo")
		})
	}
}

func TestSequentialTakesNTimesTheDelayAndGatherAboutOne(t *testing.T) {
	tests := []struct {
		name     string
		demo     string
		wantPeak int64 // requests the server held at once
	}{
		{"sequential has one request at the server at a time: four delays", "sequential", 1},
		{"gather has all four there at once: one delay", "gather", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := stagetest.StartServer(t, slowserver.Config{Delay: demoDelay})
			began := time.Now()
			code, _, stderr := runProgram(t, "-demo", tc.demo, "-addr", srv.Addr(), "-n", "4")
			took := time.Since(began)
			require.Equal(t, stagecli.ExitOK, code, "%s: %s", tc.demo, stderr)
			// Four requests take four delays or one according to how many
			// the server held at once: count those, not the clock.
			assert.Equal(t, tc.wantPeak, srv.Stats().Peak, "the server's peak of requests in flight")
			assert.GreaterOrEqual(t, took, time.Duration(4/tc.wantPeak)*demoDelay, "no faster than the delays allow")
		})
	}
}

func TestAnUnknownDemoIsBadUsageAndListsTheNames(t *testing.T) {
	code, _, stderr := runProgram(t, "-demo", "nope")
	assert.Equal(t, stagecli.ExitUsage, code)
	assert.Contains(t, stderr, `unknown demo "nope"; the demos are `+strings.Join(demoNames(), ", "))
}

func TestHelpListsEveryDemo(t *testing.T) {
	code, _, stderr := runProgram(t, "-help")
	assert.Equal(t, stagecli.ExitOK, code)
	for _, d := range demos {
		assert.Contains(t, stderr, fmt.Sprintf("%-13s %s", d.name, d.what), "-help lists %s", d.name)
	}
}

func TestARunThatCannotFitInTheFileLimitIsRefusedUpFront(t *testing.T) {
	limit, err := raiseFileLimit()
	require.NoError(t, err)
	tests := []struct {
		name     string
		embedded bool
		perReq   int
	}{
		{"against a server elsewhere: one socket per request", false, 1},
		{"with the embedded server: two sockets per request", true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := int(limit) // cannot fit: the fds open already take some
			args := []string{"-n", fmt.Sprint(n)}
			if !tc.embedded {
				args = append(args, "-addr", stagetest.ClosedAddr(t))
			}
			code, _, stderr := runProgram(t, args...)
			assert.Equal(t, stagecli.ExitFailed, code, "exit code")
			assert.Contains(t, stderr, fmt.Sprintf("-n %d: this process may open %d files", n, limit))
			assert.Contains(t, stderr, "Raise the hard limit (ulimit -Hn) or lower -n")
			if tc.embedded {
				assert.Contains(t, stderr, "two sockets")
			}
			assert.NotContains(t, stderr, "request 1 failed", "nothing was sent")
		})
	}
}

func TestRSSIsReportedOnRequest(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{})
	code, _, stderr := runProgram(t, "-addr", srv.Addr(), "-n", "2", "-rss")
	assert.Equal(t, stagecli.ExitOK, code)
	assert.Regexp(t, `peak RSS: \d+\.\d MiB \(getrusage ru_maxrss\) for 2 requests`, stderr)
}

func TestADemoFlagOutOfRangeIsOneLineAndExitTwo(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no requests at a time is refused", []string{"-limit", "0"}, `invalid value "0" for flag -limit: want a whole number from 1 to 1000000`},
		{"a limit that is not a number is refused", []string{"-limit", "x"}, `invalid value "x" for flag -limit`},
		{"a negative blocking call is refused", []string{"-block", "-1s"}, `invalid value "-1s" for flag -block: want a duration from 0 to 1h`},
		{"a blocking call over an hour is refused", []string{"-block", "2h"}, `invalid value "2h" for flag -block`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runProgram(t, append([]string{"-demo", "semaphore"}, tc.args...)...)
			assert.Equal(t, stagecli.ExitUsage, code, "exit code")
			assert.Empty(t, stdout, "nothing runs")
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}
