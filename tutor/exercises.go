// This file holds the exercises screen: every exercise of the catalogue
// (docs/exercises.md) with the learner's status, grouped by stage, and the
// selected one in detail: where to write, what, the hints shown so far and
// the verdict of the last check. Starting an exercise writes its stub and
// watches its stage's files; each save runs the stage's tests (watch.go,
// the root's handlers in update.go), and a pass runs the stage live as
// "your loop" on the run screen.

package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/loopfromscratch/loop/internal/exercise"
)

// exerciseAction is what the learner asked to do with an exercise.
type exerciseAction int

const (
	actStart    exerciseAction = iota // write the stub (or resume) and watch
	actEdit                           // open the file in $EDITOR
	actHint                           // show one more hint
	actSolution                       // show the reference as a diff
	actCheck                          // run the tests now
	actReset                          // the stub again
	actRestore                        // the reference back
)

// confirmKind is the question the screen is asking, if any.
type confirmKind int

const (
	confirmNone confirmKind = iota
	confirmSolution
	confirmReset
	confirmRestore
)

// exercisesModel is the exercises screen.
type exercisesModel struct {
	entries []exercise.Entry
	stages  []stage
	loaded  bool
	failure string // the workbook could not be read
	cursor  int    // index into entries
	editor  bool   // $EDITOR is set

	lines   map[string]int             // where to begin writing, once started here
	results map[string]exercise.Result // the last verdict of each exercise checked here

	// The watch: one exercise at a time.
	watching string       // the exercise watched ("" when none)
	watch    *fileWatcher // nil until the watcher is set up
	watches  int          // watches begun, for ids
	saved    []string     // the files of the last save

	check    *checkJob // the check under way or last run
	checks   int       // checks begun, for ids
	checking bool      // a check of watching is under way
	spinner  spinner.Model

	confirm confirmKind
	note    string // the answer to the last key (a hint, a file to open…)

	diff    string // the solution shown, "" when none
	diffTop int
}

func newExercises(stages []stage, editor bool) exercisesModel {
	return exercisesModel{
		stages:  stages,
		editor:  editor,
		lines:   map[string]int{},
		results: map[string]exercise.Result{},
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
	}
}

func (x exercisesModel) title() string {
	if x.diff != "" {
		return "exercises · solution of " + x.selectedID()
	}
	return "exercises"
}

func (x exercisesModel) keyMap() keyMap {
	switch {
	case x.confirm != confirmNone:
		return keyMap{short: []key.Binding{keys.Yes, keys.No}}
	case x.diff != "":
		return keyMap{
			short: []key.Binding{keys.Scroll, global.Back, global.Help, global.Quit},
			full:  [][]key.Binding{scrollKeys(), {global.Back, global.Help, global.Quit}},
		}
	}
	return keyMap{
		short: []key.Binding{keys.Start, keys.Hint, keys.Solution, keys.Edit, keys.CheckNow, global.Back, global.Help},
		full: [][]key.Binding{
			{keys.Up, keys.Down, keys.Top, keys.Bottom},
			{keys.Start, keys.Edit, keys.CheckNow, keys.Hint, keys.Solution},
			{keys.ResetExercise, keys.Restore, global.Docs, global.Back},
			{global.Help, global.Quit},
		},
	}
}

// selected is the exercise under the cursor.
func (x exercisesModel) selected() (exercise.Entry, bool) {
	if x.cursor < 0 || x.cursor >= len(x.entries) {
		return exercise.Entry{}, false
	}
	return x.entries[x.cursor], true
}

func (x exercisesModel) selectedID() string {
	e, _ := x.selected()
	return e.ID
}

// entry is the exercise with id, and its index.
func (x exercisesModel) entry(id string) (exercise.Entry, int) {
	for i, e := range x.entries {
		if e.ID == id {
			return e, i
		}
	}
	return exercise.Entry{}, -1
}

// selectStage puts the cursor on the first exercise of a stage folder.
func (x exercisesModel) selectStage(dir string) exercisesModel {
	for i, e := range x.entries {
		if e.Stage() == dir {
			x.cursor = i
			break
		}
	}
	return x
}

// setEntries replaces the list, keeping the cursor on the same exercise.
func (x exercisesModel) setEntries(entries []exercise.Entry) exercisesModel {
	id := x.selectedID()
	x.entries, x.loaded, x.failure = entries, true, ""
	if _, i := x.entry(id); i >= 0 {
		x.cursor = i
	}
	x.cursor = min(x.cursor, max(len(entries)-1, 0))
	return x
}

