// This file holds Run, what a stage reports each request's outcome to: it
// prints one line per answer as it arrives, writes the response and error
// trace events, adds up each answered request's own time, and at the end
// prints the summary.

package stagecli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/loopfromscratch/loop/internal/trace"
)

// progressAbove is the run size above which a terminal gets one progress
// line updated in place instead of a line per answer.
const progressAbove = 100

// Run is one run of a stage: n requests to one server. Stages call its
// methods from their loop, on one goroutine.
type Run struct {
	N      int                 // requests to send, with ids 1..N
	Server *unix.SockaddrInet4 // where to connect
	Trace  *trace.Tracer       // nil when -trace was not given; Emit on nil is a no-op
	Stderr io.Writer           // for diagnostics a stage prints besides its results (debug lines, warnings)
	// Embedded says the slow server runs in this process: its end of each
	// connection is an fd of this process too.
	Embedded bool
	// Timeout is the run's deadline (-timeout, default 30s), counted from
	// the start of the run: a request still unanswered then is reported
	// with TimedOut. TimeLeft says how much of it remains.
	Timeout time.Duration

	out      io.Writer
	start    time.Time
	now      func() time.Duration // time since start; tests replace it with a clock they move
	outcome  []byte               // per request id: 0 pending, 'a' answered, 'f' failed
	began    []time.Duration      // per request id: when Began was called, 0 (the start) if never
	answered int
	failed   int
	sum      time.Duration // each answered request's own time, added up
	bugs     []string      // requests reported twice or out of range
	progress *progress     // nil unless a long run on a terminal
}

// DefaultTimeout is Run.Timeout when -timeout is not given.
const DefaultTimeout = 30 * time.Second

func newRun(n int, server *unix.SockaddrInet4, tr *trace.Tracer, out, stderr io.Writer, start time.Time) *Run {
	r := &Run{
		N: n, Server: server, Trace: tr, Stderr: stderr, Timeout: DefaultTimeout,
		out: out, start: start, outcome: make([]byte, n+1), began: make([]time.Duration, n+1),
	}
	r.now = func() time.Duration { return time.Since(r.start) }
	if f, ok := out.(*os.File); ok && n > progressAbove && term.IsTerminal(int(f.Fd())) {
		r.progress = &progress{}
	}
	return r
}

// Message is what request req sends: "Request 7", no newline, as the seed
// article's clients do. It is built with strconv rather than fmt: a stage
// 4 coroutine calls it on a 2 KiB stack, and fmt's printer alone grew that
// stack to 4 KiB, for every request (docs/performance.md).
func (r *Run) Message(req int) []byte {
	return strconv.AppendInt(append(make([]byte, 0, 16), "Request "...), int64(req), 10)
}

// Elapsed is the time since the run started.
func (r *Run) Elapsed() time.Duration { return r.now() }

// TimeLeft is how long the run may still wait before its Timeout runs out,
// never less than 0: what a loop passes to select(2) as its timeout.
func (r *Run) TimeLeft() time.Duration { return max(r.Timeout-r.now(), 0) }

// Began notes that request req starts now: a stage calls it when it opens
// req's socket. An answered request's own time, from Began to Answered, is
// what the summary adds up for "one at a time would take". For a request
// Began was never called for, its time counts from the start of the run
// instead; if it is called twice, the last call counts. Request 0 is a
// request outside the run (stage 4's forgot-await demo sends one): it is
// not counted. On a Run made by hand, as tests make one to give a stage's
// request its server and size, Began does nothing: it has no records.
func (r *Run) Began(req int) {
	if req == 0 || r.began == nil {
		return
	}
	if req < 1 || req > r.N {
		r.bugs = append(r.bugs, fmt.Sprintf("Began(%d): request %d does not exist (ids run 1..%d)", req, req, r.N))
		return
	}
	r.began[req] = r.now()
}

// Answered reports that request req got reply, everything read up to the
// newline or the end of the stream (at most MaxReply bytes). A reply that
// is not an answer is reported as a failure instead: the server's busy line
// (ErrBusy), MaxReply bytes without a newline (ErrReplyTooLong), nothing at
// all, or junk that is not one line of text.
func (r *Run) Answered(req int, reply []byte) {
	text, err := parseReply(reply)
	if err != nil {
		r.Failed(req, err)
		return
	}
	if !r.record(req, 'a') {
		return
	}
	elapsed := r.now()
	r.answered++
	r.sum += max(elapsed-r.began[req], 0)
	r.Trace.Emit(trace.Event{Ev: trace.Response, Req: req, Text: text})
	r.line(elapsed, fmt.Sprintf("request %d: %s", req, text), false)
}

// Failed reports that request req failed because of err.
func (r *Run) Failed(req int, err error) {
	if !r.record(req, 'f') {
		return
	}
	r.failed++
	r.Trace.Emit(trace.Event{Ev: trace.Error, Req: req, Err: err.Error()})
	r.line(r.now(), fmt.Sprintf("request %d failed: %v", req, err), true)
}

