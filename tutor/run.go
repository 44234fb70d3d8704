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
	id    int // distinguishes this run's messages from an older run's
	stage stage
	index int // the stage's index
	// exercise, when set, is the exercise whose tests just passed: this
	// run is the learner's code ("your loop") when yours, else the
	// reference they restored.
	exercise string
	yours    bool
	state    runState
	spinner  spinner.Model
	build    *buildJob // the go build of this run; nil in tests that replay a trace
	proc     *stageProc
	started  time.Time // when the process started, for the live clock
	clockUS  int64     // the clock: µs since the stage started
	tl       *timeline
	events   []trace.Event
	raw      []string // stderr lines that were not events (a panic…)
	failure  string   // the compiler's or the system's message
	code     int      // the exit code once finished
	expl     *explanation
	outcome  *outcome // how the stage process ended; nil until it has
	scroll   int      // first body line shown

	// The loop pane: tab gives it the arrow keys; it follows the latest
	// event until scrolled, and may show one request's events only.
	paneFocus bool
	paneTop   int  // first pane line shown, when not following
	paneFree  bool // scrolled by the learner: no longer follows the end
	only      int  // the request the pane shows, 0 for all
}

// paneSize is the loop pane's width and how many lines of events it shows
// in a window width wide: as tall as the waterfall beside it.
func (r runModel) paneSize(width int) (int, int) {
	return paneWidthFor(width) - 2, max(len(r.tl.Rows)+3, 8) - 1
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
	if r.exercise != "" {
		return r.stage.Title() + " · your loop (" + r.exercise + ")"
	}
	return r.stage.Title() + " · run"
}

// heading is what the explanation is headed.
func (r runModel) heading() string {
	if r.exercise != "" {
		return "Your loop"
	}
	return "What happened"
}

// banner is the line above the waterfall of an exercise's run: the stage
// as it is on disk passed its tests, and runs live. A pass with the
// reference restored is said to be one (it does not count as the
// learner's).
func (r runModel) banner(width int) string {
	text := "✓ " + r.exercise + " passes · your loop, live against the slow server"
	if !r.yours {
		text = "✓ passes with " + r.exercise + "'s reference restored (not counted as yours) · live"
	}
	return doneStyle.Render(truncate(text, width))
}

func (r runModel) keyMap() keyMap {
	pane := []key.Binding{keys.Pane, keys.OneRequest, keys.AllRequests}
	if r.state == runRunning || r.state == runBuilding {
		return keyMap{
			short: []key.Binding{global.Interrupt, keys.Pane, keys.OneRequest, global.Docs, global.Back, global.Help},
			full:  [][]key.Binding{scrollKeys(), pane, {global.Interrupt, global.Docs, global.Back}, {global.Help, global.Quit}},
		}
	}
	return keyMap{
		short: []key.Binding{keys.Pane, keys.OneRequest, global.Docs, global.Back, global.Help, global.Quit},
		full:  [][]key.Binding{scrollKeys(), pane, {keys.Run, keys.Compare, keys.Lesson, global.Docs, global.Back}, {global.Help, global.Quit}},
	}
}

// paneKey scrolls or narrows the loop pane; false when the key is not
// the pane's.
func (r runModel) paneKey(msg tea.KeyMsg, width int) (runModel, bool) {
	pw, ph := r.paneSize(width)
	if pw <= 0 {
		return r, false
	}
	n := len(r.tl.Rows)
	switch {
	case key.Matches(msg, keys.Pane):
		r.paneFocus = !r.paneFocus
	case key.Matches(msg, keys.OneRequest) && n > 0:
		step := 1
		if msg.String() == "[" {
			step = n
		}
		r.only = (r.only + step) % (n + 1)
		r.paneTop, r.paneFree = 0, true
	case key.Matches(msg, keys.AllRequests):
		r.only, r.paneFree = 0, false
	case !r.paneFocus:
		return r, false
	case key.Matches(msg, keys.Up):
		r = r.scrollPane(-1, pw, ph)
	case key.Matches(msg, keys.Down):
		r = r.scrollPane(1, pw, ph)
	case key.Matches(msg, keys.PageUp):
		r = r.scrollPane(-max(ph-1, 1), pw, ph)
	case key.Matches(msg, keys.PageDown):
		r = r.scrollPane(max(ph-1, 1), pw, ph)
	case key.Matches(msg, keys.Top):
		r.paneTop, r.paneFree = 0, true
	case key.Matches(msg, keys.Bottom):
		r.paneFree = false
	default:
		return r, false
	}
	return r, true
}

// scrollPane moves the pane by d lines; reaching the end follows it again.
func (r runModel) scrollPane(d, width, rows int) runModel {
	total := len(r.paneLines(width))
	top := r.paneTop
	if !r.paneFree {
		top = max(total-rows, 0)
	}
	top = max(min(top+d, total-rows), 0)
	r.paneTop, r.paneFree = top, top < total-rows
	return r
}

