// This file holds the home screen: the course's table of contents in the
// book's reading order (docs/README.md's numbered list), each chapter with
// the learner's progress. A chapter that teaches a stage has a row for each
// thing to do with the stage (its lesson, a run, its exercises), so
// the why chapters come before stage 1 and patterns, anti-patterns, Go's
// runtime and performance after stage 4.

package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/loopfromscratch/loop/internal/book"
)

// tocEntry is one chapter of the course.
type tocEntry struct {
	File    string // "why-concurrency.md"
	Title   string // as the index names it
	Summary string // what the index says it is about
	Stage   int    // the stage it teaches (an index into the stages), or -1
}

// name is the chapter's file without ".md": its key in the progress file
// (for a stage's chapter, the stage's folder).
func (e tocEntry) name() string { return strings.TrimSuffix(e.File, ".md") }

// webPage is where the web book serves the chapter.
func (e tocEntry) webPage() string { return e.name() + ".html" }

// buildTOC is the course: the book's reading order, each chapter matched
// with the stage it teaches; then chapters the index forgot, then stages
// with no chapter. Without a book (no index) it is the stages alone.
func buildTOC(b *book.Book, stages []stage) []tocEntry {
	var toc []tocEntry
	taught := map[int]bool{}
	add := func(file, title, summary string) {
		e := tocEntry{File: file, Title: title, Summary: summary, Stage: -1}
		for i, s := range stages {
			if s.Dir+".md" == file {
				e.Stage, taught[i] = i, true
				if e.Summary == "" {
					e.Summary = s.Summary
				}
			}
		}
		toc = append(toc, e)
	}
	if b != nil {
		for _, e := range b.Contents {
			add(e.File, e.Label, e.Summary)
		}
		for _, file := range b.Unlisted {
			add(file, b.Chapter(file).Title, "")
		}
	}
	for i, s := range stages {
		if !taught[i] {
			add(s.Dir+".md", s.Title(), s.Summary)
		}
	}
	return toc
}

// rowKind is what a row of the home screen opens.
type rowKind int

const (
	rowChapter   rowKind = iota // a chapter to read
	rowLesson                   // a stage's chapter
	rowRun                      // a live run of the stage
	rowExercises                // the stage's exercises
)

// homeRow is one selectable line of the home screen.
type homeRow struct {
	kind  rowKind
	entry int // index into the toc
}

// homeRows lists the selectable rows of toc in order; a stage with
// exercises (an entry in exercises) has a row for them.
func homeRows(toc []tocEntry, exercises map[int]exerciseCount) []homeRow {
	var rows []homeRow
	for i, e := range toc {
		if e.Stage < 0 {
			rows = append(rows, homeRow{rowChapter, i})
			continue
		}
		rows = append(rows, homeRow{rowLesson, i}, homeRow{rowRun, i})
		if exercises[e.Stage].Total > 0 {
			rows = append(rows, homeRow{rowExercises, i})
		}
	}
	return rows
}

// exerciseCount is how many exercises a stage has, and how many passed.
type exerciseCount struct{ Passed, Total int }

// homeModel is the home screen.
type homeModel struct {
	toc        []tocEntry
	rows       []homeRow
	stages     []stage
	progress   progress
	cursor     int                   // index into rows
	confirming bool                  // asking whether to reset progress
	footer     string                // the embedded server, shown under the list
	exercises  map[int]exerciseCount // by stage index
}

func newHome(toc []tocEntry, stages []stage, footer string, exercises map[int]exerciseCount) homeModel {
	return homeModel{toc: toc, rows: homeRows(toc, exercises), stages: stages, footer: footer, progress: progress{}, exercises: exercises}
}

func (h homeModel) title() string { return "contents" }

