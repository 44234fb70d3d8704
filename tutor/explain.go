// This file holds the explanation shown after a run. Every number in it is
// computed from that run's trace; only the closing words (what still hurts,
// and what the next stage does about it) are quoted, from the end of the
// stage's doc.go (story.go), because they are the lesson plan rather than a
// measurement.

package main

import (
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// explanation is what a run shows, measured.
type explanation struct {
	Stage       string
	StageNum    int
	N           int
	OK, Failed  int
	Elapsed     time.Duration
	OneByOne    time.Duration // each request's own time (socket → answer), added up
	Slept       time.Duration // in the poller waiting for the kernel: sum of waited_us
	Worked      time.Duration // Elapsed − Slept
	WakeUps     int           // ready events
	Callbacks   int
	SentOrder   []int // request ids in the order they were written
	AnswerOrder []int // request ids in the order their responses arrived

	// Stage 2.
	States      []string // states visited, in order of first visit
	Transitions int
	// Stage 3.
	FuturesNew, FuturesDone, FuturesFailed, FutureCallbacks int
	// Stage 4.
	Tasks, TaskSteps, Suspensions, TimersFired, SlowSteps int

	Finished bool // the trace has its done event

	Failures []failure // every failed request and why, in the order they failed

	Poller string // what the loop slept in: select(2), epoll or kqueue
	Story  story  // the stage's closing paragraphs, quoted at the end
}

var stageNumRE = regexp.MustCompile(`^stage([0-9]+)-`)

// explain measures a run from its trace; st is the story of the stage that
// ran, which the explanation ends with.
func explain(events []trace.Event, st story) explanation {
	x := explanation{Story: st}
	start := map[int]int64{}
	states := map[string]bool{}
	var lastT int64
	for _, e := range events {
		lastT = max(lastT, e.TUS)
		switch e.Ev {
		case trace.Start:
			x.Stage, x.N = e.Stage, e.N
			if m := stageNumRE.FindStringSubmatch(e.Stage); m != nil {
				x.StageNum, _ = strconv.Atoi(m[1])
			}
		case trace.Socket:
			if _, ok := start[e.Req]; !ok {
				start[e.Req] = e.TUS
			}
		case trace.Send:
			if !contains(x.SentOrder, e.Req) {
				x.SentOrder = append(x.SentOrder, e.Req)
			}
		case trace.Response:
			x.OK++
			x.AnswerOrder = append(x.AnswerOrder, e.Req)
			x.OneByOne += time.Duration(e.TUS-start[e.Req]) * time.Microsecond
		case trace.Error:
			x.Failed++
			x.Failures = append(x.Failures, failure{Req: e.Req, Err: e.Err})
		case trace.Ready:
			x.WakeUps++
			x.Slept += time.Duration(e.WaitedUS) * time.Microsecond
		case trace.Callback:
			x.Callbacks++
		case trace.State:
			x.Transitions++
			for _, s := range []string{e.From, e.To} {
				if s != "" && !states[s] {
					states[s] = true
					x.States = append(x.States, s)
				}
			}
		case trace.FutureNew:
			x.FuturesNew++
		case trace.FutureDone:
			x.FuturesDone++
			if e.Err != "" {
				x.FuturesFailed++
			}
		case trace.FutureCallback:
			x.FutureCallbacks++
		case trace.TaskNew:
			x.Tasks++
		case trace.TaskStep:
			x.TaskSteps++
		case trace.TaskSuspend:
			x.Suspensions++
		case trace.TimerFire:
			x.TimersFired++
		case trace.Slow:
			x.SlowSteps++
		case trace.Done:
			x.Finished = true
			x.Elapsed = time.Duration(e.ElapsedUS) * time.Microsecond
		}
	}
	if !x.Finished {
		x.Elapsed = time.Duration(lastT) * time.Microsecond
	}
	x.Worked = max(0, x.Elapsed-x.Slept)
	x.Poller = pollerOf(x.StageNum, runtime.GOOS)
	return x
}

func contains(ids []int, id int) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// Lines renders the explanation as plain sentences, one paragraph a line,
// for a terminal of any width (the caller wraps).
func (x explanation) Lines() []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }

	switch {
	case !x.Finished:
		add("The run did not finish: %d of %d answered, %d failed after %s.", x.OK, x.N, x.Failed, seconds(x.Elapsed))
	case x.Failed == 0:
		add("%d requests, all answered, in %s.", x.OK, seconds(x.Elapsed))
	default:
		add("%d of %d requests answered and %d failed, in %s.", x.OK, x.N, x.Failed, seconds(x.Elapsed))
	}
	if len(x.Failures) > 0 {
		add("%s", failureList(x.Failures, x.StageNum))
	}
	if x.OK > 0 && x.Elapsed > 0 {
		add("One at a time, the answered ones would have taken %s (each one's own time, added up): %.1f× longer than this run.",
			seconds(x.OneByOne), x.OneByOne.Seconds()/x.Elapsed.Seconds())
	}
	if x.Elapsed > 0 {
		add("The loop slept %s in %s waiting for the kernel (%.1f%%) and worked %s (%.1f%%).",
			seconds(x.Slept), x.Poller, pct(x.Slept, x.Elapsed), us(x.Worked.Microseconds()), pct(x.Worked, x.Elapsed))
	}
	add("It woke up %d times and ran %d callbacks: it only works when the kernel says a socket is ready.", x.WakeUps, x.Callbacks)
	if len(x.AnswerOrder) > 0 {
		add("Order sent:     %s", ids(x.SentOrder))
		add("Order answered: %s", ids(x.AnswerOrder))
		if sameOrder(x.SentOrder, x.AnswerOrder) {
			add("The answers came back in the order sent this time; nothing forces that.")
		} else {
			add("The answers came back in the kernel's order, not ours: the loop handles whichever socket is ready first.")
		}
	}
	if len(x.States) > 0 {
		add("States visited: %s (%d transitions).", strings.Join(x.States, " → "), x.Transitions)
	}
	if x.FuturesNew > 0 {
		add("Futures: %d created, %d resolved (%d with an error), %d done-callbacks run.", x.FuturesNew, x.FuturesDone, x.FuturesFailed, x.FutureCallbacks)
	}
	if x.Tasks > 0 || x.TaskSteps > 0 {
		add("Tasks: %d, stepped %d times, suspended %d times awaiting a future; %d timers fired.", x.Tasks, x.TaskSteps, x.Suspensions, x.TimersFired)
	}
	if x.SlowSteps > 0 {
		add("Debug mode saw %d slow steps (over 100 ms): each froze every other request.", x.SlowSteps)
	}
	for _, para := range []string{x.Story.Hurts, x.Story.Next} {
		if para != "" {
			add("%s", para)
		}
	}
	return out
}

