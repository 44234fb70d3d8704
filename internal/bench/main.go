// Command bench measures stage 4 against its peers, side by side, in one
// go, and prints one report naming the machine: the sleep benchmark
// (100,000 sleeps of 10 ms at concurrency c) for our loop, goroutines, OS
// threads, Node and Python asyncio, beside the floor of bare coroutines
// under our loop; 10,000 connections to the slow server
// at 1 s delay for stage 4, goroutines, Node and Python; and stage 4 alone
// at the open-file limit. Every run is a fresh process; each case reports
// the median of its runs. Issue 12 sets the targets; DESIGN.md lists them.
//
//	go run ./internal/bench                       # everything, about 5 minutes on 2 cores
//	go run ./internal/bench -quick                # small sizes, about a minute
//	go run ./internal/bench -only sleep -runs 5
//	go run ./internal/bench -md -svg docs/img/sleep-benchmark.svg
//
// Progress goes to stderr, the report to stdout. Node and Python are
// optional: a missing one is skipped with a line saying so. Ctrl-C kills
// whatever is running and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// options are the command's flags.
type options struct {
	quick bool
	runs  int
	only  string // "", "sleep", "conns" or "fdlimit"
	svg   string // where to write the sleep chart; "" for nowhere
	md    bool
}

// sizes are the cases one invocation runs.
type sizes struct {
	sleepCs []int     // concurrencies of the sleep benchmark
	conns   connsCase // the side-by-side connections case
	fdLimit connsCase // stage 4 alone, as many connections as fit
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout))
}

// run is the whole command; it returns the exit code: 0, 1 when the
// benchmark could not run, 2 for bad flags, 130 after Ctrl-C.
func run(args []string, stdout io.Writer) int {
	opts, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v (see -h)\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = benchmark(ctx, opts, stdout)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(os.Stderr, "\nbench: interrupted; every child process was killed")
		return 130
	case err != nil:
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

// parseFlags reads the flags and checks them.
func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.BoolVar(&o.quick, "quick", false, "small sizes and one run each, about a minute: for trying it out")
	fs.IntVar(&o.runs, "runs", 3, "fresh-process runs per case; the table shows their median (default 1 with -quick)")
	fs.StringVar(&o.only, "only", "", "run one benchmark: sleep, conns (both connection tables) or fdlimit")
	fs.StringVar(&o.svg, "svg", "", "write the sleep benchmark's chart to `file` (e.g. docs/img/sleep-benchmark.svg)")
	fs.BoolVar(&o.md, "md", false, "print the tables as Markdown, for docs/performance.md")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	runsSet := false
	fs.Visit(func(f *flag.Flag) { runsSet = runsSet || f.Name == "runs" })
	if o.quick && !runsSet {
		o.runs = 1
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.runs < 1 || o.runs > 100:
		return o, fmt.Errorf("-runs %d: want 1 to 100", o.runs)
	case o.only != "" && o.only != "sleep" && o.only != "conns" && o.only != "fdlimit":
		return o, fmt.Errorf("-only %q: want sleep, conns or fdlimit", o.only)
	case o.svg != "" && o.only != "" && o.only != "sleep":
		return o, fmt.Errorf("-svg draws the sleep benchmark, which -only %s leaves out", o.only)
	}
	return o, nil
}

// chooseSizes is the full workload, or the -quick one. The sleep
// benchmark's total is fixed by stage4-tasks/bench_test.go, so -quick
// drops c = 100 (10 s a run) rather than shrinking it.
func chooseSizes(quick bool) sizes {
	if quick {
		return sizes{
			sleepCs: []int{1_000, 10_000, 100_000},
			conns:   connsCase{n: 1_000, delay: time.Second},
			fdLimit: connsCase{n: 3_000, delay: time.Second},
		}
	}
	return sizes{
		sleepCs: []int{100, 1_000, 10_000, 100_000},
		conns:   connsCase{n: 10_000, delay: time.Second},
		fdLimit: connsCase{n: fdLimitConns(), delay: 3 * time.Second},
	}
}

// fdLimitConns is as many connections as one process may hold open, less a
// thousand for everything else (the hard RLIMIT_NOFILE, which the stage and
// the server raise their soft limit to): 19,000 under a limit of 20,000.
func fdLimitConns() int {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Max > 1<<20 {
		return 19_000
	}
	return max(int(lim.Max)/1000*1000-1000, 1000)
}

// benchmark builds what it needs, runs the chosen benchmarks and prints
// the report.
func benchmark(ctx context.Context, o options, stdout io.Writer) error {
	p := &progress{began: time.Now()}
	want := func(name string) bool {
		return o.only == "" || o.only == name || (o.only == "conns" && name == "fdlimit")
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	bin, err := os.MkdirTemp("", "loop-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	s := &setup{root: root, bin: bin}
	p.note("building stage4-tasks, its test binary, slowserver, goclient and floorclient")
	if err := s.build(ctx, want("sleep"), want("conns") || want("fdlimit")); err != nil {
		return err
	}
	s.node = findPeer(ctx, "node", "")
	s.python = findPeer(ctx, "python3", "Python ")
	for _, pr := range []peer{s.node, s.python} {
		if pr.missing != "" {
			p.note("skipping: %s", pr.missing)
		}
	}
	sz := chooseSizes(o.quick)
	var tables []table
	var sleep *sleepResults
	if want("sleep") {
		r, err := runSleep(ctx, s, sz.sleepCs, o.runs, p)
		if err != nil {
			return err
		}
		sleep = &r
		tables = append(tables, r.table(o.runs))
	}
	if want("conns") {
		r, err := runConns(ctx, s, sz.conns, s.connsClients(), o.runs, p)
		if err != nil {
			return err
		}
		tables = append(tables, r.table(o.runs))
	}
	if want("fdlimit") {
		r, err := runConns(ctx, s, sz.fdLimit, s.connsClients()[:1], o.runs, p)
		if err != nil {
			return err
		}
		tables = append(tables, r.fdTable(o.runs))
	}
	p.note("done in %s", p.elapsed())

	report(stdout, s.machineLine(), o, tables)
	if sleep != nil && o.svg != "" {
		if err := writeChartFile(o.svg, sleep.sleepChart(s.machineLine(), o.runs)); err != nil {
			return err
		}
		p.note("wrote %s", o.svg)
	}
	return nil
}

// report prints the machine line and every table.
func report(w io.Writer, machine string, o options, tables []table) {
	when := time.Now().Format("2006-01-02")
	if o.md {
		fmt.Fprintf(w, "%s. Measured %s, a fresh process per run, %s.\n\n", machine, when, medianOf(o.runs))
	} else {
		fmt.Fprintf(w, "%s\nMeasured %s, a fresh process per run, %s.\n\n", machine, when, medianOf(o.runs))
	}
	for _, t := range tables {
		t.write(w, o.md)
	}
}

// writeChartFile writes the chart to path, replacing it whole: into a
// temporary file beside it first, renamed over it once complete.
func writeChartFile(path string, ch chart) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = writeSVG(f, ch)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
