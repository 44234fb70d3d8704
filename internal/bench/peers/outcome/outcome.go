// Package outcome is the one line every client of the connections
// benchmark prints when it ends, the contract the benchmark script reads
// (internal/bench, parseOutcomeJSON). The Node and Python peers print the
// same JSON from their own scripts; the Go peers share this.
package outcome

import (
	"encoding/json"
	"io"
	"os"
)

// Outcome is how a client's run ended.
type Outcome struct {
	Answered int     `json:"answered"`
	Failed   int     `json:"failed"`
	Seconds  float64 `json:"seconds"` // from the first connect to the last answer
	Error    string  `json:"error"`   // the first failure, "" when none
}

// Write prints o to w as one JSON line.
func Write(w io.Writer, o Outcome) error { return json.NewEncoder(w).Encode(o) }

// Exit prints o on stdout and ends the process: exit code 1 if a request
// failed, else 0.
func Exit(o Outcome) {
	_ = Write(os.Stdout, o)
	if o.Failed > 0 {
		os.Exit(1)
	}
	os.Exit(0)
}
