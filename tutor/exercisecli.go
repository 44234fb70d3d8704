// This file is `tutor exercise`: the workbook without a terminal. Each
// subcommand is one call into internal/exercise, printed as plain lines:
// list, start, check, hint, solution, reset and restore, and reset --all
// and restore --all for a workshop room.

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/loopfromscratch/loop/internal/exercise"
)

const exerciseUsage = `Usage: go run ./tutor exercise COMMAND [ID]

  list              every exercise, its id first, with where you stand, by stage
  start ID          write the stub in place and say which file and line to open
  check [ID]        run the stage's tests (every started exercise without ID);
                    exits 1 while one fails
  hint ID           the next hint (three in all; the last one again after that)
  solution ID       the reference as a diff against your code; before you pass,
                    asks first (-yes skips the question)
  reset ID          write the stub again (your code is kept in a backup)
  restore ID        put the reference back, byte for byte
  reset -all        reset every started exercise (a workshop room, between exercises)
  restore -all      restore every started exercise (the repository as checked out)
`

// exerciseIn is where `exercise solution` reads its y/n answer; tests
// replace it.
var exerciseIn io.Reader = os.Stdin

// exerciseCommand is `tutor exercise …`.
func exerciseCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tutor exercise", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), exerciseUsage) }
	all := fs.Bool("all", false, "reset or restore every started exercise")
	yes := fs.Bool("yes", false, "show a solution without asking")
	// Flags may come before or after the command and its id.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		words, args = append(words, fs.Arg(0)), fs.Args()[1:]
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "tutor exercise: "+format+"\n", a...)
		return exitUsage
	}
	if len(words) == 0 {
		return usageErr("which command? list, start, check, hint, solution, reset or restore (go run ./tutor exercise -help)")
	}
	cmd, ids := words[0], words[1:]
	switch cmd {
	case "list", "start", "check", "hint", "solution", "reset", "restore":
	default:
		return usageErr("unknown command %q: want list, start, check, hint, solution, reset or restore", cmd)
	}
	switch {
	case *all && cmd != "reset" && cmd != "restore":
		return usageErr("-all goes with reset or restore, not %s", cmd)
	case *all && len(ids) > 0:
		return usageErr("%s -all takes no id", cmd)
	case *yes && cmd != "solution":
		return usageErr("-yes goes with solution, not %s", cmd)
	case cmd == "list" && len(ids) > 0:
		return usageErr("list takes no id")
	case cmd == "check" && len(ids) > 1:
		return usageErr("check takes one id, or none for every started exercise")
	case cmd != "list" && cmd != "check" && !*all && len(ids) != 1:
		return usageErr("%s takes one exercise id (go run ./tutor exercise %s s1-select)", cmd, cmd)
	}

	e, err := loadEnv()
	if err != nil {
		fmt.Fprintf(stderr, "tutor: %v\n", err)
		return exitFail
	}
	wb, err := exercise.Open(e.Root)
	if err != nil {
		fmt.Fprintf(stderr, "tutor exercise: the workbook: %v\n", err)
		return exitFail
	}
	id := ""
	if len(ids) == 1 {
		id = ids[0]
		if _, err := wb.Exercise(id); err != nil {
			return usageErr("%v", err)
		}
	}
	c := exerciseCLI{wb: wb, env: e, out: stdout, errOut: stderr}
	switch {
	case cmd == "list":
		return c.list()
	case cmd == "start":
		return c.start(id)
	case cmd == "check":
		return c.check(id)
	case cmd == "hint":
		return c.hint(id)
	case cmd == "solution":
		return c.solution(id, *yes)
	case *all:
		return c.everyStarted(cmd)
	}
	return c.resetOrRestore(cmd, id)
}

// exerciseCLI is one `tutor exercise` command's workbook and output.
type exerciseCLI struct {
	wb     *exercise.Workbook
	env    env
	out    io.Writer
	errOut io.Writer
}

// fail prints an error from the workbook and returns exitFail.
func (c exerciseCLI) fail(err error) int {
	fmt.Fprintf(c.errOut, "tutor exercise: %v\n", err)
	return exitFail
}

