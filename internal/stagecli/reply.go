// This file holds what counts as an answer: a reply is one line of text
// ending in a newline, at most MaxReply bytes. The server's busy line, a
// reply too long, junk and silence are failures, each with an error a stage
// can return or test with errors.Is.

package stagecli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopfromscratch/loop/internal/slowserver"
)

// MaxReply is the longest reply a stage accepts, newline included: 64 KiB.
// A stage reads at most this many bytes of a reply; if none of them is a
// newline, the request fails with ErrReplyTooLong, "reply too long (64 KiB
// without a newline)", and the stage closes the socket instead of buffering
// whatever the server keeps sending.
const MaxReply = 64 << 10

// ErrReplyTooLong is the failure of a request whose first MaxReply bytes of
// reply hold no newline. A stage's receive loop returns it (or reports it
// with Failed) as soon as it has read MaxReply bytes without a newline;
// Answered also refuses such a reply with it.
var ErrReplyTooLong = errors.New("reply too long (64 KiB without a newline)")

// ErrBusy is the failure of a request the server turned away because it was
// full: its reply was slowserver.BusyReply. Answered reports it; a stage
// needs nothing special for it.
var ErrBusy = errors.New("server busy (-max-conns reached)")

// ErrTimeout is wrapped by the error Run.TimedOut reports, "no reply after
// 30s (timeout)", so that errors.Is(err, ErrTimeout) recognises a request
// that ran out of time.
var ErrTimeout = errors.New("timeout")

// timeoutError is a request that had no reply after the run's -timeout;
// after is the timeout as the user wrote it ("2s", "1m").
type timeoutError struct{ after string }

func (e timeoutError) Error() string { return "no reply after " + e.after + " (timeout)" }

// Unwrap makes errors.Is(err, ErrTimeout) true.
func (e timeoutError) Unwrap() error { return ErrTimeout }

// parseReply checks what a stage read for one request and returns the line
// without its newline (and without a "\r" before it), or the reason it is
// not an answer. The order matters: a reply too long is reported as that
// whatever it holds, and the busy line is recognised before it could pass
// for an answer.
func parseReply(b []byte) (string, error) {
	if len(b) >= MaxReply && bytes.IndexByte(b[:MaxReply], '\n') < 0 {
		return "", ErrReplyTooLong
	}
	if isBusy(b) {
		return "", ErrBusy
	}
	return oneLine(b)
}

// isBusy reports whether b is the slow server's busy line, with or without
// its "\r\n" or "\n".
func isBusy(b []byte) bool {
	line := bytes.TrimSuffix(b, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return string(line) == slowserver.BusyReply
}

// oneLine checks that a reply is one line of text ending in a newline and
// returns it without the newline.
func oneLine(reply []byte) (string, error) {
	line, found := bytes.CutSuffix(reply, []byte("\n"))
	switch {
	case len(reply) == 0:
		return "", fmt.Errorf("the server closed the connection without a reply")
	case !found || bytes.IndexByte(line, '\n') >= 0:
		return "", fmt.Errorf("malformed reply (not one line ending in a newline): %s", quoteShort(reply))
	case !utf8.Valid(line):
		return "", fmt.Errorf("malformed reply (not text): %s", quoteShort(reply))
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}

// quoteShort quotes the start of a reply for an error message.
func quoteShort(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q…", b[:40])
	}
	return fmt.Sprintf("%q", b)
}

// formatDuration writes a duration the way a person types one: "30s", "2s",
// "1m", "1m30s", "1h", "500ms" (time.Duration's String says "1m0s" and
// "1h0m0s").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