// captures says whether the screen wants msg before the global keys: its
// questions and the solution's esc.
func (x exercisesModel) captures(msg tea.KeyMsg) bool {
	return x.confirm != confirmNone || (x.diff != "" && key.Matches(msg, global.Back))
}

// act asks the root model to do something with exercise id.
func act(id string, a exerciseAction) tea.Cmd {
	return chooseCmd(exerciseChosenMsg{ID: id, Action: a})
}

func (x exercisesModel) handleKey(msg tea.KeyMsg, bodyHeight int) (exercisesModel, tea.Cmd) {
	if x.confirm != confirmNone {
		return x.answer(msg)
	}
	if x.diff != "" {
		return x.scrollDiff(msg, bodyHeight), nil
	}
	x.note = ""
	e, ok := x.selected()
	switch {
	case key.Matches(msg, keys.Up):
		x.cursor = max(x.cursor-1, 0)
	case key.Matches(msg, keys.Down):
		x.cursor = min(x.cursor+1, max(len(x.entries)-1, 0))
	case key.Matches(msg, keys.Top):
		x.cursor = 0
	case key.Matches(msg, keys.Bottom):
		x.cursor = max(len(x.entries)-1, 0)
	case !ok:
	case key.Matches(msg, keys.Start):
		return x, act(e.ID, actStart)
	case key.Matches(msg, keys.Edit):
		return x, act(e.ID, actEdit)
	case key.Matches(msg, keys.Hint):
		return x, act(e.ID, actHint)
	case key.Matches(msg, keys.CheckNow):
		return x, act(e.ID, actCheck)
	case key.Matches(msg, keys.Solution):
		return x.askSolution(e)
	case key.Matches(msg, keys.ResetExercise):
		x.confirm = confirmReset
	case key.Matches(msg, keys.Restore):
		x.confirm = confirmRestore
	}
	return x, nil
}

// askSolution shows the solution after a pass, asks after the last hint,
// and before that says what comes first.
func (x exercisesModel) askSolution(e exercise.Entry) (exercisesModel, tea.Cmd) {
	switch {
	case e.Status == exercise.Passed:
		return x, act(e.ID, actSolution)
	case e.Status == exercise.NotStarted:
		x.note = "Nothing to compare yet: " + e.ID + " is not started, so " + e.File + " holds the reference. s starts it."
	case e.Hints >= len(e.Exercise.Hints):
		x.confirm = confirmSolution
	default:
		x.note = fmt.Sprintf("The solution comes once you pass, or after the last hint: %d of %d shown (h shows the next).", e.Hints, len(e.Exercise.Hints))
	}
	return x, nil
}

// answer handles y/n to the question asked.
func (x exercisesModel) answer(msg tea.KeyMsg) (exercisesModel, tea.Cmd) {
	ask := x.confirm
	switch {
	case key.Matches(msg, keys.Yes):
		x.confirm = confirmNone
		a := map[confirmKind]exerciseAction{confirmSolution: actSolution, confirmReset: actReset, confirmRestore: actRestore}[ask]
		return x, act(x.selectedID(), a)
	case key.Matches(msg, keys.No):
		x.confirm = confirmNone
	}
	return x, nil
}

func (x exercisesModel) scrollDiff(msg tea.KeyMsg, bodyHeight int) exercisesModel {
	page := max(bodyHeight-2, 1)
	switch {
	case key.Matches(msg, global.Back):
		x.diff, x.diffTop = "", 0
		return x
	case key.Matches(msg, keys.Up):
		x.diffTop--
	case key.Matches(msg, keys.Down):
		x.diffTop++
	case key.Matches(msg, keys.PageUp):
		x.diffTop -= page
	case key.Matches(msg, keys.PageDown):
		x.diffTop += page
	case key.Matches(msg, keys.Top):
		x.diffTop = 0
	case key.Matches(msg, keys.Bottom):
		x.diffTop = 1 << 30
	}
	x.diffTop = max(min(x.diffTop, strings.Count(x.diff, "\n")-page+1), 0)
	return x
}

func (x exercisesModel) view(width, height int) string {
	switch {
	case x.failure != "":
		return clip([]string{"", errorStyle.Render("The exercises cannot be read:"), "", "  " + x.failure}, width, height)
	case !x.loaded:
		return clip([]string{"", dimStyle.Render("reading docs/exercises.md …")}, width, height)
	case len(x.entries) == 0:
		return clip([]string{"", "The catalogue (docs/exercises.md) lists no exercises."}, width, height)
	case x.diff != "":
		return x.diffView(width, height)
	}
	// The whole list when there is room for it and a detail under it.
	total := len(x.entries) + x.groups()
	rows := total
	if height-total-1 < 14 {
		rows = min(total, max(height/3, 6))
	}
	dw := min(width, 100)
	list := x.listLines(dw, rows)
	detail := x.detailLines(dw, height-len(list)-1)
	return clip(append(append(list, dimStyle.Render(strings.Repeat("─", dw))), detail...), width, height)
}

