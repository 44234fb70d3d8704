// This file holds the run screen: a stage built and run live, drawn as a
// waterfall (one row per request on a shared time axis) with the loop's
// own events in a pane beside it, counters and a clock above, and after the
// run the explanation computed from its trace.

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/loopfromscratch/loop/internal/trace"
)

// runState is where a run is. Runs begin building, then run, and end in
// one of the last four states, which are terminal.
type runState int

const (
	runBuilding    runState = iota // go build is compiling the stage
	runRunning                     // the stage process is running
	runCancelling                  // Ctrl-C: the process group is being killed
	runFinished                    // the stage exited by itself
	runCancelled                   // stopped by the learner
	runBuildFailed                 // the stage does not compile
	runStartFailed                 // the binary would not start
)

// String is the state as the run screen names it.
func (s runState) String() string {
	return [...]string{"building", "running", "stopping", "finished", "cancelled", "does not build", "did not start"}[s]
}

func (s runState) over() bool { return s >= runFinished }

// runModel is the run screen for one run of one stage.
type runModel struct {
	id      int // distinguishes this run's messages from an older run's
	stage   stage
	index   int // the stage's index
	state   runState
	spinner spinner.Model
	build   *buildJob // the go build of this run; nil in tests that replay a trace
	proc    *stageProc
	started time.Time // when the process started, for the live clock
	clockUS int64     // the clock: µs since the stage started
	tl      *timeline
	events  []trace.Event
	raw     []string // stderr lines that were not events (a panic…)
	failure string   // the compiler's or the system's message
	code    int      // the exit code once finished
	expl    *explanation
	outcome *outcome // how the stage process ended; nil until it has
	scroll  int      // first body line shown
}

func newRun(id int, s stage, index int) runModel {
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	return runModel{id: id, stage: s, index: index, spinner: sp, tl: newTimeline()}
}

// building is the run's go build while it may still be running (building,
// or cancelled while building and not yet gone), else nil.
func (r runModel) building() *buildJob {
	if r.build == nil || r.proc != nil || r.state.over() {
		return nil
	}
	return r.build
}

// cancelledBuilding says the run was cancelled before its stage started.
func (r runModel) cancelledBuilding() bool {
	return r.state == runCancelled && r.proc == nil && r.outcome == nil
}

func (r runModel) title() string {
	return r.stage.Title() + " · run"
}

func (r runModel) keyMap() keyMap {
	if r.state == runRunning || r.state == runBuilding {
		return keyMap{
			short: []key.Binding{global.Interrupt, keys.Down, keys.Up, global.Back, global.Help},
			full:  [][]key.Binding{scrollKeys(), {global.Interrupt, global.Back}, {global.Help, global.Quit}},
		}
	}
	return keyMap{
		short: []key.Binding{keys.Down, keys.Up, keys.Run, keys.Compare, keys.Lesson, global.Back, global.Quit},
		full:  [][]key.Binding{scrollKeys(), {keys.Run, keys.Compare, keys.Lesson, global.Back}, {global.Help, global.Quit}},
	}
}

func (r runModel) handleKey(msg tea.KeyMsg, bodyHeight int) (runModel, tea.Cmd) {
	switch {
	case key.Matches(msg, keys.Up):
		r.scroll--
	case key.Matches(msg, keys.Down):
		r.scroll++
	case key.Matches(msg, keys.PageUp):
		r.scroll -= max(bodyHeight-1, 1)
	case key.Matches(msg, keys.PageDown):
		r.scroll += max(bodyHeight-1, 1)
	case key.Matches(msg, keys.Top):
		r.scroll = 0
	case key.Matches(msg, keys.Bottom):
		r.scroll = 1 << 30
	case !r.state.over():
		return r, nil
	case key.Matches(msg, keys.Run):
		return r, chooseCmd(runChosenMsg{Stage: r.index})
	case key.Matches(msg, keys.Compare):
		return r, chooseCmd(compareChosenMsg{})
	case key.Matches(msg, keys.Lesson):
		return r, chooseCmd(lessonChosenMsg{File: r.stage.Dir + ".md"})
	}
	r.scroll = max(r.scroll, 0)
	return r, nil
}