func (h homeModel) keyMap() keyMap {
	if h.confirming {
		return keyMap{short: []key.Binding{keys.Yes, keys.No}}
	}
	short := []key.Binding{keys.Up, keys.Down, keys.Open, keys.Run, global.Docs, global.Help, global.Quit}
	if len(h.exercises) > 0 {
		short = []key.Binding{keys.Up, keys.Down, keys.Open, keys.Run, keys.Exercises, global.Help, global.Quit}
	}
	return keyMap{
		short: short,
		full: [][]key.Binding{
			{keys.Up, keys.Down},
			{keys.Lesson, keys.Run, keys.Exercises, keys.Compare, global.Docs},
			{keys.Reset, global.Help, global.Quit},
		},
	}
}

// selected is the row under the cursor and its chapter.
func (h homeModel) selected() (homeRow, tocEntry, bool) {
	if h.cursor < 0 || h.cursor >= len(h.rows) {
		return homeRow{}, tocEntry{}, false
	}
	r := h.rows[h.cursor]
	return r, h.toc[r.entry], true
}

// selectFile puts the cursor on the first row of a chapter.
func (h homeModel) selectFile(file string) homeModel {
	for i, r := range h.rows {
		if h.toc[r.entry].File == file {
			h.cursor = i
			break
		}
	}
	return h
}

// selectStage puts the cursor on a stage's run row.
func (h homeModel) selectStage(stage int) homeModel {
	for i, r := range h.rows {
		if h.toc[r.entry].Stage == stage && r.kind == rowRun {
			h.cursor = i
			break
		}
	}
	return h
}

// handleKey moves the cursor, asks to reset, or opens what the row names.
func (h homeModel) handleKey(msg tea.KeyMsg) (homeModel, tea.Cmd) {
	if h.confirming {
		switch {
		case key.Matches(msg, keys.Yes):
			h.confirming = false
			return h, chooseCmd(progressResetMsg{})
		case key.Matches(msg, keys.No):
			h.confirming = false
		}
		return h, nil
	}
	row, entry, ok := h.selected()
	switch {
	case key.Matches(msg, keys.Up):
		h.cursor = max(h.cursor-1, 0)
	case key.Matches(msg, keys.Down):
		h.cursor = min(h.cursor+1, max(len(h.rows)-1, 0))
	case key.Matches(msg, keys.Top):
		h.cursor = 0
	case key.Matches(msg, keys.Bottom):
		h.cursor = max(len(h.rows)-1, 0)
	case key.Matches(msg, keys.Compare):
		return h, chooseCmd(compareChosenMsg{})
	case key.Matches(msg, keys.Reset):
		h.confirming = true
	case key.Matches(msg, keys.Exercises) && (!ok || entry.Stage < 0):
		return h, chooseCmd(exercisesChosenMsg{})
	case !ok:
	case key.Matches(msg, keys.Exercises):
		return h, chooseCmd(exercisesChosenMsg{Stage: h.stages[entry.Stage].Dir})
	case key.Matches(msg, keys.Lesson) && row.kind == rowRun && msg.String() == "enter":
		return h, chooseCmd(runChosenMsg{Stage: entry.Stage})
	case key.Matches(msg, keys.Lesson) && row.kind == rowExercises && msg.String() == "enter":
		return h, chooseCmd(exercisesChosenMsg{Stage: h.stages[entry.Stage].Dir})
	case key.Matches(msg, keys.Lesson):
		return h, chooseCmd(lessonChosenMsg{File: entry.File})
	case key.Matches(msg, keys.Run) && entry.Stage >= 0:
		return h, chooseCmd(runChosenMsg{Stage: entry.Stage})
	}
	return h, nil
}

// docsPage is the web page of the chapter under the cursor.
func (h homeModel) docsPage() string {
	if _, e, ok := h.selected(); ok {
		return e.webPage()
	}
	return ""
}

