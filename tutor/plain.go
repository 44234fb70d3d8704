// This file holds the plain-text side of the tutor: `tutor run STAGE`,
// which prints the timeline and the explanation of one real run, and the
// walkthrough printed when there is no terminal. Nothing here writes an
// escape code.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/trace"
)

// plainWidth is the width of the plain output.
const plainWidth = 78

// plainRun builds s, runs it against an embedded server and prints what
// happened. ctx cancels the run (Ctrl-C).
func plainRun(ctx context.Context, e env, s stage, opts options, stdout, stderr io.Writer) int {
	srv, err := slowserver.Start(slowserver.Config{Addr: "127.0.0.1:0", Delay: opts.Delay})
	if err != nil {
		fmt.Fprintf(stderr, "tutor: cannot start the slow server: %v\n", err)
		return exitFail
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "loopfromscratch-tutor-")
	if err != nil {
		fmt.Fprintf(stderr, "tutor: %v\n", err)
		return exitFail
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(stdout, "building ./%s …\n", s.Dir)
	began := time.Now()
	bin, err := buildStage(ctx, e.Root, dir, s)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stdout, "cancelled")
			return exitFail
		}
		fmt.Fprintf(stdout, "%s\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "built in %s\n", seconds(time.Since(began)))
	fmt.Fprintf(stdout, "running %s: %d requests to the slow server on %s (every reply takes %s)\n\n", s.Dir, opts.N, srv.Addr(), opts.Delay)

	p, err := startStage(bin, srv.Addr(), opts.N)
	if err != nil {
		fmt.Fprintf(stderr, "tutor: cannot start %s: %v\n", s.Dir, err)
		return exitFail
	}
	running := time.Now()
	stopped := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			p.Stop()
		case <-stopped:
		}
	}()
	var events []trace.Event
	var raw []string
	tl := newTimeline()
	for {
		b, ok := p.Next(256)
		if !ok {
			break
		}
		for _, ev := range b.Events {
			events = append(events, ev)
			tl.Add(ev)
			printOutcome(stdout, ev)
		}
		for _, line := range b.Raw {
			raw = append(raw, line)
			fmt.Fprintf(stdout, "  | %s\n", line)
		}
	}
	wall := time.Since(running)
	close(stopped)
	<-watched
	code, err := p.ExitCode()
	if err != nil {
		fmt.Fprintf(stderr, "tutor: %s: %v\n", s.Dir, err)
	}
	o := judge(runFacts{
		Stage: s.Dir, N: opts.N, Events: events, Raw: raw, Code: code,
		Cancelled: ctx.Err() != nil, Cause: stoppedBy(ctx), Wall: wall,
	})

	fmt.Fprintln(stdout)
	printTimeline(stdout, tl, max(tl.NowUS, o.Elapsed.Microseconds()))
	fmt.Fprintln(stdout)
	if !o.Explained() {
		printParagraphs(stdout, "What happened", o.Lines())
		if opts.SVG != "" {
			fmt.Fprintf(stdout, "\n-svg %s not written: the run did not finish\n", opts.SVG)
		}
		return exitFail
	}
	printParagraphs(stdout, "What happened", explain(events, s.Story).Lines())
	if code != 0 {
		fmt.Fprintf(stdout, "\n%s exited with status %d\n", s.Dir, code)
	}
	if opts.SVG != "" {
		if err := writeSVGFile(opts.SVG, tl, s, events); err != nil {
			fmt.Fprintf(stderr, "tutor: -svg: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", opts.SVG)
	}
	markRun(s)
	if code != 0 {
		return exitFail
	}
	return exitOK
}

// printOutcome prints a line when a request ends, as the stage does.
func printOutcome(w io.Writer, ev trace.Event) {
	switch ev.Ev {
	case trace.Response:
		fmt.Fprintf(w, "%7.2fs  request %d answered: %s\n", usDuration(ev.TUS).Seconds(), ev.Req, ev.Text)
	case trace.Error:
		fmt.Fprintf(w, "%7.2fs  request %d failed: %s\n", usDuration(ev.TUS).Seconds(), ev.Req, ev.Err)
	}
}

// printTimeline draws the waterfall up to nowUS µs after the start.
func printTimeline(w io.Writer, tl *timeline, nowUS int64) {
	g := asciiGlyphs
	fmt.Fprintf(w, "Timeline (%s connecting  %s sent  %s waiting  %s answered  %s failed)\n", g.Connecting, g.Sent, g.Waiting, g.Answered, g.Failed)
	barWidth := plainWidth - 22
	for _, line := range waterfallLines(tl, barWidth, nowUS, g, noPaint) {
		fmt.Fprintln(w, line)
	}
	axis := axisLines(tl, barWidth, nowUS, g)
	fmt.Fprintln(w, axis[0])
	fmt.Fprintln(w, axis[1])
}

// printParagraphs prints a title and its paragraphs, wrapped.
func printParagraphs(w io.Writer, title string, paras []string) {
	fmt.Fprintln(w, title)
	for _, para := range paras {
		for _, line := range wrap(para, plainWidth-2, "  ") {
			fmt.Fprintln(w, "  "+line)
		}
	}
}

func writeSVGFile(path string, tl *timeline, s stage, events []trace.Event) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	x := explain(events, s.Story)
	title := fmt.Sprintf("%s: %d requests in %s", s.Dir, len(tl.Rows), seconds(x.Elapsed))
	if err := writeSVG(f, tl, title); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// markRun records that s was run; progress is a convenience, so a failure
// to save it is not worth failing the run for.
func markRun(s stage) {
	path, err := progressPath()
	if err != nil {
		return
	}
	p, err := loadProgress(path)
	if err != nil {
		return
	}
	_ = saveProgress(path, p.with(s.Dir, func(sp *stageProgress) { sp.Run = true }))
}

// walkthrough is what the tutor prints when it has no terminal to draw on.
func walkthrough(e env, w io.Writer) int {
	p := progress{}
	if path, err := progressPath(); err == nil {
		p, _ = loadProgress(path)
	}
	fmt.Fprintln(w, "Loop from Scratch: an event loop rebuilt in stages.")
	fmt.Fprintln(w, "(No terminal to draw on, so here is the plain walkthrough.)")
	fmt.Fprintln(w)
	if len(e.Stages) == 0 {
		fmt.Fprintln(w, "No stages found yet (folders named stage<N>-<name> with a doc.go).")
	}
	for _, s := range e.Stages {
		fmt.Fprintf(w, "%s  %s\n", s.Title(), marks(p[s.Dir]))
		for _, line := range wrap(s.Summary, plainWidth-4, "") {
			fmt.Fprintln(w, "    "+line)
		}
		fmt.Fprintf(w, "    lesson: docs/%s.md\n", s.Dir)
		fmt.Fprintf(w, "    run it: go run ./tutor run %d    (or by hand: go run ./%s)\n\n", s.Num, s.Dir)
	}
	fmt.Fprintln(w, "In a terminal, go run ./tutor draws each run live; go run ./tutor docs serves the lessons in a browser.")
	return exitOK
}

// marks shows a stage's progress as text.
func marks(sp stageProgress) string {
	read, run := "[ ] read", "[ ] run"
	if sp.Read {
		read = "[x] read"
	}
	if sp.Run {
		run = "[x] run"
	}
	return read + "  " + run
}
