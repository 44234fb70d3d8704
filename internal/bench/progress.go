// This file is the benchmark's running commentary on stderr: which case,
// which run, how long since the start, and each run's result as it ends,
// so that a ten-minute run is never silent.

package main

import (
	"fmt"
	"os"
	"time"
)

// progress reports on stderr what the benchmark is doing and for how long
// it has been at it: one line per run, begun when the run starts and
// finished with its result.
type progress struct {
	began time.Time
	open  bool // a start line waits for its result
}

// start begins a run's line: "[  1m02s] sleep c=1,000  Node 20  run 2/3 … ".
func (p *progress) start(format string, args ...any) {
	p.finishLine()
	fmt.Fprintf(os.Stderr, "[%7s] %s … ", p.elapsed(), fmt.Sprintf(format, args...))
	p.open = true
}

// done ends the line start began with the run's result.
func (p *progress) done(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	p.open = false
}

// note prints a line of its own.
func (p *progress) note(format string, args ...any) {
	p.finishLine()
	fmt.Fprintf(os.Stderr, "[%7s] %s\n", p.elapsed(), fmt.Sprintf(format, args...))
}

// finishLine ends a start line left open.
func (p *progress) finishLine() {
	if p.open {
		fmt.Fprintln(os.Stderr)
		p.open = false
	}
}

// elapsed is the time since the benchmark began, to the second.
func (p *progress) elapsed() string {
	return time.Since(p.began).Round(time.Second).String()
}
