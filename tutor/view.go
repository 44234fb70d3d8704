// This file holds View: the header, the active screen's body and the help
// line. It only renders; the styles live in styles.go.

package main

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// View draws the whole window.
func (m model) View() string {
	s := m.current()
	head := titleStyle.Render("Loop from Scratch") + dimStyle.Render(" · ") + s.title()
	if m.notice != "" {
		head += "  " + warnStyle.Render(m.notice)
	}
	body := s.view(m.width, m.bodyHeight())
	// Pad the body so the help line stays at the bottom.
	if n := strings.Count(body, "\n") + 1; n < m.bodyHeight() {
		body += strings.Repeat("\n", m.bodyHeight()-n)
	}
	return lipgloss.JoinVertical(lipgloss.Left, truncate(head, m.width), body, m.statusView(), m.helpView())
}

// statusView is the status line, wrapped to at most two lines.
func (m model) statusView() string {
	return strings.Join(m.statusLines(), "\n")
}

func (m model) statusLines() []string {
	text, style := m.statusLine()
	if text == "" {
		return []string{""}
	}
	lines := wrap(text, m.width-1, "  ")
	lines = lines[:min(len(lines), 2)]
	for i, l := range lines {
		lines[i] = style.Render(truncate(l, m.width))
	}
	return lines
}

// statusLine answers the last thing the learner asked (a link followed,
// the browser), or describes the selected link; the line is blank
// otherwise.
func (m model) statusLine() (string, lipgloss.Style) {
	if m.status != "" {
		return m.status, warnStyle
	}
	if m.active == screenLesson {
		return m.lesson.status(), dimStyle
	}
	return "", dimStyle
}

func (m model) helpView() string {
	km := m.current().keyMap()
	help := m.help.ShortHelpView(km.short)
	if m.fullHelp && len(km.full) > 0 {
		help = m.help.FullHelpView(km.full)
	}
	// bubbles' help can overrun its width by an item when the ellipsis
	// does not fit: cut every line to the window.
	lines := strings.Split(help, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
	}
	return strings.Join(lines, "\n")
}

// helpHeight is how many lines the help takes.
func (m model) helpHeight() int {
	return strings.Count(m.helpView(), "\n") + 1
}
