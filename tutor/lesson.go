// This file holds the lesson screen: a stage's chapter from docs/, rendered
// by Glamour for the window's width, in a scrollable viewport.

package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// lessonModel is the lesson screen for one stage.
type lessonModel struct {
	stage    stage
	index    int // the stage's index, for the run key
	vp       viewport.Model
	rendered int    // the width the text was rendered for; 0 = not yet
	failure  string // why there is no text
}

func newLesson(s stage, index, width, height int) lessonModel {
	vp := viewport.New(width, max(height, 1))
	vp.SetContent(dimStyle.Render("rendering the lesson…"))
	return lessonModel{stage: s, index: index, vp: vp}
}

func (l lessonModel) title() string {
	if info := l.scrollInfo(); info != "" {
		return l.stage.Title() + " · lesson · " + info
	}
	return l.stage.Title() + " · lesson"
}

func (l lessonModel) keyMap() keyMap {
	return keyMap{
		short: []key.Binding{keys.Up, keys.Down, keys.PageDown, keys.Run, global.Back, global.Help, global.Quit},
		full:  [][]key.Binding{scrollKeys(), {keys.Run, global.Back}, {global.Help, global.Quit}},
	}
}

// resize fits the viewport; the caller re-renders when the width changed.
func (l lessonModel) resize(width, height int) lessonModel {
	l.vp.Width, l.vp.Height = width, max(height, 1)
	return l
}

// setText shows a rendered chapter.
func (l lessonModel) setText(width int, text string) lessonModel {
	l.rendered, l.failure = width, ""
	l.vp.SetContent(strings.TrimRight(text, "\n"))
	return l
}

// setFailure shows why there is no chapter.
func (l lessonModel) setFailure(err error) lessonModel {
	l.failure = err.Error()
	l.vp.SetContent(errorStyle.Render(l.failure))
	return l
}

func (l lessonModel) handleKey(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	switch {
	case key.Matches(msg, keys.Run):
		return l, chooseCmd(runChosenMsg{Stage: l.index})
	case key.Matches(msg, keys.Top):
		l.vp.GotoTop()
		return l, nil
	case key.Matches(msg, keys.Bottom):
		l.vp.GotoBottom()
		return l, nil
	}
	var cmd tea.Cmd
	l.vp, cmd = l.vp.Update(msg)
	return l, cmd
}

func (l lessonModel) view(width, height int) string { return l.vp.View() }

// scrollInfo is the header's note on where in the chapter the reader is.
func (l lessonModel) scrollInfo() string {
	if l.rendered == 0 || l.vp.TotalLineCount() <= l.vp.Height {
		return ""
	}
	return fmt.Sprintf("%3.0f%%", l.vp.ScrollPercent()*100)
}
