// The contract every stage program keeps, as tests. Each stage's test file
// calls Contract; what a stage adds (its states, futures, tasks) it tests
// itself.

package stagetest

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// hangLimit is far beyond any honest run in these tests, and beyond
// runTimeout; a run that takes longer is reported as hung instead of
// stalling the suite.
const hangLimit = 20 * time.Second

// runTimeout is the -timeout of the contract's runs against a server that
// answers: an honest run needs well under a second, and a request that is
// never called back then fails by its own deadline, with the trace to say
// what it waited for, rather than at the stage's default of 30s.
const runTimeout = "5s"

// Contract runs the tests every stage program must pass.
func Contract(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	t.Run("answers ten requests at once, each with its own id", func(t *testing.T) {
		srv := StartServer(t, slowserver.Config{Delay: Delay})
		before := OpenFDs(t)
		res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "10", "-timeout", runTimeout)

		RequireExit(t, res, stagecli.ExitOK, "every request is answered")
		for req := 1; req <= 10; req++ {
			assert.Contains(t, res.Stdout, AnswerLine(req)+"\n", "answer line for request %d", req)
		}
		assert.Contains(t, res.Stdout, "10 responses in ", "summary")
		assert.Contains(t, res.Stdout, "one at a time would take", "summary")
		stats := srv.Stats()
		assert.EqualValues(t, 10, stats.Peak, "the server saw all ten requests waiting at once")
		assert.EqualValues(t, 10, stats.Served, "the server answered all ten")
		AssertFDsClosed(t, before, res)
	})

	t.Run("reports every request refused when nothing listens, at once", func(t *testing.T) {
		before := OpenFDs(t)
		res := runWithin(t, stage, fetch, "-addr", ClosedAddr(t), "-n", "10", "-timeout", runTimeout)

		RequireExit(t, res, stagecli.ExitFailed, "every request fails, refused")
		for req := 1; req <= 10; req++ {
			assert.Contains(t, res.Stdout, fmt.Sprintf("request %d failed: connect: connection refused\n", req))
		}
		assert.Contains(t, res.Stdout, "0 of 10 answered, 10 failed", "summary")
		AssertFDsClosed(t, before, res)
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
			res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "10", "-timeout", runTimeout)

			RequireExit(t, res, stagecli.ExitFailed, "two requests fail, the others are answered")
			assert.Equal(t, 2, strings.Count(res.Stdout, tc.cause), "failure lines naming %q:\n%s", tc.cause, res.Stdout)
			assert.Equal(t, 8, strings.Count(res.Stdout, ": Response to Request "), "answered lines:\n%s", res.Stdout)
			assert.Contains(t, res.Stdout, "8 of 10 answered, 2 failed", "summary")
			AssertFDsClosed(t, before, res)
		})
	}

	t.Run("starts its own slow server when no -addr is given", func(t *testing.T) {
		res := runWithin(t, stage, fetch, "-delay", "100ms", "-n", "3")
		RequireExit(t, res, stagecli.ExitOK, "every request is answered")
		assert.Contains(t, res.Stdout, "no -addr given: started the slow server on 127.0.0.1:")
		assert.Contains(t, res.Stdout, "3 responses in ")
	})

	t.Run("writes a trace whose events come in a sane order", func(t *testing.T) {
		srv := StartServer(t, slowserver.Config{Delay: Delay})
		res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "3", "-timeout", runTimeout)
		RequireExit(t, res, stagecli.ExitOK, "every request is answered")
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
func runWithin(t testing.TB, stage string, fetch stagecli.FetchFunc, args ...string) Result {
	t.Helper()
	return runWithinLimit(t, hangLimit, stage, fetch, args...)
}

// hungRun names the first test whose stage run did not end within its
// limit. Later runs in the same test binary fail at once, naming it: a
// stage that hangs once hangs again, and waiting out every limit in turn
// would keep a learner staring at a silent go test for minutes.
var hungRun atomic.Pointer[string]

// runWithinLimit runs a stage and fails the test if it does not end within
// limit. A stage that hangs is left running: nothing can stop a goroutine
// from outside, and the test binary's end takes it.
func runWithinLimit(t testing.TB, limit time.Duration, stage string, fetch stagecli.FetchFunc, args ...string) Result {
	t.Helper()
	if first := hungRun.Load(); first != nil {
		t.Fatalf("not run: %s found the stage hung; fix that first (go test -failfast stops there)", *first)
	}
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
	case <-time.After(limit):
		name := t.Name()
		hungRun.CompareAndSwap(nil, &name)
		t.Fatalf("%s %v did not finish within %v: %s", stage, args, limit, hangHint)
		return Result{}
	}
}

// timeoutLimit bounds a run with -timeout 2s: seven times what it needs,
// and still "a few seconds" beside the 30 s default a stage without a
// deadline would show.
const timeoutLimit = 15 * time.Second

