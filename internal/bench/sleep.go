// This file is the sleep benchmark: 100,000 sleeps of 10 ms at concurrency
// c, c workers each sleeping 100,000/c times in a row, by every
// implementation in a fresh process per run. Our loop, goroutines and OS
// threads are stage4-tasks' own BenchmarkSleep (bench_test.go), run from
// its test binary one sub-benchmark at a time; Node and Python run the
// scripts in peers/.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// The workload, as stage4-tasks/bench_test.go fixes it (benchSleeps,
// benchSleep): the peers are given the same numbers.
const (
	sleepTotal = 100_000
	sleepEach  = 10 * time.Millisecond
)

// maxThreadsC is the largest c OS threads are run at: bench_test.go stops
// there (Go allows a program 10,000 threads).
const maxThreadsC = 1_000

// minFloorC is the smallest c the floor is run at, as bench_test.go does:
// below it, the floor's time is time.Sleep's lateness over hundreds of
// rounds, not the coroutines'.
const minFloorC = 10_000

// sleepImpl is one column of the sleep table.
type sleepImpl struct {
	name    string
	floor   bool   // a floor under our loop, not a peer: in the table, not in the chart
	minC    int    // the smallest c it runs at; 0 for any
	maxC    int    // the largest c it runs at; 0 for any
	missing string // why the column is skipped, "" when it runs
	cmd     func(c int, limit time.Duration) child
	parse   func(stdout []byte) (float64, error)
}

// sleepImpls are the columns, in the order they are printed.
func (s *setup) sleepImpls() []sleepImpl {
	test := func(impl string) func(int, time.Duration) child {
		return func(c int, limit time.Duration) child {
			return child{path: filepath.Join(s.bin, stageTest), dir: filepath.Join(s.root, "stage4-tasks"), limit: limit,
				args: []string{"-test.run", "^$", "-test.benchtime", "1x",
					"-test.bench", fmt.Sprintf("^BenchmarkSleep$/^impl=%s$/^c=%d$", impl, c)}}
		}
	}
	script := func(p peer, file string) func(int, time.Duration) child {
		return func(c int, limit time.Duration) child {
			return child{path: p.path, limit: limit, args: []string{filepath.Join(s.root, "internal", "bench", "peers", file),
				strconv.Itoa(c), strconv.Itoa(sleepTotal), strconv.Itoa(int(sleepEach / time.Millisecond))}}
		}
	}
	return []sleepImpl{
		{name: "our loop", cmd: test("loop"), parse: parseBenchLine},
		{name: "floor: bare coroutines", floor: true, minC: minFloorC, cmd: test("coroutines"), parse: parseBenchLine},
		{name: "goroutines", cmd: test("goroutines"), parse: parseBenchLine},
		{name: "OS threads", maxC: maxThreadsC, cmd: test("threads"), parse: parseBenchLine},
		{name: s.nodeName(), missing: s.node.missing, cmd: script(s.node, "sleep.js"), parse: parseSecondsJSON},
		{name: s.pythonName(), missing: s.python.missing, cmd: script(s.python, "sleep.py"), parse: parseSecondsJSON},
	}
}

// benchLine finds the time of one benchmark iteration in go test's
// output: "BenchmarkSleep/impl=loop/c=100-2   1   10090123456 ns/op ...".
var benchLine = regexp.MustCompile(`(?m)^BenchmarkSleep/\S+\s+1\s+([0-9.]+) ns/op`)

// parseBenchLine reads the seconds of the one iteration -benchtime 1x runs.
func parseBenchLine(stdout []byte) (float64, error) {
	m := benchLine.FindSubmatch(stdout)
	if m == nil {
		return 0, fmt.Errorf("no benchmark line in the output: %q", lastLine(string(stdout)))
	}
	ns, err := strconv.ParseFloat(string(m[1]), 64)
	return ns / 1e9, err
}

// parseSecondsJSON reads a peer script's {"seconds": …} line.
func parseSecondsJSON(stdout []byte) (float64, error) {
	var out struct {
		Seconds *float64 `json:"seconds"`
	}
	if err := json.Unmarshal([]byte(lastLine(string(stdout))), &out); err != nil || out.Seconds == nil {
		return 0, fmt.Errorf("no {\"seconds\": …} line in the output: %q", lastLine(string(stdout)))
	}
	return *out.Seconds, nil
}

// skipAt says why impl is not run at concurrency c, or "" when it is.
func (impl sleepImpl) skipAt(c int) string {
	switch {
	case impl.missing != "":
		return impl.missing
	case impl.maxC > 0 && c > impl.maxC:
		return fmt.Sprintf("only up to c = %s", formatCount(impl.maxC))
	case c < impl.minC:
		return fmt.Sprintf("only from c = %s", formatCount(impl.minC))
	}
	return ""
}

