package main

import "fmt"

// The table of transitions, printed: every state a Client can be in and
// where it may go next.
func ExampleState() {
	for s := Connecting; s <= Failed; s++ {
		fmt.Printf("%-10v → %v\n", s, transitions[s])
	}
	// Output:
	// connecting → [sending failed]
	// sending    → [receiving failed]
	// receiving  → [done failed]
	// done       → []
	// failed     → []
}
