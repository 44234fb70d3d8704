// This file holds two reports for long runs that a stage with timers can
// add without making them its lesson: a progress line that moves while
// every request waits, and the peak memory of the process at the end.

package stagecli

import (
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// tickEvery is how often ShowProgress redraws the progress line.
const tickEvery = 100 * time.Millisecond

// ShowProgress redraws the progress line of a long run (more than 100
// requests; shorter runs print a line per answer instead) every 100 ms, so
// that the clock moves while every request waits. after is the stage's own
// timer: it runs fn once, d from now, on the stage's loop, and returns what
// cancels it. Call the returned stop when the last request is done: a
// pending tick would keep the loop running. The ticks also stop once the
// run's Timeout has passed, so that a stage that loses a request (it never
// starts it, or never reports it) ends, and says so, instead of ticking
// for ever.
func ShowProgress(run *Run, after func(d time.Duration, fn func()) (cancel func() bool)) (stop func()) {
	if run.N <= progressAbove {
		return func() {}
	}
	var cancel func() bool
	stopped := false
	var tick func()
	tick = func() {
		if stopped { // the timer had fired, its tick was queued, when stop came
			return
		}
		run.Tick()
		if run.TimeLeft() == 0 {
			return // past the run's deadline: every request has had its chance
		}
		cancel = after(tickEvery, tick)
	}
	cancel = after(tickEvery, tick)
	return func() {
		stopped = true
		cancel()
	}
}

// ReportPeakRSS prints to run.Stderr the most resident memory the process
// has used so far: getrusage's ru_maxrss.
func ReportPeakRSS(run *Run) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		fmt.Fprintf(run.Stderr, "peak RSS: getrusage: %v\n", err)
		return
	}
	rss := uint64(ru.Maxrss) * 1024 // KiB on Linux
	if runtime.GOOS == "darwin" {
		rss = uint64(ru.Maxrss) // bytes on macOS
	}
	fmt.Fprintf(run.Stderr, "peak RSS: %.1f MiB (getrusage ru_maxrss) for %d requests\n", float64(rss)/(1<<20), run.N)
}
