// Failures in plain words. A run that went wrong fails its test with what
// went wrong, not with a dozen lines about what its output lacks: the
// stage's own complaint when it crashed, the requests that failed, and,
// read from the trace, what each request that timed out was still waiting
// for. The tutor shows a learner the first lines of the first failing
// test, so those lines name the mistake.

package stagetest

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// RequireExit stops the test unless the run exited with want. Its message
// is Diagnose's, after hint when hint is not "": what this check's run
// should have shown, in a sentence.
func RequireExit(t testing.TB, res Result, want int, hint string) {
	t.Helper()
	if res.Code == want {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "exit code %d, want %d", res.Code, want)
	if hint != "" {
		b.WriteString(": " + hint)
	}
	b.WriteString("\n" + Diagnose(res))
	require.FailNow(t, b.String())
}

// maxListed is how many failed or waiting requests a diagnosis names; the
// rest are counted.
const maxListed = 3

// Diagnose says why a run did not answer every request, in a few plain
// lines: a crash ("the stage has a bug: …", with a hint when select(2) was
// handed a closed fd), the first failure lines, and for each request that
// timed out what it waited for and whether the selector ever said so.
func Diagnose(res Result) string {
	var lines []string
	if stderr := strings.TrimSpace(res.Stderr); stderr != "" {
		first := strings.SplitN(stderr, "\n", 2)[0]
		lines = append(lines, "stderr: "+first)
		if strings.Contains(first, "bad file descriptor") {
			lines = append(lines, "select(2) was handed an fd that is closed: a request closed its socket but left it registered (unregister it before closing)")
		}
	}
	var failed, timedOut []string
	for _, l := range res.Lines() {
		switch {
		case strings.Contains(l, "(timeout)"):
			timedOut = append(timedOut, strings.TrimSpace(l))
		case strings.Contains(l, " failed: "):
			failed = append(failed, strings.TrimSpace(l))
		}
	}
	lines = append(lines, listed(failed)...)
	if len(timedOut) > 0 {
		lines = append(lines, fmt.Sprintf("%d request(s) timed out; the trace says:", len(timedOut)))
		lines = append(lines, listed(waits(res.Events, timedOutReqs(timedOut)))...)
		lines = append(lines, "a request that is never called back waits for the wrong thing (a connect ends when its socket turns writable, a reply comes when it turns readable), or the selector puts its fd in the wrong set or never reads it back")
	}
	if len(lines) == 0 {
		lines = append(lines, "stdout:\n"+res.Stdout)
	}
	return strings.Join(lines, "\n")
}

// listed keeps the first maxListed lines and counts the others.
func listed(lines []string) []string {
	if len(lines) <= maxListed {
		return lines
	}
	return append(slices.Clone(lines[:maxListed]), fmt.Sprintf("… and %d more", len(lines)-maxListed))
}

var timedOutLine = regexp.MustCompile(`request (\d+) failed: .*\(timeout\)`)

// timedOutReqs returns the requests named in timeout lines.
func timedOutReqs(lines []string) []int {
	var reqs []int
	for _, l := range lines {
		if m := timedOutLine.FindStringSubmatch(l); m != nil {
			req, _ := strconv.Atoi(m[1])
			reqs = append(reqs, req)
		}
	}
	return reqs
}

// waits says, for each request in reqs, what its fd was last registered
// for and what the selector did about it afterwards: "request 2 waited on
// fd 7 for write (on_connected) from 0.00s; reported ready 0 times in 14
// waits".
func waits(events []trace.Event, reqs []int) []string {
	var out []string
	for _, req := range reqs {
		var last *trace.Event // the request's last register event
		ready, polls, calls := 0, 0, 0
		for i, e := range events {
			switch {
			case e.Ev == trace.Register && e.Req == req:
				last, ready, polls, calls = &events[i], 0, 0, 0
			case last == nil:
			case e.Ev == trace.Ready:
				polls++
				if slices.Contains(e.Ready, last.FD) {
					ready++
				}
			case e.Ev == trace.Callback && e.FD == last.FD:
				calls++
			}
		}
		if last == nil {
			out = append(out, fmt.Sprintf("request %d never registered a socket with the selector", req))
			continue
		}
		s := fmt.Sprintf("request %d waited on fd %d for %s (%s) from %.2fs; the selector reported it ready %d time(s) in %d wait(s)",
			req, last.FD, last.Dir, last.Name, float64(last.TUS)/1e6, ready, polls)
		if ready > 0 && calls == 0 {
			s += ", and its callback never ran"
		}
		out = append(out, s)
	}
	return out
}

// hangHint is what a run that never returned most likely did wrong.
const hangHint = "the loop never returned: it ignores the run's deadline (-timeout), or it waits on an fd that stays registered after its request finished"

// requireNotCrashed stops the test if the stage crashed (ExitBug),
// naming its complaint: every other check of a crashed run is noise.
func requireNotCrashed(t testing.TB, res Result) {
	t.Helper()
	if res.Code == stagecli.ExitBug {
		require.FailNow(t, "the stage crashed\n"+Diagnose(res))
	}
}

// AssertFDsClosed checks that the open fd count is back to before once
// the run is over, and when it is not, names the requests whose socket the
// trace never shows closed.
func AssertFDsClosed(t testing.TB, before int, res Result) bool {
	t.Helper()
	after := WaitForFDs(t, before)
	if after <= before {
		return true
	}
	msg := fmt.Sprintf("%d fd(s) still open after the run (%d before, %d after): a request must close its socket when it ends, answered, failed or timed out",
		after-before, before, after)
	if open := unclosed(res.Events); len(open) > 0 {
		msg += "\n" + strings.Join(listed(open), "\n")
	}
	return assert.Fail(t, msg)
}

// unclosed names, from the trace, each request's socket that was opened
// and never closed.
func unclosed(events []trace.Event) []string {
	open := map[int]int{} // fd → request
	for _, e := range events {
		switch e.Ev {
		case trace.Socket:
			open[e.FD] = e.Req
		case trace.Close:
			delete(open, e.FD)
		}
	}
	var out []string
	for _, fd := range slices.Sorted(maps.Keys(open)) {
		out = append(out, fmt.Sprintf("request %d never closed fd %d", open[fd], fd))
	}
	return out
}