func (c exerciseCLI) list() int {
	entries, err := c.wb.List()
	if err != nil {
		return c.fail(err)
	}
	width := 0
	for _, en := range entries {
		width = max(width, len(en.ID))
	}
	group, passed := "", 0
	for _, en := range entries {
		if g := exerciseGroup(en.Exercise, c.env.Stages); g != group {
			if group != "" {
				fmt.Fprintln(c.out)
			}
			fmt.Fprintln(c.out, g)
			group = g
		}
		hints := ""
		if en.Hints > 0 {
			hints = fmt.Sprintf("  (hints %d/%d)", en.Hints, len(en.Exercise.Hints))
		}
		fmt.Fprintf(c.out, "%-*s  %-11s  %s%s\n", width, en.ID, en.Status, en.Title, hints)
		if en.Status == exercise.Passed {
			passed++
		}
	}
	fmt.Fprintf(c.out, "\n%d of %d passed · go run ./tutor exercise start ID begins one\n", passed, len(entries))
	return exitOK
}

func (c exerciseCLI) start(id string) int {
	st, err := c.wb.Start(id)
	if err != nil {
		return c.fail(err)
	}
	ex, _ := c.wb.Exercise(id)
	if st.Already {
		fmt.Fprintf(c.out, "%s is started already: %s:%d (reset writes the stub again)\n", id, st.File, st.Line)
		return exitOK
	}
	fmt.Fprintf(c.out, "started %s — %s\nopen %s:%d and write %s\n", id, ex.Title, st.File, st.Line, strings.Join(ex.Functions, ", "))
	for _, l := range wrap(plainMarkdown(ex.Write), 76, "  ") {
		fmt.Fprintln(c.out, "  "+strings.TrimLeft(l, " "))
	}
	fmt.Fprintf(c.out, "then: go run ./tutor exercise check %s (or go test ./%s); hint %s when stuck\n", id, ex.Stage(), id)
	if st.Warning != "" {
		fmt.Fprintln(c.errOut, "note: "+st.Warning)
	}
	return exitOK
}

// check runs the judge, saying what it runs while it runs: go test takes
// seconds, and up to the limit.
func (c exerciseCLI) check(id string) int {
	ctx, stop := notifyStop(context.Background())
	defer stop()
	what := "the started exercises"
	if id != "" {
		ex, _ := c.wb.Exercise(id)
		what = id + " (go test ./" + ex.Stage() + ")"
	}
	done := c.progress("checking " + what)
	var results []exercise.Result
	var err error
	if id != "" {
		var r exercise.Result
		r, err = c.wb.Check(ctx, id)
		results = []exercise.Result{r}
	} else {
		results, err = c.wb.CheckStarted(ctx)
	}
	done()
	if ctx.Err() != nil {
		fmt.Fprintf(c.errOut, "tutor exercise: check %s\n", stoppedBy(ctx))
		return exitFail
	}
	if err != nil {
		return c.fail(err)
	}
	if len(results) == 0 {
		fmt.Fprintln(c.out, "no exercise is started: go run ./tutor exercise start ID begins one")
		return exitOK
	}
	code := exitOK
	for _, r := range results {
		fmt.Fprintf(c.out, "%s (%s)\n", r, seconds(r.Elapsed))
		if r.Verdict != exercise.Pass {
			code = exitFail
		}
	}
	return code
}

// progress says on stderr what is running; on a terminal it counts the
// seconds until done is called.
func (c exerciseCLI) progress(what string) (done func()) {
	limit := c.wb.Limit.Round(time.Second)
	f, ok := c.errOut.(*os.File)
	if !ok || !isTerminal(f) {
		fmt.Fprintf(c.errOut, "%s… (up to %s)\n", what, limit)
		return func() {}
	}
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		began := time.Now()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			fmt.Fprintf(f, "\r%s… %ds (up to %s)", what, int(time.Since(began).Seconds()), limit)
			select {
			case <-stop:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(stop); <-finished }
}

