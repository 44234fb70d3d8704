// This file holds the event log: one line per event, written whole even when
// hundreds of connection goroutines log at once.

package slowserver

import (
	"fmt"
	"io"
	"sync"
)

// logger serializes writes to w; a nil w discards everything.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

// printf writes one line (the newline is added here).
func (l *logger) printf(format string, args ...any) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}
