// A buffer a test can read while the program under test still writes to it
// from another goroutine: a server's log, a command's stdout.

package stagetest

import (
	"bytes"
	"sync"
)

// SyncBuffer is a bytes.Buffer whose Write and String may be called from
// different goroutines at once. The zero value is an empty buffer ready to
// use; pass a pointer as the io.Writer.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