func (c exerciseCLI) hint(id string) int {
	ex, _ := c.wb.Exercise(id)
	n, h, err := c.wb.NextHint(id)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.out, "hint %d of %d for %s:\n", n, len(ex.Hints), id)
	for _, l := range wrap(plainMarkdown(h), 76, "  ") {
		fmt.Fprintln(c.out, "  "+strings.TrimLeft(l, " "))
	}
	if n == len(ex.Hints) {
		fmt.Fprintf(c.out, "that was the last hint; go run ./tutor exercise solution %s shows the reference\n", id)
	}
	return exitOK
}

// solution shows the diff once the exercise passed or every hint was
// shown; before that it asks (or wants -yes).
func (c exerciseCLI) solution(id string, yes bool) int {
	entry, err := c.entry(id)
	if err != nil {
		return c.fail(err)
	}
	if !yes && entry.Status != exercise.Passed && entry.Hints < len(entry.Exercise.Hints) {
		question := fmt.Sprintf("%s has not passed yet and %d of %d hints were shown. Show the solution anyway? [y/N] ",
			id, entry.Hints, len(entry.Exercise.Hints))
		f, ok := exerciseIn.(*os.File)
		if !ok || !isTerminal(f) {
			fmt.Fprintf(c.errOut, "tutor exercise: %s has not passed yet: add -yes to see the solution anyway (or try go run ./tutor exercise hint %s)\n", id, id)
			return exitUsage
		}
		fmt.Fprint(c.errOut, question)
		answer, _ := bufio.NewReader(exerciseIn).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(c.errOut, "not shown")
			return exitOK
		}
	}
	diff, err := c.wb.Solution(id)
	if err != nil {
		return c.fail(err)
	}
	if diff == "" {
		fmt.Fprintf(c.out, "%s: your code is the reference (nothing to show; an exercise not started has its reference in place, in %s)\n", id, entry.File)
		return exitOK
	}
	fmt.Fprint(c.out, diff)
	return exitOK
}

func (c exerciseCLI) entry(id string) (exercise.Entry, error) {
	entries, err := c.wb.List()
	if err != nil {
		return exercise.Entry{}, err
	}
	for _, e := range entries {
		if e.ID == id {
			return e, nil
		}
	}
	return exercise.Entry{}, fmt.Errorf("no exercise %q", id)
}

func (c exerciseCLI) resetOrRestore(cmd, id string) int {
	ex, _ := c.wb.Exercise(id)
	if cmd == "reset" {
		if err := c.wb.Reset(id); err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.out, "%s: the stub is back in %s (what you wrote there is kept in %s/backup)\n", id, ex.File, c.wb.Dir)
		return exitOK
	}
	if err := c.wb.Restore(id); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.out, "%s: the reference is back in %s, byte for byte (what you wrote there is kept in %s/backup)\n", id, ex.File, c.wb.Dir)
	return exitOK
}

// everyStarted is reset -all and restore -all.
func (c exerciseCLI) everyStarted(cmd string) int {
	op, done := c.wb.ResetAll, "the stub is back in"
	if cmd == "restore" {
		op, done = c.wb.RestoreAll, "the reference is back in"
	}
	ids, err := op()
	for _, id := range ids {
		ex, _ := c.wb.Exercise(id)
		fmt.Fprintf(c.out, "%s: %s %s\n", id, done, ex.File)
	}
	if err != nil {
		return c.fail(err)
	}
	if len(ids) == 0 {
		fmt.Fprintln(c.out, "no exercise is started: nothing to "+cmd)
	}
	return exitOK
}

// exerciseGroup is the heading an exercise is listed under: its stage's
// title, or "Capstone".
func exerciseGroup(ex exercise.Exercise, stages []stage) string {
	if strings.HasPrefix(ex.ID, "cap-") {
		return "Capstone"
	}
	for _, s := range stages {
		if s.Dir == ex.Stage() {
			return s.Title()
		}
	}
	return ex.Stage()
}

// plainMarkdown is the catalogue's inline Markdown as plain text: code
// spans and emphasis lose their marks.
func plainMarkdown(s string) string {
	return strings.NewReplacer("`", "", "**", "").Replace(s)
}
