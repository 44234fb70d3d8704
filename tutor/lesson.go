// This file holds the lesson screen: a chapter of the book drawn for the
// window's width (markdown.go), scrolled up and down, code and diagrams
// scrolled sideways, and its links selectable: tab and shift+tab move
// between them, enter follows one, esc comes back.

package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// readAt is how much of a chapter counts as read: the bottom of the view
// has reached 90 % of its lines.
const readAt = 0.9

// sideStep is how far one ← or → scrolls a code block.
const sideStep = 8

// place is a chapter and where in it the reader was, for going back.
type place struct {
	File string
	Top  int
}

// lessonModel is the lesson screen for one chapter.
type lessonModel struct {
	entry    tocEntry
	next     string // the next chapter's title, "" for the last
	page     page
	rendered int    // the width the page was drawn for; 0 = not yet
	failure  string // why there is no text
	width    int
	height   int
	top      int    // first line shown
	x        int    // sideways scroll of wide lines
	focus    int    // the selected link, -1 for none
	anchor   string // a heading to show once the page is drawn
	back     []place
}

func newLesson(e tocEntry, next string, width, height int) lessonModel {
	return lessonModel{entry: e, next: next, width: width, height: max(height, 1), focus: -1}
}

func (l lessonModel) title() string {
	t := l.entry.Title + " · lesson"
	if info := l.scrollInfo(); info != "" {
		t += " · " + info
	}
	return t
}

func (l lessonModel) keyMap() keyMap {
	short := []key.Binding{keys.NextLink}
	if l.entry.Stage >= 0 {
		short = append(short, keys.Run)
	}
	short = append(short, keys.NextChapter, global.Docs, global.Back, global.Help, global.Quit)
	return keyMap{
		short: short,
		full: [][]key.Binding{
			scrollKeys(),
			{keys.Left, keys.Right, keys.NextLink, keys.PrevLink, keys.Follow},
			{keys.HalfDown, keys.HalfUp, keys.NextChapter, keys.PrevChapter, keys.Run, global.Docs},
			{global.Back, global.Help, global.Quit},
		},
	}
}

// resize fits the view; the caller re-renders when the width changed.
func (l lessonModel) resize(width, height int) lessonModel {
	l.width, l.height = width, max(height, 1)
	return l.clamp()
}

// pageWidth is the width a chapter is drawn for: the window less a margin.
func pageWidth(window int) int { return max(window-2, 20) }

// setPage shows a drawn chapter, at the heading asked for if any, else
// where the reader was (a resize keeps the same share of the chapter).
func (l lessonModel) setPage(width int, p page) lessonModel {
	share := 0.0
	if n := len(l.page.lines); n > 0 {
		share = float64(l.top) / float64(n)
	}
	if l.next != "" {
		p.lines = append(p.lines, pageLine{}, pageLine{spans: []span{
			{text: margin, link: -1},
			{text: "End of the chapter · n: next, " + l.next, style: dimStyle, link: -1},
		}})
	}
	hadPage := len(l.page.lines) > 0
	l.rendered, l.failure, l.page = width, "", p
	if hadPage {
		l.top = int(share * float64(len(p.lines)))
	}
	if line, ok := p.anchors[l.anchor]; ok && l.anchor != "" {
		l.top = line
	}
	l.anchor = ""
	if l.focus >= len(p.links) {
		l.focus = -1
	}
	return l.clamp()
}

// setFailure shows why there is no chapter.
func (l lessonModel) setFailure(err error) lessonModel {
	l.failure = err.Error()
	return l
}

// show jumps to a heading of the chapter (after it is drawn, if it is not
// yet).
func (l lessonModel) show(anchor string) lessonModel {
	if line, ok := l.page.anchors[anchor]; ok && l.rendered > 0 {
		l.top, l.focus = line, -1
		return l.clamp()
	}
	l.anchor = anchor
	return l
}

func (l lessonModel) maxTop() int { return max(len(l.page.lines)-l.height, 0) }

func (l lessonModel) clamp() lessonModel {
	l.top = min(max(l.top, 0), l.maxTop())
	widest := 0
	for _, line := range l.page.lines {
		if line.wide {
			widest = max(widest, line.width())
		}
	}
	l.x = min(max(l.x, 0), max(widest-l.width+1, 0))
	return l
}

// reachedEnd says the reader has seen the end of the chapter, or most of
// it: that is when it counts as read.
func (l lessonModel) reachedEnd() bool {
	n := len(l.page.lines)
	if l.rendered == 0 || l.failure != "" || n == 0 {
		return false
	}
	return float64(min(l.top+l.height, n)) >= readAt*float64(n)
}