// Timeout checks a stage's deadline, -timeout: against a server that
// accepts and never answers, and against one that never accepts (requests
// stuck in connect), a run of three requests with -timeout 2s ends within
// a few seconds, prints "request N failed: no reply after 2s (timeout)" for
// each, exits 1 and leaves no fd open.
func Timeout(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	servers := []struct {
		name  string
		start func(testing.TB) string
	}{
		{"reports each request timed out when the server accepts and never answers", SilentServer},
		{"reports each request timed out when the server never accepts", UnacceptingServer},
	}
	for _, tc := range servers {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.start(t)
			before := OpenFDs(t)
			began := time.Now()
			res := runWithinLimit(t, timeoutLimit, stage, fetch, "-addr", addr, "-n", "3", "-timeout", "2s")

			requireNotCrashed(t, res)
			assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code; stderr: %s", res.Stderr)
			for req := 1; req <= 3; req++ {
				assert.Contains(t, res.Stdout, fmt.Sprintf("request %d failed: no reply after 2s (timeout)\n", req), "timeout line for request %d", req)
			}
			assert.Contains(t, res.Stdout, "0 of 3 answered, 3 failed", "summary")
			assert.GreaterOrEqual(t, time.Since(began), 2*time.Second-10*time.Millisecond, "the run waited for its deadline (give or take a timer's granularity)")
			AssertFDsClosed(t, before, res)
		})
	}
}

// busyDelay is the slow server's delay in the Busy check: the two
// connections it serves stay open this long, far longer than the other
// three need to connect and be turned away, even on a busy machine.
const busyDelay = 2 * time.Second

// Busy checks that a stage counts the server's busy line as a failure: the
// slow server with MaxConns 2 serves two of five requests at once and
// turns three away, and the stage prints "request N failed: server busy
// (-max-conns reached)" for each of those, answers the other two and exits
// 1. The server's Rejected counter proves the three were turned away; the
// clock proves nothing.
func Busy(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	srv := StartServer(t, slowserver.Config{Delay: busyDelay, MaxConns: 2})
	before := OpenFDs(t)
	res := runWithin(t, stage, fetch, "-addr", srv.Addr(), "-n", "5")
	requireNotCrashed(t, res)
	stats := srv.Stats()
	require.EqualValues(t, 3, stats.Rejected,
		"the server turned three connections away (fewer means the first two were answered before the others connected)")
	assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code; stderr: %s", res.Stderr)
	assert.Equal(t, 3, strings.Count(res.Stdout, " failed: server busy (-max-conns reached)\n"), "busy failures:\n%s", res.Stdout)
	assert.Equal(t, 2, strings.Count(res.Stdout, ": Response to Request "), "answered lines:\n%s", res.Stdout)
	assert.Contains(t, res.Stdout, "2 of 5 answered, 3 failed", "summary")
	AssertFDsClosed(t, before, res)
}

// ReplyInPieces checks that a stage reads a reply until its newline, not
// just once: a server that writes each reply in three pieces, 100 ms apart,
// gets three answers "Response in three pieces" and exit 0. A stage that
// takes its first read as the whole reply reports "Response " as malformed.
func ReplyInPieces(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	addr := PiecesServer(t, []string{"Response ", "in three", " pieces\n"}, 100*time.Millisecond)
	before := OpenFDs(t)
	res := runWithin(t, stage, fetch, "-addr", addr, "-n", "3", "-timeout", runTimeout)

	RequireExit(t, res, stagecli.ExitOK,
		"each reply arrives in three pieces, 100 ms apart: keep reading until the newline (a reply taken from the first read is just \"Response \", malformed)")
	for req := 1; req <= 3; req++ {
		assert.Contains(t, res.Stdout, fmt.Sprintf("request %d: Response in three pieces\n", req), "answer line for request %d", req)
	}
	AssertFDsClosed(t, before, res)
}

// ReplyTooLong checks that a stage gives up on a reply with no newline in
// its first stagecli.MaxReply bytes: against a server that streams 10 MiB
// of "x" per request, each request prints "request N failed: reply too
// long (64 KiB without a newline)", the run exits 1 and no fd stays open.
func ReplyTooLong(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	addr := StreamingServer(t, 10<<20)
	before := OpenFDs(t)
	res := runWithin(t, stage, fetch, "-addr", addr, "-n", "2", "-timeout", runTimeout)

	requireNotCrashed(t, res)
	assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code; stderr: %s", res.Stderr)
	for req := 1; req <= 2; req++ {
		// A stage may name the step, as stage 4's fetch does ("receive: …").
		assert.Regexp(t, fmt.Sprintf(`(?m)request %d failed: (receive: )?reply too long \(64 KiB without a newline\)$`, req), res.Stdout, "failure line for request %d", req)
	}
	AssertFDsClosed(t, before, res)
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