// failure is a request that failed, and its cause as the stage said it.
type failure struct {
	Req int
	Err string
}

// maxCauses is how many different causes a failure list names.
const maxCauses = 20

// failureList names every failure, whole: "3 failed: request 2 connection
// reset by peer; requests 5 and 9 connect: connection refused". Requests
// that failed the same way share one entry.
func failureList(fs []failure, stage int) string {
	var causes []string
	reqs := map[string][]int{}
	for _, f := range fs {
		if _, ok := reqs[f.Err]; !ok {
			causes = append(causes, f.Err)
		}
		reqs[f.Err] = append(reqs[f.Err], f.Req)
	}
	var parts []string
	for i, c := range causes {
		if i == maxCauses {
			parts = append(parts, fmt.Sprintf("and %d other causes (go run ./tutor run %d prints every failure)", len(causes)-maxCauses, stage))
			break
		}
		ids := reqs[c]
		who := fmt.Sprintf("request %d", ids[0])
		if len(ids) > 1 {
			var names []string
			for _, id := range ids {
				names = append(names, strconv.Itoa(id))
			}
			who = "requests " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
		}
		parts = append(parts, who+" "+c)
	}
	return fmt.Sprintf("%d failed: %s.", len(fs), strings.Join(parts, "; "))
}

func pct(part, whole time.Duration) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// ids prints request ids, eliding the middle of a long list.
func ids(list []int) string {
	var b strings.Builder
	for i, id := range list {
		if len(list) > 24 && i == 12 {
			fmt.Fprintf(&b, "… (%d more) … ", len(list)-20)
		}
		if len(list) > 24 && i >= 12 && i < len(list)-8 {
			continue
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(id))
	}
	return b.String()
}

func sameOrder(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
