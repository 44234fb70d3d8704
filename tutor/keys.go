// This file holds the key bindings, one set per screen plus the global
// ones, and the help.KeyMap each screen shows in its help line.

package main

import (
	"github.com/charmbracelet/bubbles/key"
)

// globalKeys work on every screen.
type globalKeys struct {
	Quit, Interrupt, Help, Back, Docs key.Binding
}

var global = globalKeys{
	Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop the run / quit")),
	Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
	Back:      key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
	Docs:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "web (tutor docs)")),
}

// screenKeys are the keys the screens use; each screen lists its own.
var keys = struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	HalfUp, HalfDown, Left, Right           key.Binding
	NextLink, PrevLink, Follow              key.Binding
	NextChapter, PrevChapter                key.Binding
	Pane, OneRequest, AllRequests           key.Binding
	Scroll, Open                            key.Binding // help only: what several keys do
	Lesson, Run, Compare, Reset, Yes, No    key.Binding
	Exercises, Start, Edit, Hint, Solution  key.Binding
	CheckNow, ResetExercise, Restore        key.Binding
}{
	Scroll:        key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑↓/pgdn", "scroll")),
	Open:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	PageUp:        key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
	PageDown:      key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn/f", "page down")),
	Top:           key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
	Bottom:        key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
	HalfUp:        key.NewBinding(key.WithKeys("u", "ctrl+u"), key.WithHelp("u", "half page up")),
	HalfDown:      key.NewBinding(key.WithKeys("d", "ctrl+d"), key.WithHelp("d", "half page down")),
	Left:          key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "code left")),
	Right:         key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "code right")),
	NextLink:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "links")),
	PrevLink:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous link")),
	Follow:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "follow")),
	NextChapter:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next")),
	PrevChapter:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "previous chapter")),
	Pane:          key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "loop pane")),
	OneRequest:    key.NewBinding(key.WithKeys("]", "["), key.WithHelp("[/]", "one request")),
	AllRequests:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all requests")),
	Lesson:        key.NewBinding(key.WithKeys("enter", "l"), key.WithHelp("enter/l", "lesson")),
	Run:           key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run")),
	Compare:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare runs")),
	Reset:         key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset progress")),
	Exercises:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "exercises")),
	Start:         key.NewBinding(key.WithKeys("enter", "s"), key.WithHelp("s", "start")),
	Edit:          key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "$EDITOR")),
	Hint:          key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
	Solution:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "solution")),
	CheckNow:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check")),
	ResetExercise: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reset to the stub")),
	Restore:       key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "restore the reference")),
	Yes:           key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
	No:            key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
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
