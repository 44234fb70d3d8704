//go:build race

package main

// raceEnabled: built with -race, whose instrumentation deepens every
// frame.
const raceEnabled = true