func (r runModel) handleKey(msg tea.KeyMsg, width, bodyHeight int) (runModel, tea.Cmd) {
	if next, ok := r.paneKey(msg, width); ok {
		return next, nil
	}
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
		return r, chooseCmd(runChosenMsg{Stage: r.index, Exercise: r.exercise, Yours: r.yours})
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

	paneW := paneWidthFor(width)
	leftW := width - paneW
	barW := max(leftW-6-16, 10)
	left := waterfallLines(r.tl, barW, r.clockUS, unicodeGlyphs, paintPhase)
	axis := axisLines(r.tl, barW, r.clockUS, unicodeGlyphs)
	left = append(left, dimStyle.Render(axis[0]), dimStyle.Render(axis[1]))
	format := "%s connecting %s sent %s waiting %s answered %s failed"
	if leftW < 60 {
		format = "%s conn %s sent %s wait %s answered %s failed"
	}
	legend := fmt.Sprintf(format,
		paintPhase(phaseConnecting, unicodeGlyphs.Connecting), paintPhase(phaseSent, unicodeGlyphs.Sent),
		paintPhase(phaseWaiting, unicodeGlyphs.Waiting), paintPhase(phaseAnswered, unicodeGlyphs.Answered),
		paintPhase(phaseFailed, unicodeGlyphs.Failed))
	left = append([]string{legend}, left...)
	for i := range left {
		left[i] = truncate(left[i], leftW-1)
	}
	block := strings.Join(left, "\n")
	if paneW > 0 {
		pw, ph := r.paneSize(width)
		pane := r.logPane(pw, ph+1)
		block = lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(leftW).Render(block), paneStyle.Render(pane))
	}
	if r.exercise != "" {
		lines = append(lines, r.banner(width))
	} else {
		lines = append(lines, "")
	}
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
		lines = append(lines, "", titleStyle.Render(r.heading()))
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

// paneWidthFor is the loop pane's width in a window: none when narrow.
func paneWidthFor(width int) int {
	if width < 70 {
		return 0
	}
	return max(width*42/100, 30)
}

// paneLines is the loop's events as the pane draws them, width wide: each
// event whole, wrapped under its time; only one request's when narrowed.
func (r runModel) paneLines(width int) []string {
	var lines []string
	for _, l := range r.tl.Log {
		if r.only > 0 && l.Req != r.only {
			continue
		}
		text := fmt.Sprintf("%.3f %s", usDuration(l.TUS).Seconds(), strings.TrimLeft(l.Text, " "))
		if strings.HasPrefix(l.Text, " ") {
			text = fmt.Sprintf("%.3f  %s", usDuration(l.TUS).Seconds(), strings.TrimLeft(l.Text, " "))
		}
		lines = append(lines, wrapHard(text, width, "        ")...)
	}
	return lines
}

// logPane is the loop's own events: the latest at the bottom while the
// run goes on, or wherever the learner scrolled it.
func (r runModel) logPane(width, height int) string {
	title := "the loop"
	if r.only > 0 {
		title += fmt.Sprintf(" · request %d", r.only)
	}
	all := r.paneLines(width)
	rows := height - 1
	top := max(len(all)-rows, 0)
	if r.paneFree {
		top = min(r.paneTop, top)
	}
	shown := all[top:min(top+rows, len(all))]
	if len(all) > rows {
		title += fmt.Sprintf(" · %d–%d of %d", top+1, top+len(shown), len(all))
	}
	head := headerStyle.Render(title)
	if r.paneFocus {
		head = selectedStyle.Render("› " + title)
	}
	lines := []string{truncate(head, width)}
	if r.tl.Dropped > 0 && top == 0 {
		lines = append(lines, dimStyle.Render(fmt.Sprintf("(%d earlier events not kept)", r.tl.Dropped)))
	}
	lines = append(lines, shown...)
	if len(all) == 0 {
		if r.only > 0 {
			lines = append(lines, dimStyle.Render(fmt.Sprintf("(no loop events for request %d)", r.only)))
		} else {
			lines = append(lines, dimStyle.Render("(no loop events yet)"))
		}
	}
	return strings.Join(lines, "\n")
}

// wrapHard wraps like wrap, and also breaks a word longer than the line.
func wrapHard(text string, width int, indent string) []string {
	var out []string
	for _, l := range wrap(text, width, indent) {
		for lipgloss.Width(l) > width && width > len(indent)+4 {
			cut := truncate(l, width)
			out = append(out, cut)
			l = indent + strings.TrimPrefix(l, cut)
		}
		out = append(out, l)
	}
	return out
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