func (h homeModel) view(width, height int) string {
	var list []string
	cursorLine := 0
	for i, e := range h.toc {
		if e.Stage < 0 {
			for ri, r := range h.rows {
				if r.entry == i {
					if ri == h.cursor {
						cursorLine = len(list)
					}
					list = append(list, h.drawRow(ri, width))
				}
			}
			continue
		}
		list = append(list, fmt.Sprintf("  %2d ", i+1)+headerStyle.Render(e.Title))
		for ri, r := range h.rows {
			if r.entry == i {
				if ri == h.cursor {
					cursorLine = len(list)
				}
				list = append(list, h.drawRow(ri, width))
			}
		}
	}
	if len(h.toc) == 0 {
		list = append(list, errorStyle.Render("No chapters and no stages found (docs/README.md, folders named stage<N>-<name> with a doc.go)."))
	}

	var foot []string
	if _, e, ok := h.selected(); ok && e.Summary != "" {
		for _, l := range wrap(e.Summary, width-4, "") {
			foot = append(foot, "  "+dimStyle.Render(l))
		}
		foot = foot[:min(len(foot), 2)]
	}
	if h.confirming {
		foot = append(foot, warnStyle.Render("Reset the progress of every chapter and stage? (y/n)"))
	} else {
		foot = append(foot, dimStyle.Render(truncate(h.footer, width)))
	}

	head := []string{"Read the chapters in order; run each stage live.", ""}
	room := height - len(head) - len(foot) - 1
	if room < len(list) && room < 12 {
		head = nil // a short window keeps the list
		room = height - len(foot) - 1
	}
	room = max(room, 1)
	if total := len(list); total > room {
		first := min(max(cursorLine-room/2, 0), total-room)
		list = list[first : first+room]
		if first > 0 && cursorLine > first {
			list[0] = dimStyle.Render("   ↑ more")
		}
		if first+room < total && cursorLine < first+room-1 {
			list[len(list)-1] = dimStyle.Render("   ↓ more")
		}
	}
	lines := append(head, list...)
	lines = append(lines, "")
	lines = append(lines, foot...)
	return clip(lines, width, height)
}

// drawRow draws row ri: a chapter with its number, or a stage's lesson or
// run, with its progress on the right.
func (h homeModel) drawRow(ri, width int) string {
	r := h.rows[ri]
	e := h.toc[r.entry]
	sp := h.progress[e.name()]
	var label, marks string
	indent := fmt.Sprintf("%2d ", r.entry+1)
	switch r.kind {
	case rowChapter:
		label, marks = e.Title, readMark(sp.Read)
	case rowLesson:
		indent, label, marks = "     ", "lesson", readMark(sp.Read)
	case rowRun:
		indent, label, marks = "     ", "run it live", runMark(sp.Run)
	case rowExercises:
		indent, label, marks = "     ", "exercises", exercisesMark(h.exercises[e.Stage])
	}
	pointer := "  "
	if ri == h.cursor {
		pointer, label = selectedStyle.Render("› "), selectedStyle.Render(label)
	} else if r.kind == rowChapter {
		label = headerStyle.Render(label)
	}
	left := pointer + indent + label
	col := min(width, 100) - 8
	pad := col - lipgloss.Width(left)
	if pad < 2 {
		left = truncate(left, col-3) + "…"
		pad = 2
	}
	return left + strings.Repeat(" ", pad) + marks
}

func readMark(done bool) string {
	if done {
		return doneStyle.Render("● read")
	}
	return dimStyle.Render("○ read")
}

// exercisesMark is how many of a stage's exercises passed: "◐ 1/4".
func exercisesMark(c exerciseCount) string {
	text := fmt.Sprintf("%d/%d", c.Passed, c.Total)
	if c.Passed == c.Total {
		return doneStyle.Render("● " + text)
	}
	if c.Passed > 0 {
		return doneStyle.Render("◐ " + text)
	}
	return dimStyle.Render("○ " + text)
}

func runMark(done bool) string {
	if done {
		return doneStyle.Render("● ran")
	}
	return dimStyle.Render("○ run")
}

// clip joins lines, keeping at most height of them (a screen never pushes
// the help line off), each cut to width.
func clip(lines []string, width, height int) string {
	if height >= 0 && len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	return strings.Join(lines, "\n")
}

// footerText describes the embedded server for the home screen.
func footerText(addr string, opts options) string {
	return fmt.Sprintf("slow server on %s · every reply takes %s · %d requests per run", addr, opts.Delay, opts.N)
}