// groups is how many stage headings the list has.
func (x exercisesModel) groups() int {
	n, last := 0, ""
	for _, e := range x.entries {
		if g := exerciseGroup(e.Exercise, x.stages); g != last {
			n, last = n+1, g
		}
	}
	return n
}

// listLines is the list, grouped by stage, at most rows lines long and
// scrolled to show the cursor.
func (x exercisesModel) listLines(width, rows int) []string {
	var lines []string
	cursorLine, last := 0, ""
	for i, e := range x.entries {
		if g := exerciseGroup(e.Exercise, x.stages); g != last {
			lines = append(lines, headerStyle.Render(g)+dimStyle.Render(" "+x.passedIn(g)))
			last = g
		}
		if i == x.cursor {
			cursorLine = len(lines)
		}
		lines = append(lines, x.row(i, width))
	}
	if len(lines) <= rows {
		return lines
	}
	first := min(max(cursorLine-rows/2, 0), len(lines)-rows)
	lines = lines[first : first+rows]
	if first > 0 && cursorLine > first {
		lines[0] = dimStyle.Render("   ↑ more")
	}
	if first+rows < len(x.entries)+x.groups() && cursorLine < first+rows-1 {
		lines[len(lines)-1] = dimStyle.Render("   ↓ more")
	}
	return lines
}

// passedIn is "2/4 passed" for a group.
func (x exercisesModel) passedIn(group string) string {
	passed, total := 0, 0
	for _, e := range x.entries {
		if exerciseGroup(e.Exercise, x.stages) == group {
			total++
			if e.Status == exercise.Passed {
				passed++
			}
		}
	}
	return fmt.Sprintf("%d/%d passed", passed, total)
}

// row draws exercise i: its id, title and status.
func (x exercisesModel) row(i, width int) string {
	e := x.entries[i]
	mark := x.mark(e)
	pointer, id := "  ", fmt.Sprintf("%-14s", e.ID)
	if i == x.cursor {
		pointer, id = selectedStyle.Render("› "), selectedStyle.Render(id)
	}
	left := pointer + id + " "
	room := width - lipgloss.Width(left) - lipgloss.Width(mark) - 2
	title := e.Title
	if room < 8 {
		title = ""
	} else if lipgloss.Width(title) > room {
		title = truncate(title, room-1) + "…"
	}
	pad := max(width-lipgloss.Width(left)-lipgloss.Width(title)-lipgloss.Width(mark), 1)
	return left + title + strings.Repeat(" ", pad) + mark
}

// mark is an exercise's status as the list shows it.
func (x exercisesModel) mark(e exercise.Entry) string {
	if x.checking && e.ID == x.watching {
		return warnStyle.Render(x.spinner.View() + "checking")
	}
	switch e.Status {
	case exercise.InProgress:
		return warnStyle.Render("◐ in progress")
	case exercise.Failing:
		return errorStyle.Render("✗ failing")
	case exercise.Passed:
		return doneStyle.Render("● passed")
	}
	return dimStyle.Render("○ not started")
}

// detailLines is the selected exercise: where, the verdict, what to
// write, the hints shown, and the question or note.
func (x exercisesModel) detailLines(width, height int) []string {
	e, ok := x.selected()
	if !ok {
		return nil
	}
	para := func(text string, style lipgloss.Style, indent string) []string {
		var out []string
		for _, l := range wrap(text, width-len(indent), indent) {
			out = append(out, indent+style.Render(strings.TrimLeft(l, " ")))
		}
		return out
	}
	where := e.File
	if line, ok := x.lines[e.ID]; ok {
		where = fmt.Sprintf("%s:%d", e.File, line)
	}
	lines := []string{titleStyle.Render(truncate(e.ID+" — "+e.Title, width))}
	lines = append(lines, para(where+" · "+strings.Join(e.Functions, ", "), dimStyle, "")...)
	lines = append(lines, "")
	lines = append(lines, x.verdictLines(e, width)...)

	var after []string
	switch x.confirm {
	case confirmSolution:
		after = para(fmt.Sprintf("You have not passed %s yet and have seen every hint. Show the solution? (y/n)", e.ID), warnStyle, "")
	case confirmReset:
		after = para(fmt.Sprintf("Write the stub of %s again? What you wrote is kept in a backup. (y/n)", e.ID), warnStyle, "")
	case confirmRestore:
		after = para(fmt.Sprintf("Put the reference of %s back and end the exercise? What you wrote is kept in a backup. (y/n)", e.ID), warnStyle, "")
	default:
		if x.note != "" {
			after = para(x.note, warnStyle, "")
		}
	}

	lines = append(lines, para("Write: "+plainMarkdown(e.Write), lipgloss.NewStyle(), "")...)
	for i := range min(e.Hints, len(e.Exercise.Hints)) {
		lines = append(lines, "")
		lines = append(lines, para(fmt.Sprintf("Hint %d: %s", i+1, plainMarkdown(e.Exercise.Hints[i])), lipgloss.NewStyle(), "")...)
	}
	// The question or note stays in sight: it takes the last lines.
	if len(after) > 0 {
		keep := max(height-len(after)-1, 0)
		lines = append(lines[:min(len(lines), keep)], "")
		lines = append(lines, after...)
	}
	return lines
}

