// This file decides how a run ended — finished, cancelled, crashed, or
// stopped early — from what the tutor knows for sure: whether the learner
// cancelled it, the stage's exit code, the requests its trace reported, and
// the tutor's own clock. Only a finished run is measured and explained
// (explain.go); any other is told as exactly what happened, with its
// counts, and never with the work/sleep split of a run that did not finish.

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/loopfromscratch/loop/internal/trace"
)

// ending is how a run ended. Every run has exactly one.
type ending int

const (
	endFinished     ending = iota // the trace said done, nothing pending, exit 0 (or 1: some requests failed)
	endCancelled                  // the learner stopped it: Ctrl-C, or a signal to tutor run
	endCrashed                    // a bug in the stage: exit 3, a Go panic, or a signal the tutor did not send
	endStoppedEarly               // it exited by itself with requests still pending, or never said done
	endErrored                    // it exited non-zero although no request failed or is pending
)

// String is the ending as the run screen's header names it.
func (e ending) String() string {
	return [...]string{"finished", "cancelled", "crashed", "stopped early", "exited with an error"}[e]
}

// Exit codes the stages share (internal/stagecli); the tutor reads them,
// it does not import the stages' package for four numbers.
const (
	stageExitFailed = 1  // some request failed, or the run could not go on
	stageExitUsage  = 2  // bad flags; also what the Go runtime uses for a panic it did not catch
	stageExitBug    = 3  // the stage has a bug: it panicked, or reported a request twice or never
	exitBySignal    = -1 // what os/exec reports for a process killed by a signal
)

// outcome is how one run ended, with its counts.
type outcome struct {
	End      ending
	Stage    string
	N        int // requests asked for
	Answered int
	Failed   int
	Elapsed  time.Duration // the stage's own measure when it said done, else the tutor's clock
	Code     int           // exit code; -1 for a signal
	Cause    string        // why it was cancelled ("you pressed Ctrl-C", "interrupt signal received")
	Said     string        // the last line the stage printed that was not an event: often why it stopped
	Panicked bool          // what it printed is a Go panic
}

// runFacts is what the tutor knows when a stage process has exited.
type runFacts struct {
	Stage     string
	N         int           // requests the tutor asked for; the trace's start event wins
	Events    []trace.Event // the whole trace
	Raw       []string      // stderr lines that were not events
	Code      int           // exit code, -1 for a signal
	Cancelled bool          // the tutor stopped it because the learner asked
	Cause     string        // why, when Cancelled
	Wall      time.Duration // from the start of the process to its end, by the tutor's clock
}

// judge decides how a run ended.
func judge(f runFacts) outcome {
	o := outcome{Stage: f.Stage, N: f.N, Code: f.Code, Cause: f.Cause, Elapsed: f.Wall}
	answered, failed := map[int]bool{}, map[int]bool{}
	done := false
	var last int64
	for _, e := range f.Events {
		last = max(last, e.TUS)
		switch e.Ev {
		case trace.Start:
			if e.N > 0 {
				o.N = e.N
			}
			if e.Stage != "" {
				o.Stage = e.Stage
			}
		case trace.Response:
			answered[e.Req] = true
		case trace.Error:
			failed[e.Req] = true
		case trace.Done:
			done = true
			if !f.Cancelled {
				o.Elapsed = usDuration(e.ElapsedUS)
			}
		}
	}
	for req := range failed {
		delete(answered, req) // a request reported twice counts once, as failed
	}
	o.Answered, o.Failed = len(answered), len(failed)
	if o.Elapsed <= 0 {
		o.Elapsed = usDuration(last)
	}
	for _, line := range f.Raw {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case isPanic(line):
			if !o.Panicked {
				o.Said = line // the panic's own line, not its stack
			}
			o.Panicked = true
		case !o.Panicked:
			o.Said = line
		}
	}

	switch {
	case f.Cancelled:
		o.End = endCancelled
	case f.Code == stageExitBug || f.Code == exitBySignal || o.Panicked:
		o.End = endCrashed
	case !done || o.Pending() > 0:
		o.End = endStoppedEarly
	case f.Code != 0 && o.Failed == 0:
		o.End = endErrored
	default:
		o.End = endFinished
	}
	return o
}

// isPanic says whether a line starts a Go panic or fatal error, raw or as
// the stages report it ("stage1-callbacks: the stage has a bug: panic: …").
func isPanic(line string) bool {
	return strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") || strings.Contains(line, "has a bug: panic: ")
}

// Pending is how many requests were neither answered nor failed.
func (o outcome) Pending() int { return max(o.N-o.Answered-o.Failed, 0) }

// Explained says whether the run is worth measuring: it ran to its end.
func (o outcome) Explained() bool { return o.End == endFinished }

// counts is "Of 10 requests: 3 answered, 1 failed, 6 still pending."
func (o outcome) counts() string {
	return fmt.Sprintf("Of %d requests: %d answered, %d failed, %d still pending.", o.N, o.Answered, o.Failed, o.Pending())
}

// Lines tells how a run that did not finish ended, one paragraph a line.
// A finished run has nothing to add to its explanation.
func (o outcome) Lines() []string {
	took := seconds(o.Elapsed)
	if o.Elapsed < 100*time.Millisecond {
		took = o.Elapsed.Round(time.Millisecond).String() // "3ms", not "0.00s"
	}
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	switch o.End {
	case endFinished:
		return nil
	case endCancelled:
		cause := ""
		if o.Cause != "" {
			cause = " (" + o.Cause + ")"
		}
		add("Interrupted after %s%s, before the run finished. %s", took, cause, o.counts())
		add("The stage and its process group were stopped. A cancelled run is not measured: run it to the end for the explanation.")
	case endCrashed:
		switch {
		case o.Code == exitBySignal:
			add("The stage was killed by a signal after %s, not by the tutor. %s", took, o.counts())
		case o.Panicked:
			add("The stage crashed after %s: it panicked (exit status %d), a bug in the stage. %s", took, o.Code, o.counts())
		default:
			add("The stage crashed after %s: exit status 3, a bug in the stage (it panicked, or reported a request twice or never). %s", took, o.counts())
		}
		add("What it printed, above, names the bug. Nothing is measured from a crashed run.")
	case endStoppedEarly:
		if o.Code == stageExitUsage {
			add("The stage refused its flags after %s (exit status 2, bad usage). %s", took, o.counts())
		} else {
			add("The stage stopped early after %s (exit status %d), before its run was done. %s", took, o.Code, o.counts())
		}
		if o.Said != "" {
			add("It said: %s", o.Said)
		}
		add("Nothing is measured from a run that stopped early.")
	case endErrored:
		add("The stage exited with status %d after %s although no request failed. %s", o.Code, took, o.counts())
		if o.Said != "" {
			add("It said: %s", o.Said)
		}
	}
	return out
}
