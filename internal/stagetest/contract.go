// The contract every stage program keeps, as tests. Each stage's test file
// calls Contract; what a stage adds (its states, futures, tasks) it tests
// itself.

package stagetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// hangLimit is far beyond any honest run in these tests; a run that takes
// longer is reported as hung instead of stalling the suite.
const hangLimit = 30 * time.Second

// Contract runs the tests every stage program must pass.
func Contract(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	t.Run("answers ten requests at once, each with its own id", func(t *testing.T) {
		srv := StartServer(t, slowserver.Config{Delay: Delay})
		before := OpenFDs(t)
		res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "10")

		assert.Equal(t, stagecli.ExitOK, res.Code, "exit code; stderr: %s", res.Stderr)
		for req := 1; req <= 10; req++ {
			assert.Contains(t, res.Stdout, AnswerLine(req)+"\n", "answer line for request %d", req)
		}
		assert.Contains(t, res.Stdout, "10 responses in ", "summary")
		assert.Contains(t, res.Stdout, "one at a time would take", "summary")
		stats := srv.Stats()
		assert.EqualValues(t, 10, stats.Peak, "the server saw all ten requests waiting at once")
		assert.EqualValues(t, 10, stats.Served, "the server answered all ten")
		assert.Equal(t, before, WaitForFDs(t, before), "open fds after the run (every socket closed)")
	})

	t.Run("reports every request refused when nothing listens, at once", func(t *testing.T) {
		before := OpenFDs(t)
		res := runWithin(t, stage, fetch, "-addr", ClosedAddr(t), "-n", "10")

		assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code")
		for req := 1; req <= 10; req++ {
			assert.Contains(t, res.Stdout, fmt.Sprintf("request %d failed: connect: connection refused\n", req))
		}
		assert.Contains(t, res.Stdout, "0 of 10 answered, 10 failed", "summary")
		assert.Equal(t, before, WaitForFDs(t, before), "open fds after the run")
	})

	failures := []struct {
		name  string
		mode  slowserver.FailMode
		cause string
	}{
		{"reports requests the server resets and answers the others", slowserver.FailReset, "connection reset by peer"},
		{"reports garbage replies and answers the others", slowserver.FailGarbage, "malformed reply"},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			srv := StartServer(t, slowserver.Config{Delay: Delay, FailEvery: 5, FailMode: tc.mode})
			before := OpenFDs(t)
			res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "10")

			assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code")
			assert.Equal(t, 2, strings.Count(res.Stdout, tc.cause), "failure lines naming %q:\n%s", tc.cause, res.Stdout)
			assert.Equal(t, 8, strings.Count(res.Stdout, ": Response to Request "), "answered lines:\n%s", res.Stdout)
			assert.Contains(t, res.Stdout, "8 of 10 answered, 2 failed", "summary")
			assert.Equal(t, before, WaitForFDs(t, before), "open fds after the run")
		})
	}

	t.Run("starts its own slow server when no -addr is given", func(t *testing.T) {
		res := runWithin(t, stage, fetch, "-delay", "100ms", "-n", "3")
		assert.Equal(t, stagecli.ExitOK, res.Code, "exit code; stderr: %s", res.Stderr)
		assert.Contains(t, res.Stdout, "no -addr given: started the slow server on 127.0.0.1:")
		assert.Contains(t, res.Stdout, "3 responses in ")
	})

	t.Run("writes a trace whose events come in a sane order", func(t *testing.T) {
		srv := StartServer(t, slowserver.Config{Delay: Delay})
		res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "3")
		require.Equal(t, stagecli.ExitOK, res.Code, "exit code; stderr: %s", res.Stderr)
		CheckTraceOrder(t, res.Events, 3)
	})

	usage := []struct {
		name string
		args []string
	}{
		{"refuses zero requests", []string{"-n", "0"}},
		{"refuses a count that is not a number", []string{"-n", "ten"}},
		{"refuses a negative delay", []string{"-delay", "-1s"}},
		{"refuses a stray argument", []string{"extra"}},
		{"refuses an address that is not host:port", []string{"-addr", "nonsense"}},
		{"refuses an unknown flag", []string{"-bogus"}},
		{"refuses -fail-every for a server it did not start", []string{"-addr", "127.0.0.1:1", "-fail-every", "2"}},
	}
	for _, tc := range usage {
		t.Run(tc.name, func(t *testing.T) {
			res := runWithin(t, stage, fetch, tc.args...)
			assert.Equal(t, stagecli.ExitUsage, res.Code, "exit code")
			assert.Contains(t, res.Stderr, stage+": ", "one line naming the program")
		})
	}
}

// CheckTraceOrder checks the events every stage writes: start first, done
// last, each wait followed by a ready, and for each request socket →
// register → send → recv → close → response.
func CheckTraceOrder(t *testing.T, events []trace.Event, n int) {
	t.Helper()
	require.NotEmpty(t, events, "trace events")
	assert.Equal(t, trace.Start, events[0].Ev, "first event")
	assert.Equal(t, trace.Done, events[len(events)-1].Ev, "last event")
	assert.Equal(t, n, events[len(events)-1].OK, "done event's ok count")

	waiting := false
	for i, e := range events {
		switch e.Ev {
		case trace.Wait:
			assert.False(t, waiting, "event %d: wait while already waiting", i)
			waiting = true
		case trace.Ready:
			assert.True(t, waiting, "event %d: ready without a wait before it", i)
			waiting = false
		}
	}

	fdOf := map[int]int{} // fd → request, from socket events
	for req := 1; req <= n; req++ {
		order := []trace.Kind{trace.Socket, trace.Register, trace.Send, trace.Recv, trace.Close, trace.Response}
		at := 0
		for _, e := range events {
			if e.Ev == trace.Socket {
				fdOf[e.FD] = e.Req
			}
			owner := e.Req
			if owner == 0 && e.FD != 0 {
				owner = fdOf[e.FD]
			}
			if at < len(order) && e.Ev == order[at] && owner == req {
				at++
			}
		}
		assert.Equal(t, len(order), at, "request %d: events %v in this order (got as far as %d)", req, order, at)
	}
}

// runWithin runs a stage and fails the test if it does not end within
// hangLimit.
func runWithin(t *testing.T, stage string, fetch stagecli.FetchFunc, args ...string) Result {
	t.Helper()
	type outcome struct {
		res Result
		err error
	}
	dir := t.TempDir()
	done := make(chan outcome, 1)
	go func() {
		res, err := run(dir, stage, fetch, args...)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		require.NoError(t, o.err, "running %s %v", stage, args)
		return o.res
	case <-time.After(hangLimit):
		t.Fatalf("%s %v did not finish within %v", stage, args, hangLimit)
		return Result{}
	}
}

// SelectLimit checks a select(2) stage refuses fds of 1024 and above with
// one clear line, closes what it opened, and does not crash.
func SelectLimit(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	srv := StartServer(t, slowserver.Config{Delay: Delay})
	before := OpenFDs(t)

	res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "1100")

	assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code")
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	assert.Len(t, lines, 1, "one line on stderr: %q", res.Stderr)
	assert.Contains(t, res.Stderr, "FD_SETSIZE", "names select(2)'s limit")
	assert.Contains(t, res.Stderr, "stage4-tasks", "names the stage that lifts it")
	assert.NotContains(t, res.Stdout, "responses in", "no summary for a run that never ran")
	assert.Equal(t, before, WaitForFDs(t, before), "every socket opened before the limit is closed")
}
