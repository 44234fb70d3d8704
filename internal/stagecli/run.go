// This file holds Run, what a stage reports each request's outcome to: it
// prints one line per answer as it arrives, writes the response and error
// trace events, and at the end prints the summary.

package stagecli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

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

	out      io.Writer
	start    time.Time
	outcome  []byte // per request id: 0 pending, 'a' answered, 'f' failed
	answered int
	failed   int
	sum      time.Duration // each answered request's own time, added up
	bugs     []string      // requests reported twice or out of range
	progress *progress     // nil unless a long run on a terminal
}

func newRun(n int, server *unix.SockaddrInet4, tr *trace.Tracer, out, stderr io.Writer, start time.Time) *Run {
	r := &Run{N: n, Server: server, Trace: tr, Stderr: stderr, out: out, start: start, outcome: make([]byte, n+1)}
	if f, ok := out.(*os.File); ok && n > progressAbove && term.IsTerminal(int(f.Fd())) {
		r.progress = &progress{}
	}
	return r
}

// Message is what request req sends: "Request 7", no newline, as the seed
// article's clients do.
func (r *Run) Message(req int) []byte { return fmt.Appendf(nil, "Request %d", req) }

// Elapsed is the time since the run started.
func (r *Run) Elapsed() time.Duration { return time.Since(r.start) }

// Answered reports that request req got reply, everything read up to the
// newline or the end of the stream. A reply that is not one line of text
// (the server sent junk) is reported as a failure instead.
func (r *Run) Answered(req int, reply []byte) {
	text, err := oneLine(reply)
	if err != nil {
		r.Failed(req, err)
		return
	}
	if !r.record(req, 'a') {
		return
	}
	elapsed := r.Elapsed()
	r.answered++
	r.sum += elapsed
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
	r.line(r.Elapsed(), fmt.Sprintf("request %d failed: %v", req, err), true)
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
	elapsed := r.Elapsed()
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
	r.Trace.Emit(trace.Event{Ev: trace.Done, OK: r.answered, Failed: r.failed, ElapsedUS: r.Elapsed().Microseconds()})
}

// Tick redraws the progress line of a long run on a terminal; a stage with
// timers can call it now and then so the clock moves while nothing arrives.
func (r *Run) Tick() {
	if r.progress != nil {
		r.progress.draw(r.out, r, r.Elapsed(), false)
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

// oneLine checks that a reply is one line of text ending in a newline and
// returns it without the newline.
func oneLine(reply []byte) (string, error) {
	line, found := bytes.CutSuffix(reply, []byte("\n"))
	switch {
	case len(reply) == 0:
		return "", fmt.Errorf("the server closed the connection without a reply")
	case !found || bytes.IndexByte(line, '\n') >= 0:
		return "", fmt.Errorf("malformed reply (not one line ending in a newline): %s", quoteShort(reply))
	case !utf8.Valid(line):
		return "", fmt.Errorf("malformed reply (not text): %s", quoteShort(reply))
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}

func quoteShort(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q…", b[:40])
	}
	return fmt.Sprintf("%q", b)
}

// roughly formats a duration the way a person says it: "50s", "8.3s".
func roughly(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.0fs", d.Seconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
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