func (l lessonModel) handleKey(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	switch {
	case key.Matches(msg, keys.Run) && l.entry.Stage >= 0:
		return l, chooseCmd(runChosenMsg{Stage: l.entry.Stage})
	case key.Matches(msg, keys.NextLink):
		return l.moveFocus(1), nil
	case key.Matches(msg, keys.PrevLink):
		return l.moveFocus(-1), nil
	case key.Matches(msg, keys.Follow):
		if l.focus >= 0 && l.focusVisible() {
			return l, chooseCmd(linkFollowedMsg{From: l.entry.File, Top: l.top, Link: l.page.links[l.focus]})
		}
		return l, nil
	case key.Matches(msg, keys.NextChapter):
		return l, chooseCmd(chapterStepMsg{From: l.entry.File, Step: 1})
	case key.Matches(msg, keys.PrevChapter):
		return l, chooseCmd(chapterStepMsg{From: l.entry.File, Step: -1})
	case key.Matches(msg, keys.Up):
		l.top--
	case key.Matches(msg, keys.Down):
		l.top++
	case key.Matches(msg, keys.PageUp):
		l.top -= max(l.height-1, 1)
	case key.Matches(msg, keys.PageDown):
		l.top += max(l.height-1, 1)
	case key.Matches(msg, keys.HalfUp):
		l.top -= max(l.height/2, 1)
	case key.Matches(msg, keys.HalfDown):
		l.top += max(l.height/2, 1)
	case key.Matches(msg, keys.Top):
		l.top = 0
	case key.Matches(msg, keys.Bottom):
		l.top = l.maxTop()
	case key.Matches(msg, keys.Left):
		l.x -= sideStep
	case key.Matches(msg, keys.Right):
		l.x += sideStep
	}
	return l.clamp(), nil
}

func (l lessonModel) focusVisible() bool {
	if l.focus < 0 || l.focus >= len(l.page.links) {
		return false
	}
	line := l.page.links[l.focus].line
	return line >= l.top && line < l.top+l.height
}

// moveFocus selects the next (dir 1) or previous (dir -1) link: after the
// selected one when it is in view, else the first (or last) in view, and
// scrolls it into view. At the end it goes round to the other end.
func (l lessonModel) moveFocus(dir int) lessonModel {
	links := l.page.links
	if len(links) == 0 {
		return l
	}
	i := -1
	if l.focusVisible() {
		i = l.focus + dir
	} else {
		for j := range links {
			k := j
			if dir < 0 {
				k = len(links) - 1 - j
			}
			if line := links[k].line; line >= l.top && line < l.top+l.height {
				i = k
				break
			}
		}
		if i < 0 && dir > 0 {
			for k, lk := range links {
				if lk.line >= l.top {
					i = k
					break
				}
			}
		}
		if i < 0 && dir < 0 {
			for k := len(links) - 1; k >= 0; k-- {
				if links[k].line >= 0 && links[k].line < l.top {
					i = k
					break
				}
			}
		}
	}
	i = (i + len(links)) % len(links)
	l.focus = i
	line := links[i].line
	if line < l.top || line >= l.top+l.height {
		l.top = line - l.height/3
	}
	return l.clamp()
}

// here is the anchor of the heading the view is in, "" before the first.
func (l lessonModel) here() string {
	best, at := "", -1
	for id, line := range l.page.anchors {
		if line <= l.top && line > at {
			best, at = id, line
		}
	}
	return best
}

// status describes the selected link: where enter takes the reader.
func (l lessonModel) status() string {
	if !l.focusVisible() {
		return ""
	}
	lk := l.page.links[l.focus]
	return "enter: " + describeLink(l.entry.File, lk)
}

func (l lessonModel) view(width, height int) string {
	switch {
	case l.failure != "":
		return errorStyle.Render(l.failure)
	case l.rendered == 0:
		return dimStyle.Render("drawing the chapter…")
	}
	end := min(l.top+height, len(l.page.lines))
	lines := make([]string, 0, height)
	for _, line := range l.page.lines[l.top:end] {
		lines = append(lines, line.view(l.x, width, l.focus))
	}
	return strings.Join(lines, "\n")
}

// scrollInfo is the header's note on where in the chapter the reader is.
func (l lessonModel) scrollInfo() string {
	if l.rendered == 0 || len(l.page.lines) <= l.height {
		return ""
	}
	info := fmt.Sprintf("%d%%", min(l.top+l.height, len(l.page.lines))*100/len(l.page.lines))
	if l.x > 0 {
		info += fmt.Sprintf(" · code → %d", l.x)
	}
	return info
}
