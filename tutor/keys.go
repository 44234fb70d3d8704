// This file holds the key bindings, one set per screen plus the global
// ones, and the help.KeyMap each screen shows in its help line.

package main

import (
	"github.com/charmbracelet/bubbles/key"
)

// globalKeys work on every screen.
type globalKeys struct {
	Quit, Interrupt, Help, Back key.Binding
}

var global = globalKeys{
	Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop the run / quit")),
	Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
	Back:      key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
}

// screenKeys are the keys the screens use; each screen lists its own.
var keys = struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Lesson, Run, Compare, Reset, Yes, No    key.Binding
}{
	Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn/f", "page down")),
	Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
	Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
	Lesson:   key.NewBinding(key.WithKeys("enter", "l"), key.WithHelp("enter/l", "lesson")),
	Run:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run it")),
	Compare:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare runs")),
	Reset:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset progress")),
	Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
	No:       key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
}

// keyMap adapts a screen's bindings to help.KeyMap: the short list goes in
// the help line, the groups in the full help (?).
type keyMap struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp is the help line.
func (k keyMap) ShortHelp() []key.Binding { return k.short }

// FullHelp is the help shown by ?.
func (k keyMap) FullHelp() [][]key.Binding { return k.full }

// scrollKeys are the movement keys of the scrolling screens.
func scrollKeys() []key.Binding {
	return []key.Binding{keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.Top, keys.Bottom}
}
