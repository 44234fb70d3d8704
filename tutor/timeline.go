// This file holds the timeline: what the tutor knows about a run, built
// event by event from its trace. One row per request with the moments it
// changed phase, the loop's own events for the log pane, and counters. It
// knows nothing of the screen, so the TUI, the plain text and the SVG all
// draw from it.

package main

import (
	"fmt"
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// phase is where a request is at a moment of the run.
type phase int

// A request begins connecting, is sent, then waits until it is answered or
// fails; answered and failed are terminal.
const (
	phaseNone       phase = iota // no socket yet
	phaseConnecting              // socket created, request not written yet
	phaseSent                    // written, no byte of the answer yet
	phaseWaiting                 // (the same as sent, drawn as the long wait)
	phaseAnswered                // the response arrived
	phaseFailed                  // an error ended it
)

// String is the phase as a row's label says it.
func (p phase) String() string {
	switch p {
	case phaseConnecting:
		return "connecting"
	case phaseSent, phaseWaiting:
		return "waiting"
	case phaseAnswered:
		return "answered"
	case phaseFailed:
		return "failed"
	}
	return "not started"
}

// row is one request. Times are µs since the stage started; -1 means not
// yet.
type row struct {
	ID     int
	FD     int
	Socket int64 // socket created: connecting begins
	Sent   int64 // request written: waiting begins
	End    int64 // answered or failed
	Failed bool
	Text   string // the response, or the error
}

// Phase is where the request is now.
func (r row) Phase() phase {
	switch {
	case r.End >= 0 && r.Failed:
		return phaseFailed
	case r.End >= 0:
		return phaseAnswered
	case r.Sent >= 0:
		return phaseWaiting
	case r.Socket >= 0:
		return phaseConnecting
	}
	return phaseNone
}

// logLine is one of the loop's own events, ready to print.
type logLine struct {
	TUS  int64
	Req  int // the request it is about, 0 when none (a wake-up)
	Text string
}

// maxLog is how many log lines a timeline keeps: the whole of any run the
// tutor makes (1,000 requests at most); past it the oldest go, and
// Dropped counts them.
const maxLog = 200000

// timeline is a run as far as its trace has been read.
type timeline struct {
	Stage   string
	N       int
	Addr    string
	Delay   time.Duration
	Rows    []row     // Rows[i] is request i+1
	Log     []logLine // the loop's events, all of them up to maxLog
	Dropped int       // loop events dropped from the front of Log
	NowUS   int64     // the latest t_us seen
	Done    bool      // the done event arrived
	Elapsed time.Duration
	WakeUps int
	Slept   time.Duration // sum of waited_us over ready events

	fdReq   map[int]int    // open descriptor → request
	taskReq map[int]int    // task → request
	futName map[int]string // future → what it stands for
}

func newTimeline() *timeline {
	return &timeline{fdReq: map[int]int{}, taskReq: map[int]int{}, futName: map[int]string{}}
}

// timelineOf builds a timeline from a whole trace.
func timelineOf(events []trace.Event) *timeline {
	tl := newTimeline()
	for _, e := range events {
		tl.Add(e)
	}
	return tl
}

// row returns request id's row, growing the table when a stage reports more
// requests than its start event announced.
func (tl *timeline) row(id int) *row {
	if id < 1 || id > 100000 {
		return nil
	}
	for len(tl.Rows) < id {
		tl.Rows = append(tl.Rows, row{ID: len(tl.Rows) + 1, Socket: -1, Sent: -1, End: -1})
	}
	return &tl.Rows[id-1]
}

// Counts returns how many requests are in each phase.
func (tl *timeline) Counts() (connecting, waiting, answered, failed int) {
	for _, r := range tl.Rows {
		switch r.Phase() {
		case phaseConnecting:
			connecting++
		case phaseWaiting:
			waiting++
		case phaseAnswered:
			answered++
		case phaseFailed:
			failed++
		}
	}
	return
}

// Add applies one event. Kinds it does not know are ignored.
func (tl *timeline) Add(e trace.Event) {
	tl.NowUS = max(tl.NowUS, e.TUS)
	switch e.Ev {
	case trace.Start:
		tl.Stage, tl.N, tl.Addr = e.Stage, e.N, e.Addr
		tl.Delay = time.Duration(e.DelayUS) * time.Microsecond
		tl.row(e.N)
	case trace.Socket:
		if r := tl.row(e.Req); r != nil {
			r.FD, r.Socket = e.FD, e.TUS
			tl.fdReq[e.FD] = e.Req
		}
	case trace.Send:
		if r := tl.row(e.Req); r != nil && r.Sent < 0 {
			r.Sent = e.TUS
		}
	case trace.Response:
		if r := tl.row(e.Req); r != nil {
			r.End, r.Text = e.TUS, e.Text
		}
	case trace.Error:
		if r := tl.row(e.Req); r != nil {
			r.End, r.Failed, r.Text = e.TUS, true, e.Err
		}
	case trace.Ready:
		tl.WakeUps++
		tl.Slept += time.Duration(e.WaitedUS) * time.Microsecond
	case trace.TaskNew:
		if e.Req > 0 {
			tl.taskReq[e.Task] = e.Req
		}
	case trace.FutureNew:
		tl.futName[e.Future] = e.Name
	case trace.Done:
		tl.Done = true
		tl.Elapsed = time.Duration(e.ElapsedUS) * time.Microsecond
	}
	if text := tl.describe(e); text != "" {
		tl.Log = append(tl.Log, logLine{TUS: e.TUS, Req: tl.reqOf(e), Text: text})
		if len(tl.Log) > maxLog {
			drop := len(tl.Log) - maxLog*9/10
			tl.Log = append(tl.Log[:0:0], tl.Log[drop:]...)
			tl.Dropped += drop
		}
	}
}

// describe turns one of the loop's own events into a log line; events that
// belong to a request's row rather than to the loop give "".
func (tl *timeline) describe(e trace.Event) string {
	switch e.Ev {
	case trace.Wait:
		if e.TimeoutUS < 0 {
			return fmt.Sprintf("wait: %d fds, no timeout", e.FDs)
		}
		return fmt.Sprintf("wait: %d fds, timeout %s", e.FDs, us(e.TimeoutUS))
	case trace.Ready:
		if len(e.Ready) == 0 {
			return fmt.Sprintf("wake-up: nothing ready (slept %s)", us(e.WaitedUS))
		}
		return fmt.Sprintf("wake-up: %d ready (slept %s)", len(e.Ready), us(e.WaitedUS))
	case trace.Callback:
		return fmt.Sprintf(" callback %s fd %d%s", e.Name, e.FD, tl.reqOfFD(e.FD))
	case trace.State:
		return fmt.Sprintf(" req %d: %s → %s", e.Req, e.From, e.To)
	case trace.FutureNew:
		return fmt.Sprintf(" future %d new (%s)", e.Future, e.Name)
	case trace.FutureDone:
		if e.Err != "" {
			return fmt.Sprintf(" future %d%s failed: %s", e.Future, tl.futureName(e), e.Err)
		}
		return fmt.Sprintf(" future %d%s resolved", e.Future, tl.futureName(e))
	case trace.FutureCallback:
		return fmt.Sprintf(" future %d%s callback", e.Future, tl.futureName(e))
	case trace.TaskNew:
		return fmt.Sprintf(" task %d new (%s)", e.Task, e.Name)
	case trace.TaskStep:
		return fmt.Sprintf(" task %d step (%s)", e.Task, us(e.StepUS))
	case trace.TaskSuspend:
		return fmt.Sprintf(" task %d awaits future %d", e.Task, e.Future)
	case trace.TaskDone:
		return fmt.Sprintf(" task %d done", e.Task)
	case trace.TimerAdd:
		return fmt.Sprintf(" timer %d in %s", e.Timer, us(e.DelayUS))
	case trace.TimerFire:
		return fmt.Sprintf(" timer %d fired", e.Timer)
	case trace.Slow:
		return fmt.Sprintf("SLOW: %s ran %s", e.Name, us(e.StepUS))
	case trace.Error:
		return fmt.Sprintf("req %d failed: %s", e.Req, e.Err)
	}
	return ""
}

// futureName is " (connected)": what a future stands for, from its own
// event or from the one that created it.
func (tl *timeline) futureName(e trace.Event) string {
	name := e.Name
	if name == "" {
		name = tl.futName[e.Future]
	}
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

// reqOf is the request an event is about, 0 when it is about none.
func (tl *timeline) reqOf(e trace.Event) int {
	switch {
	case e.Req > 0:
		return e.Req
	case e.Task > 0 && tl.taskReq[e.Task] > 0:
		return tl.taskReq[e.Task]
	case e.Ev == trace.Callback:
		return tl.fdReq[e.FD]
	}
	return 0
}

func (tl *timeline) reqOfFD(fd int) string {
	if req, ok := tl.fdReq[fd]; ok {
		return fmt.Sprintf(" (req %d)", req)
	}
	return ""
}

// us formats microseconds briefly: "12µs", "3.4ms", "5.00s".
func us(v int64) string {
	d := time.Duration(v) * time.Microsecond
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", v)
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(v)/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// seconds formats a duration as "5.01s".
func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

// usDuration turns trace microseconds into a Duration.
func usDuration(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
