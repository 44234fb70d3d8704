// This file holds the home screen: the stages in order, each with its
// one-line summary and the learner's progress, and the key to reset it.

package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// homeModel is the home screen.
type homeModel struct {
	stages     []stage
	progress   progress
	cursor     int
	confirming bool   // asking whether to reset progress
	footer     string // the embedded server, shown under the list
}

func (h homeModel) title() string { return "home" }

func (h homeModel) keyMap() keyMap {
	if h.confirming {
		return keyMap{short: []key.Binding{keys.Yes, keys.No}}
	}
	return keyMap{
		short: []key.Binding{keys.Up, keys.Down, keys.Lesson, keys.Run, keys.Compare, global.Help, global.Quit},
		full: [][]key.Binding{
			{keys.Up, keys.Down},
			{keys.Lesson, keys.Run, keys.Compare},
			{keys.Reset, global.Help, global.Quit},
		},
	}
}

// handleKey moves the cursor, asks to reset, or chooses a stage.
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
	switch {
	case key.Matches(msg, keys.Up):
		h.cursor = max(h.cursor-1, 0)
	case key.Matches(msg, keys.Down):
		h.cursor = min(h.cursor+1, max(len(h.stages)-1, 0))
	case len(h.stages) == 0:
		return h, nil
	case key.Matches(msg, keys.Lesson):
		return h, chooseCmd(lessonChosenMsg{Stage: h.cursor})
	case key.Matches(msg, keys.Run):
		return h, chooseCmd(runChosenMsg{Stage: h.cursor})
	case key.Matches(msg, keys.Compare):
		return h, chooseCmd(compareChosenMsg{})
	case key.Matches(msg, keys.Reset):
		h.confirming = true
	}
	return h, nil
}

func (h homeModel) view(width, height int) string {
	var lines []string
	lines = append(lines, "Rebuild an event loop, one stage at a time. Pick a stage: read the lesson, then run it.", "")
	if len(h.stages) == 0 {
		lines = append(lines, errorStyle.Render("No stages found (folders named stage<N>-<name> with a doc.go)."))
	}
	for i, s := range h.stages {
		pointer, name := "  ", headerStyle.Render(s.Title())
		if i == h.cursor {
			pointer, name = selectedStyle.Render("› "), selectedStyle.Render(s.Title())
		}
		lines = append(lines, pointer+name+"  "+progressMarks(h.progress[s.Dir]))
		for _, l := range wrap(s.Summary, width-6, "") {
			lines = append(lines, "    "+dimStyle.Render(l))
		}
		lines = append(lines, "")
	}
	if h.confirming {
		lines = append(lines, warnStyle.Render("Reset the progress of every stage? (y/n)"))
	} else {
		lines = append(lines, dimStyle.Render(h.footer))
	}
	return clip(lines, width, height)
}

// progressMarks shows a stage's progress on the home screen.
func progressMarks(sp stageProgress) string {
	read, run := dimStyle.Render("○ read"), dimStyle.Render("○ run")
	if sp.Read {
		read = doneStyle.Render("● read")
	}
	if sp.Run {
		run = doneStyle.Render("● run")
	}
	return read + " " + run
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
