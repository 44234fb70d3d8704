// This file holds every style the tutor draws with, in one place.

package main

import "github.com/charmbracelet/lipgloss"

var (
	accent = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#B69CFF"}
	muted  = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#9A9A9A"}

	titleStyle    = lipgloss.NewStyle().Bold(true).Foreground(accent)
	headerStyle   = lipgloss.NewStyle().Bold(true)
	dimStyle      = lipgloss.NewStyle().Foreground(muted)
	selectedStyle = lipgloss.NewStyle().Bold(true).Foreground(accent)
	doneStyle     = lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1E8E3E", Dark: "#6FDC8C"})
	errorStyle    = lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#C5221F", Dark: "#FF6B6B"})
	warnStyle     = lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#B06000", Dark: "#F2C94C"})
	errorBox      = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.AdaptiveColor{Light: "#C5221F", Dark: "#FF6B6B"}).Padding(0, 1)
	// The lesson's text.
	h1Style    = lipgloss.NewStyle().Bold(true).Foreground(accent)
	h2Style    = lipgloss.NewStyle().Bold(true)
	codeStyle  = lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#8A4B08", Dark: "#E5C07B"})
	linkStyle  = lipgloss.NewStyle().Underline(true).Foreground(lipgloss.AdaptiveColor{Light: "#1A73E8", Dark: "#56A0D3"})
	focusStyle = lipgloss.NewStyle().Reverse(true).Bold(true)

	paneStyle = lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(muted).PaddingLeft(1)

	phaseStyles = map[phase]lipgloss.Style{
		phaseConnecting: warnStyle,
		phaseSent:       lipgloss.NewStyle().Foreground(accent),
		phaseWaiting:    lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1A73E8", Dark: "#56A0D3"}),
		phaseAnswered:   doneStyle,
		phaseFailed:     errorStyle,
		phaseNone:       dimStyle,
	}
)

// paintPhase colours a piece of the waterfall.
func paintPhase(p phase, s string) string {
	if st, ok := phaseStyles[p]; ok {
		return st.Render(s)
	}
	return s
}