// addEvents applies a batch of the trace.
func (r runModel) addEvents(events []trace.Event, raw []string) runModel {
	for _, e := range events {
		r.tl.Add(e)
	}
	r.events = append(r.events, events...)
	r.raw = append(r.raw, raw...)
	r.clockUS = max(r.clockUS, r.tl.NowUS)
	return r
}

// finish ends the run: o says how; the explanation is computed from what
// was traced, and shown only if the run finished.
func (r runModel) finish(state runState, code int, o outcome) runModel {
	r.state, r.code, r.outcome = state, code, &o
	if !o.Explained() {
		// The tutor's clock: a cancelled or crashed run has no measure of
		// its own, and its last event may be long before it stopped.
		r.clockUS = o.Elapsed.Microseconds()
	}
	if len(r.events) > 0 && o.Explained() {
		x := explain(r.events, r.stage.Story)
		r.expl = &x
		r.clockUS = max(r.clockUS, r.tl.NowUS)
		if r.tl.Elapsed > 0 {
			// The stage's own measure of the run, which the explanation uses.
			r.clockUS = r.tl.Elapsed.Microseconds()
		}
	}
	return r
}

// header is the line with the state, the clock and the counters.
func (r runModel) header(width int) string {
	var state string
	switch r.state {
	case runBuilding:
		state = r.spinner.View() + " building ./" + r.stage.Dir + " …"
	case runRunning:
		state = r.spinner.View() + " running"
	case runCancelling:
		state = warnStyle.Render("stopping…")
	case runFinished:
		state = doneStyle.Render("finished")
		switch {
		case r.outcome != nil && r.outcome.End != endFinished:
			state = errorStyle.Render(fmt.Sprintf("%s (exit status %d)", r.outcome.End, r.code))
		case r.code != 0:
			state = errorStyle.Render(fmt.Sprintf("finished (exit status %d)", r.code))
		}
	case runCancelled:
		state = warnStyle.Render("cancelled")
		if r.cancelledBuilding() {
			return warnStyle.Render("cancelled while building")
		}
	default:
		state = errorStyle.Render(r.state.String())
	}
	if r.state == runBuilding || r.state == runBuildFailed || r.state == runStartFailed {
		return state
	}
	c, w, a, f := r.tl.Counts()
	format := "%s  ⏱ %s   connecting %d · waiting %d · %s · %s · wake-ups %d"
	if width < 100 {
		format = "%s ⏱ %s  conn %d · wait %d · %s · %s · wake-ups %d"
	}
	return fmt.Sprintf(format, state, seconds(usDuration(r.clockUS)), c, w,
		doneStyle.Render(fmt.Sprintf("answered %d", a)), failedCount(f), r.tl.WakeUps)
}

func failedCount(f int) string {
	s := fmt.Sprintf("failed %d", f)
	if f > 0 {
		return errorStyle.Render(s)
	}
	return s
}

