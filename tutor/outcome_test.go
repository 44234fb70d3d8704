// These tests specify how the tutor tells the end of a run: finished runs
// are explained, and a run that was cancelled, crashed or stopped early is
// told as exactly that, with its counts and the real time it took.

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/loopfromscratch/loop/internal/trace"
)

// ev builds a trace event for the tables below.
func ev(kind trace.Kind, req int, tus int64) trace.Event {
	return trace.Event{Ev: kind, Req: req, TUS: tus}
}

// started is a trace of n requests sent and waiting, up to 2 ms.
func started(n int) []trace.Event {
	events := []trace.Event{{Ev: trace.Start, Stage: "stage1-callbacks", N: n}}
	for req := 1; req <= n; req++ {
		events = append(events, ev(trace.Socket, req, 1000), ev(trace.Send, req, 2000))
	}
	return events
}

// answered adds a response for each of reqs at tus.
func answered(events []trace.Event, tus int64, reqs ...int) []trace.Event {
	for _, req := range reqs {
		events = append(events, ev(trace.Response, req, tus))
	}
	return events
}

func done(events []trace.Event, elapsedUS int64) []trace.Event {
	return append(events, trace.Event{Ev: trace.Done, TUS: elapsedUS, ElapsedUS: elapsedUS})
}

func TestJudge(t *testing.T) {
	all := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	oneFailed := done(append(answered(started(10), 300_000, all[:9]...), trace.Event{Ev: trace.Error, Req: 10, TUS: 300_000, Err: "server busy"}), 300_100)
	tests := []struct {
		name    string
		facts   runFacts
		end     ending
		elapsed time.Duration
		counts  [3]int   // answered, failed, pending
		says    []string // in Lines
	}{
		{
			name:    "a run that traced done and exited 0 finished, timed by the stage",
			facts:   runFacts{N: 10, Events: done(answered(started(10), 300_000, all...), 300_100), Code: 0, Wall: 400 * time.Millisecond},
			end:     endFinished,
			elapsed: 300_100 * time.Microsecond,
			counts:  [3]int{10, 0, 0},
		},
		{
			name:    "a run with a failed request that exited 1 finished, with its failure",
			facts:   runFacts{N: 10, Events: oneFailed, Code: 1},
			end:     endFinished,
			elapsed: 300_100 * time.Microsecond,
			counts:  [3]int{9, 1, 0},
		},
		{
			name:    "Ctrl-C while all ten wait is an interruption after the real time, not 0.00s",
			facts:   runFacts{N: 10, Events: started(10), Code: exitBySignal, Cancelled: true, Cause: "interrupt signal received", Wall: 1500 * time.Millisecond},
			end:     endCancelled,
			elapsed: 1500 * time.Millisecond,
			counts:  [3]int{0, 0, 10},
			says:    []string{"Interrupted after 1.50s (interrupt signal received)", "Of 10 requests: 0 answered, 0 failed, 10 still pending."},
		},
		{
			name:    "a cancelled run is cancelled even if its stage had just said done",
			facts:   runFacts{N: 10, Events: done(answered(started(10), 300_000, all...), 300_100), Code: 0, Cancelled: true, Wall: 2 * time.Second},
			end:     endCancelled,
			elapsed: 2 * time.Second,
			counts:  [3]int{10, 0, 0},
		},
		{
			name:    "exit 3 is a crash, a bug in the stage, even after the done event of an abandoned run",
			facts:   runFacts{N: 10, Events: done(answered(started(10), 100_000, 1, 2), 150_000), Raw: []string{"stage1-callbacks: the stage has a bug: request 3 reported twice"}, Code: stageExitBug, Wall: time.Second},
			end:     endCrashed,
			elapsed: 150_000 * time.Microsecond,
			counts:  [3]int{2, 0, 8},
			says:    []string{"crashed after 0.15s: exit status 3, a bug in the stage", "2 answered, 0 failed, 8 still pending"},
		},
		{
			name: "a Go panic that exits 2 is a crash, quoted by its first line",
			facts: runFacts{N: 10, Events: started(10), Code: stageExitUsage, Wall: 700 * time.Millisecond,
				Raw: []string{"panic: runtime error: index out of range [10] with length 10", "", "goroutine 1 [running]:", "main.main()"}},
			end:     endCrashed,
			elapsed: 700 * time.Millisecond,
			counts:  [3]int{0, 0, 10},
			says:    []string{"crashed after 0.70s: it panicked (exit status 2)"},
		},
		{
			name:    "a stage killed by a signal the tutor did not send crashed",
			facts:   runFacts{N: 10, Events: started(10), Code: exitBySignal, Wall: 3 * time.Second},
			end:     endCrashed,
			elapsed: 3 * time.Second,
			counts:  [3]int{0, 0, 10},
			says:    []string{"killed by a signal after 3.00s, not by the tutor"},
		},
		{
			name: "an error that stops the run early is told, with what the stage said",
			facts: runFacts{N: 10, Events: done(answered(started(10), 100_000, 4), 120_000), Code: stageExitFailed, Wall: time.Second,
				Raw: []string{"stage1-callbacks: select: bad file descriptor"}},
			end:     endStoppedEarly,
			elapsed: 120_000 * time.Microsecond,
			counts:  [3]int{1, 0, 9},
			says:    []string{"stopped early after 0.12s (exit status 1)", "It said: stage1-callbacks: select: bad file descriptor"},
		},
		{
			name:    "an exit 0 without the done event stopped early",
			facts:   runFacts{N: 10, Events: answered(started(10), 300_000, all...), Code: 0, Wall: 400 * time.Millisecond},
			end:     endStoppedEarly,
			elapsed: 400 * time.Millisecond,
			counts:  [3]int{10, 0, 0},
		},
		{
			name:    "an exit 1 with every request answered is an error, not a success",
			facts:   runFacts{N: 10, Events: done(answered(started(10), 300_000, all...), 300_100), Code: stageExitFailed, Raw: []string{"stage1-callbacks: close: bad file descriptor"}},
			end:     endErrored,
			elapsed: 300_100 * time.Microsecond,
			counts:  [3]int{10, 0, 0},
			says:    []string{"exited with status 1 after 0.30s although no request failed", "It said: stage1-callbacks: close: bad file descriptor"},
		},
		{
			name:    "bad flags (exit 2, no panic) stopped the run before it began",
			facts:   runFacts{N: 10, Code: stageExitUsage, Raw: []string{"stage1-callbacks: -n 0: need at least one request"}, Wall: 10 * time.Millisecond},
			end:     endStoppedEarly,
			elapsed: 10 * time.Millisecond,
			counts:  [3]int{0, 0, 10},
			says:    []string{"refused its flags", "It said: stage1-callbacks: -n 0: need at least one request"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := judge(tt.facts)
			assert.Equal(t, tt.end, o.End, "ending")
			assert.Equal(t, tt.elapsed, o.Elapsed, "elapsed")
			assert.Equal(t, tt.counts, [3]int{o.Answered, o.Failed, o.Pending()}, "answered, failed, pending")
			assert.Equal(t, tt.end == endFinished, o.Explained(), "explained only if finished")
			text := ""
			for _, line := range o.Lines() {
				text += line + "\n"
			}
			for _, want := range tt.says {
				assert.Contains(t, text, want)
			}
			if tt.end == endFinished {
				assert.Empty(t, text, "a finished run is told by its explanation")
				return
			}
			for _, lie := range []string{"all answered", "slept", "worked", "0.00s", "One at a time", "What still hurts"} {
				assert.NotContains(t, text, lie, "a run that did not finish is not measured")
			}
		})
	}
}
