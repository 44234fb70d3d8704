// This file holds what every screen is to the root model: a child model
// that draws its body, names itself and lists its keys. Each screen also has
// a typed key handler that the root's Update calls for the active screen.

package main

// screenID names the active screen.
type screenID int

const (
	screenHome screenID = iota
	screenLesson
	screenRun
	screenCompare
	screenExercises
)

// screen is a child model as the root's View sees it.
type screen interface {
	// title is the header's right-hand side.
	title() string
	// view draws the body in exactly width × height cells or fewer.
	view(width, height int) string
	// keyMap is what the help line shows.
	keyMap() keyMap
}
