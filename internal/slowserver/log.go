// This file holds the event log. The server must never wait on it: when
// the command's stdout goes to a pipe nobody reads, a write to it blocks
// forever, and a server that logged inline would stop answering. So lines
// go into a bounded buffer that one goroutine drains; when the buffer is
// full, a line is dropped and counted instead, and the count is written
// before the next line that gets through:
//
//	1,312 log lines dropped: nothing is reading stdout

package slowserver

import (
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"time"
)

const (
	// logBuffer is how many lines may wait for the writer; more are dropped.
	logBuffer = 1024
	// logFlushTimeout is the longest Close waits for the log to be written.
	logFlushTimeout = 300 * time.Millisecond
)

// logger queues lines for w and writes them on its own goroutine. A nil w
// discards everything and starts no goroutine. printf is safe from any
// goroutine, never blocks, and may still be called after close (the line is
// then dropped).
type logger struct {
	w       io.Writer
	name    string      // what w is, for the drop note: "stdout"
	lines   chan string // each with its newline
	stop    chan struct{}
	done    chan struct{} // closed when the drainer returns
	pending atomic.Int64  // dropped since the last note was written
	dropped atomic.Int64  // dropped in all, for Stats
}

// newLogger starts the drainer for w, unless w is nil.
func newLogger(w io.Writer, name string) *logger {
	l := &logger{w: w, name: name}
	if w == nil {
		return l
	}
	if l.name == "" {
		l.name = "the log"
	}
	l.lines = make(chan string, logBuffer)
	l.stop = make(chan struct{})
	l.done = make(chan struct{})
	go l.drain()
	return l
}

// printf queues one line (the newline is added here), or counts it as
// dropped when the buffer is full or the log is closed.
func (l *logger) printf(format string, args ...any) {
	if l.w == nil {
		return
	}
	select {
	case <-l.stop:
	default:
		select {
		case l.lines <- fmt.Sprintf(format+"\n", args...):
			return
		default:
		}
	}
	l.pending.Add(1)
	l.dropped.Add(1)
}

// close asks the drainer to write what is queued and stop, and waits for it
// at most wait: a writer that is stuck keeps the drainer (one goroutine)
// until its Write returns, and must not be reused before then. It reports
// whether everything queued was written.
func (l *logger) close(wait time.Duration) bool {
	if l.w == nil {
		return true
	}
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-l.done:
		return true
	case <-t.C:
		return false
	}
}

// drain writes lines until close, then what is still queued, and finally
// the drop note if lines were dropped since the last one.
func (l *logger) drain() {
	defer close(l.done)
	for {
		select {
		case line := <-l.lines:
			l.write(line)
		case <-l.stop:
			for {
				select {
				case line := <-l.lines:
					l.write(line)
				default:
					l.noteDrops()
					return
				}
			}
		}
	}
}

// write writes line, after the drop note if lines were dropped since the
// last one. A failed write is ignored: there is nowhere else to report it.
func (l *logger) write(line string) {
	l.noteDrops()
	_, _ = io.WriteString(l.w, line)
}

// noteDrops writes how many lines were dropped since it last did, if any.
func (l *logger) noteDrops() {
	if n := l.pending.Swap(0); n > 0 {
		_, _ = fmt.Fprintf(l.w, "%s log lines dropped: nothing is reading %s\n", thousands(n), l.name)
	}
}

// thousands formats n with commas: 1312 -> "1,312".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