// bodyLines draws everything under the header, before scrolling.
func (r runModel) bodyLines(width int) []string {
	var lines []string
	switch r.state {
	case runBuilding:
		return []string{"", dimStyle.Render("go build ./" + r.stage.Dir + " (the stage as it is on disk, with your edits)")}
	case runBuildFailed:
		return failureLines("go build ./"+r.stage.Dir+" failed:", r.failure, "Fix it in your editor, then press r to build and run again.", width)
	case runStartFailed:
		return failureLines("./"+r.stage.Dir+" was built but could not start:", r.failure, "Press r to build and run it again.", width)
	}
	if r.cancelledBuilding() {
		lines := []string{""}
		for _, l := range wrap("Cancelled while building: go build and the compilers it started were stopped; nothing ran.", width-2, "") {
			lines = append(lines, warnStyle.Render(l))
		}
		return append(lines, "", dimStyle.Render("Press r to build and run it again."))
	}

	paneW := 0
	if width >= 70 {
		paneW = max(width*42/100, 30)
	}
	leftW := width - paneW
	barW := max(leftW-6-16, 10)
	left := waterfallLines(r.tl, barW, r.clockUS, unicodeGlyphs, paintPhase)
	axis := axisLines(r.tl, barW, r.clockUS, unicodeGlyphs)
	left = append(left, dimStyle.Render(axis[0]), dimStyle.Render(axis[1]))
	legend := fmt.Sprintf("%s connecting %s sent %s waiting %s answered %s failed",
		paintPhase(phaseConnecting, unicodeGlyphs.Connecting), paintPhase(phaseSent, unicodeGlyphs.Sent),
		paintPhase(phaseWaiting, unicodeGlyphs.Waiting), paintPhase(phaseAnswered, unicodeGlyphs.Answered),
		paintPhase(phaseFailed, unicodeGlyphs.Failed))
	left = append([]string{legend}, left...)
	for i := range left {
		left[i] = truncate(left[i], leftW-1)
	}
	block := strings.Join(left, "\n")
	if paneW > 0 {
		pane := r.logPane(paneW-2, len(left))
		block = lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(leftW).Render(block), paneStyle.Render(pane))
	}
	lines = append(lines, "")
	lines = append(lines, strings.Split(block, "\n")...)

	if len(r.raw) > 0 {
		lines = append(lines, "", errorStyle.Render("The stage printed (not trace events):"))
		shown := r.raw[max(0, len(r.raw)-30):]
		for _, l := range shown {
			lines = append(lines, "  "+truncate(l, width-2))
		}
	}
	if r.outcome != nil && !r.outcome.Explained() {
		style := errorStyle
		if r.outcome.End == endCancelled {
			style = warnStyle
		}
		lines = append(lines, "", titleStyle.Render("What happened"))
		for i, para := range r.outcome.Lines() {
			for _, l := range wrap(para, width-4, "  ") {
				if i == 0 {
					l = style.Render(l)
				}
				lines = append(lines, "  "+l)
			}
		}
		lines = append(lines, "", dimStyle.Render("r runs it again · l opens the lesson"))
		return lines
	}
	if r.expl != nil {
		lines = append(lines, "", titleStyle.Render("What happened"))
		for _, para := range r.expl.Lines() {
			for _, l := range wrap(para, width-4, "  ") {
				lines = append(lines, "  "+l)
			}
		}
		lines = append(lines, "", dimStyle.Render("r runs it again · c compares your runs · l opens the lesson"))
	}
	return lines
}

// failureLines shows why a run did not get going: what failed, the
// message in a box, and what to do next.
func failureLines(what, message, next string, width int) []string {
	lines := []string{"", errorStyle.Render(what), ""}
	box := errorBox.Width(max(width-4, 20)).Render(message)
	lines = append(lines, strings.Split(box, "\n")...)
	return append(lines, "", dimStyle.Render(next))
}

// logPane is the loop's own events, the latest at the bottom.
func (r runModel) logPane(width, height int) string {
	lines := []string{headerStyle.Render("the loop")}
	log := r.tl.Log
	if keep := height - 1; len(log) > keep {
		log = log[len(log)-keep:]
	}
	for _, l := range log {
		text := fmt.Sprintf("%6.3f %s", usDuration(l.TUS).Seconds(), l.Text)
		lines = append(lines, truncate(text, width))
	}
	if len(r.tl.Log) == 0 {
		lines = append(lines, dimStyle.Render("(no loop events yet)"))
	}
	return strings.Join(lines, "\n")
}

func (r runModel) view(width, height int) string {
	lines := append([]string{r.header(width)}, r.bodyLines(width)...)
	// The header stays; the body scrolls under it.
	body := lines[1:]
	maxScroll := max(len(body)-(height-1), 0)
	top := min(r.scroll, maxScroll)
	body = body[top:]
	out := append([]string{lines[0]}, body...)
	if top < maxScroll && height > 2 {
		out = out[:height-1]
		out = append(out, dimStyle.Render(fmt.Sprintf("  ↓ %d more lines (↓/pgdn)", maxScroll-top)))
	}
	return clip(out, width, height)
}

// truncate cuts a styled line to width cells.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= width {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(width).Render(s)
}