// TimedOut reports that request req had no reply within the run's Timeout:
// "request 7 failed: no reply after 30s (timeout)". The error it reports
// wraps ErrTimeout. The stage closes req's socket itself.
func (r *Run) TimedOut(req int) {
	r.Failed(req, timeoutError{after: formatDuration(r.Timeout)})
}

// Pending reports how many requests have no outcome yet.
func (r *Run) Pending() int { return r.N - r.answered - r.failed }

// record notes req's outcome once; a second report is a bug in the stage.
func (r *Run) record(req int, outcome byte) bool {
	switch {
	case req < 1 || req > r.N:
		r.bugs = append(r.bugs, fmt.Sprintf("request %d does not exist (ids run 1..%d)", req, r.N))
		return false
	case r.outcome[req] != 0:
		r.bugs = append(r.bugs, fmt.Sprintf("request %d was reported twice", req))
		return false
	}
	r.outcome[req] = outcome
	return true
}

// line prints one outcome; on a long run on a terminal only failures are
// printed and the progress line is redrawn instead.
func (r *Run) line(elapsed time.Duration, text string, failure bool) {
	if r.progress == nil {
		fmt.Fprintf(r.out, "%7.2fs  %s\n", elapsed.Seconds(), text)
		return
	}
	if failure {
		fmt.Fprintf(r.out, "\r\033[K%7.2fs  %s\n", elapsed.Seconds(), text)
	}
	r.progress.draw(r.out, r, elapsed, failure)
}

// finish prints the summary and writes the done event.
func (r *Run) finish() {
	elapsed := r.now()
	if r.progress != nil {
		fmt.Fprint(r.out, "\r\033[K")
	}
	r.Trace.Emit(trace.Event{Ev: trace.Done, OK: r.answered, Failed: r.failed, ElapsedUS: elapsed.Microseconds()})
	fmt.Fprintln(r.out, r.summary(elapsed))
}

// abandon ends a run that stopped early: it writes the done event but no
// summary.
func (r *Run) abandon() {
	if r.progress != nil {
		fmt.Fprint(r.out, "\r\033[K")
	}
	r.Trace.Emit(trace.Event{Ev: trace.Done, OK: r.answered, Failed: r.failed, ElapsedUS: r.now().Microseconds()})
}

// Tick redraws the progress line of a long run on a terminal; a stage with
// timers can call it now and then so the clock moves while nothing arrives.
func (r *Run) Tick() {
	if r.progress != nil {
		r.progress.draw(r.out, r, r.now(), false)
	}
}

func (r *Run) summary(elapsed time.Duration) string {
	var b strings.Builder
	if r.failed == 0 && r.answered == r.N {
		fmt.Fprintf(&b, "%d responses in %.2fs", r.answered, elapsed.Seconds())
	} else {
		fmt.Fprintf(&b, "%d of %d answered, %d failed, in %.2fs", r.answered, r.N, r.failed, elapsed.Seconds())
	}
	if r.answered > 1 {
		fmt.Fprintf(&b, " — one at a time would take %s", roughly(r.sum))
	}
	return b.String()
}

// check reports requests the stage never reported, or reported wrongly: a
// learner who edits a stage should hear about it rather than get a wrong
// summary.
func (r *Run) check() error {
	var missing []int
	for req := 1; req <= r.N; req++ {
		if r.outcome[req] == 0 {
			missing = append(missing, req)
		}
	}
	if len(missing) > 0 {
		r.bugs = append(r.bugs, fmt.Sprintf("%d request(s) never reported, first request %d", len(missing), missing[0]))
	}
	if len(r.bugs) > 0 {
		return fmt.Errorf("the stage has a bug: %s", strings.Join(r.bugs, "; "))
	}
	return nil
}

// roughly formats a duration the way a person says it: "8.3s", "50s",
// "10,012s (2.8 hours)", "168,202s (47 hours)". Seconds stay the unit so figures compare at a
// glance; past an hour the hours follow in brackets.
func roughly(d time.Duration) string {
	if d.Round(100*time.Millisecond) < 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	s := thousands(int64(d.Round(time.Second)/time.Second)) + "s"
	switch {
	case d >= 10*time.Hour:
		s += " (" + thousands(int64(d.Round(time.Hour)/time.Hour)) + " hours)"
	case d >= time.Hour:
		s += fmt.Sprintf(" (%.1f hours)", d.Hours())
	}
	return s
}

// thousands writes n with a comma between each group of three digits.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// progress redraws one status line, at most ten times a second.
type progress struct {
	last time.Duration
}

func (p *progress) draw(out io.Writer, r *Run, elapsed time.Duration, force bool) {
	if !force && elapsed-p.last < 100*time.Millisecond && r.Pending() > 0 {
		return
	}
	p.last = elapsed
	fmt.Fprintf(out, "\r\033[K%7.2fs  answered %d · in flight %d · failed %d", elapsed.Seconds(), r.answered, r.Pending(), r.failed)
}