// sleepResults are the sleep benchmark's cells: by c, by implementation.
type sleepResults struct {
	cs    []int
	impls []sleepImpl
	cells map[int][]result // c → one result per impl, in impls' order
}

// runSleep measures every implementation at every c, runs times each. The
// implementations take turns within each run so that a noisy minute on a
// shared machine spreads over all of them rather than hitting one.
func runSleep(ctx context.Context, s *setup, cs []int, runs int, p *progress) (sleepResults, error) {
	r := sleepResults{cs: cs, impls: s.sleepImpls(), cells: map[int][]result{}}
	for _, c := range cs {
		cells := make([]result, len(r.impls))
		for i, impl := range r.impls {
			cells[i].skipped = impl.skipAt(c)
		}
		ideal := idealSleep(sleepTotal, c, sleepEach)
		for run := 1; run <= runs; run++ {
			for i, impl := range r.impls {
				if cells[i].skipped != "" {
					continue
				}
				p.start("sleep c=%s  %s  run %d/%d", formatCount(c), impl.name, run, runs)
				smp, err := measureSleep(ctx, impl, c, 4*ideal+time.Minute)
				if ctx.Err() != nil {
					return r, ctx.Err()
				}
				if err != nil {
					cells[i].err = err.Error()
					p.done("failed: %v", err)
					continue
				}
				cells[i].samples = append(cells[i].samples, smp)
				p.done("%s s (%s), %s", formatSeconds(smp.seconds), formatRatio(smp.seconds/ideal.Seconds()), formatRSS(smp.rss))
			}
		}
		r.cells[c] = cells
	}
	return r, nil
}

// measureSleep runs one implementation once at concurrency c.
func measureSleep(ctx context.Context, impl sleepImpl, c int, limit time.Duration) (sample, error) {
	e, err := runChild(ctx, impl.cmd(c, limit))
	if err != nil || e.code != 0 {
		return sample{}, fmt.Errorf("%s", e.failure(err))
	}
	secs, err := impl.parse(e.stdout)
	if err != nil {
		return sample{}, err
	}
	return sample{seconds: secs, rss: e.rss}, nil
}

// table is the sleep benchmark as one row per c: the ideal, then each
// implementation's median time, its multiple of the ideal and its median
// peak RSS. A column whose peer is missing is left out, with a note.
func (r sleepResults) table(runs int) table {
	t := table{
		title:  fmt.Sprintf("Sleep benchmark: %s sleeps of %v at concurrency c, seconds (× ideal, peak RSS); %s", formatCount(sleepTotal), formatDuration(sleepEach), medianOf(runs)),
		header: []string{"c", "ideal"},
		right:  []bool{true, true},
	}
	var shown []int
	for i, impl := range r.impls {
		if impl.missing != "" {
			t.notes = append(t.notes, fmt.Sprintf("%s: skipped (%s).", impl.name, impl.missing))
			continue
		}
		shown = append(shown, i)
		t.header = append(t.header, impl.name)
		t.right = append(t.right, true)
	}
	for _, c := range r.cs {
		ideal := idealSleep(sleepTotal, c, sleepEach)
		row := []string{formatCount(c), formatIdeal(ideal)}
		for _, i := range shown {
			cell := r.cells[c][i]
			row = append(row, sleepCell(cell, ideal))
			if cell.err != "" {
				t.notes = append(t.notes, fmt.Sprintf("%s at c = %s: a run failed: %s", r.impls[i].name, formatCount(c), cell.err))
			}
		}
		t.rows = append(t.rows, row)
	}
	t.notes = append(t.notes,
		"ideal = ceil(100,000/c) × 10 ms. Time is the workload's own, timed inside the process (start-up not counted);",
		"peak RSS is the whole process's own (ru_maxrss, or VmHWM where ru_maxrss is the bench's: internal/bench/child.go; our loop, goroutines and OS threads run in stage4-tasks' test binary).",
		"floor: bare coroutines = c iter.Pull coroutines, each yielding once per sleep and resumed 10 ms after it yielded, and no loop:",
		"the least a design with one coroutine per task can take (stage4-tasks/bench_test.go, sleepOnBareCoroutines); run from c = 10,000.")
	return t
}

// sleepCell is "1.016 (1.02×, 9.1 MiB)", "–" for a case not run, or
// "failed".
func sleepCell(cell result, ideal time.Duration) string {
	switch {
	case cell.skipped != "":
		return "–"
	case !cell.measured():
		return "failed"
	}
	secs := cell.seconds()
	return fmt.Sprintf("%s (%s, %s)", formatSeconds(secs), formatRatio(secs/ideal.Seconds()), formatRSS(cell.rss()))
}