// verdictLines says where the learner stands with e: not started, being
// watched, checking, or the last verdict.
func (x exercisesModel) verdictLines(e exercise.Entry, width int) []string {
	watched := e.ID == x.watching
	stage := e.Stage()
	var lines []string
	r, checked := x.results[e.ID]
	switch {
	case watched && x.checking:
		lines = append(lines, warnStyle.Render(x.spinner.View()+"checking: go test ./"+stage+" …"))
	case checked:
		lines = append(lines, verdictView(r, width)...)
	case e.Status == exercise.NotStarted:
		lines = append(lines, dimStyle.Render("Not started: s writes the stub in place, and the tutor watches the file."))
	case e.Status == exercise.Passed:
		lines = append(lines, doneStyle.Render("✓ passed"))
	}
	if checked && r.Verdict == exercise.Pass && !(watched && x.checking) {
		lines = append(lines, dimStyle.Render("v shows the reference beside your code"))
	}
	if watched {
		lines = append(lines, dimStyle.Render(truncate("watching ./"+stage+": every save runs its tests (c: now)", width)))
	} else if e.Status != exercise.NotStarted && !checked {
		lines = append(lines, dimStyle.Render("s watches it again; c checks it now"))
	}
	return append(lines, "")
}

// verdictView is a check's verdict in plain words: the failing test and
// its message, the compiler's errors in a box, or why there is none.
func verdictView(r exercise.Result, width int) []string {
	box := func(text string) []string {
		return strings.Split(errorBox.Width(max(width-2, 20)).Render(text), "\n")
	}
	switch r.Verdict {
	case exercise.Pass:
		return []string{doneStyle.Render(truncate(fmt.Sprintf("✓ passes: %s (%s)", r.Message, seconds(r.Elapsed)), width))}
	case exercise.BuildFailed:
		return append([]string{errorStyle.Render("✗ ./" + r.Stage + " does not compile:")}, box(r.Message)...)
	case exercise.NoVerdict:
		var out []string
		for _, l := range wrap("⧗ "+r.Message, width, "  ") {
			out = append(out, warnStyle.Render(l))
		}
		return out
	}
	head := "✗ a test fails"
	if r.Test != "" {
		head = "✗ fails: " + testWords(r.Test)
	}
	out := []string{errorStyle.Render(truncate(head, width))}
	return append(out, box(firstLinesOf(r.Message, 8))...)
}

// testWords is a test's name as words: "TestContract/answers_ten_at_once"
// is "TestContract › answers ten at once".
func testWords(name string) string {
	top, sub, ok := strings.Cut(name, "/")
	if !ok {
		return name
	}
	return top + " › " + strings.ReplaceAll(strings.ReplaceAll(sub, "/", " › "), "_", " ")
}

// firstLinesOf keeps the first n lines of s, saying how many it left out.
func firstLinesOf(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… %d more lines (go run ./tutor exercise check shows them all)", len(lines)-n)
}

// diffView is the solution: the reference as a diff against the learner's
// file, scrolled.
func (x exercisesModel) diffView(width, height int) string {
	head := dimStyle.Render(truncate("- your file, + the reference · esc goes back", width))
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(x.diff, "\n"), "\n") {
		l = strings.ReplaceAll(l, "\t", "    ")
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"), strings.HasPrefix(l, "@@"):
			l = dimStyle.Render(truncate(l, width))
		case strings.HasPrefix(l, "+"):
			l = doneStyle.Render(truncate(l, width))
		case strings.HasPrefix(l, "-"):
			l = errorStyle.Render(truncate(l, width))
		}
		lines = append(lines, l)
	}
	top := min(x.diffTop, max(len(lines)-(height-1), 0))
	return clip(append([]string{head}, lines[top:]...), width, height)
}
