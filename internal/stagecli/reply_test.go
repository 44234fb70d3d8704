package stagecli

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/loopfromscratch/loop/internal/slowserver"
)

func TestParseReply(t *testing.T) {
	long := strings.Repeat("x", MaxReply-1)
	tests := []struct {
		name    string
		reply   string
		want    string
		wantErr string
	}{
		{"a line ending in a newline is the reply", "Response to Request 7\n", "Response to Request 7", ""},
		{"a carriage return before the newline is dropped", "pong\r\n", "pong", ""},
		{"a line of exactly MaxReply bytes, newline included, is still a reply", long + "\n", long, ""},
		{"nothing at all means the server closed without a reply", "", "", "closed the connection without a reply"},
		{"no newline is malformed", "Response", "", "not one line ending in a newline"},
		{"two lines are malformed", "a\nb\n", "", "not one line ending in a newline"},
		{"bytes after the newline are malformed", "a\nb", "", "not one line ending in a newline"},
		{"bytes that are not text are malformed", "\xff\xfe\n", "", "not text"},
		{"the busy line is not an answer", slowserver.BusyReply + "\n", "", "server busy (-max-conns reached)"},
		{"the busy line with a carriage return is not an answer", slowserver.BusyReply + "\r\n", "", "server busy (-max-conns reached)"},
		{"the busy line cut before its newline is not an answer", slowserver.BusyReply, "", "server busy (-max-conns reached)"},
		{"a line that only starts like the busy line is an answer", slowserver.BusyReply + " soon\n", slowserver.BusyReply + " soon", ""},
		{"MaxReply bytes without a newline are too long", long + "x", "", "reply too long (64 KiB without a newline)"},
		{"more than MaxReply bytes with a newline after them are too long", long + "xx\n", "", "reply too long (64 KiB without a newline)"},
		{"a newline early and junk after it past MaxReply is malformed", "a\n" + long, "", "not one line ending in a newline"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseReply([]byte(tc.reply))
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestAnsweredReportsABusyReplyAsAFailure(t *testing.T) {
	var out bytes.Buffer
	r, _ := fakeRun(1, &out)
	r.Answered(1, []byte(slowserver.BusyReply+"\n"))
	assert.Contains(t, out.String(), "request 1 failed: server busy (-max-conns reached)\n")
	assert.Equal(t, 0, r.answered, "answered")
	assert.Equal(t, 1, r.failed, "failed")
}

func TestAnsweredRefusesAReplyTooLong(t *testing.T) {
	var out bytes.Buffer
	r, _ := fakeRun(1, &out)
	r.Answered(1, bytes.Repeat([]byte("x"), MaxReply+1))
	assert.Contains(t, out.String(), "request 1 failed: reply too long (64 KiB without a newline)\n")
	assert.Equal(t, 1, r.failed, "failed")
}

// FuzzParseReply checks what a stage makes of any reply: it never panics;
// an accepted reply is one line of UTF-8 text, at most MaxReply bytes, and
// not the busy line; the busy line and MaxReply bytes without a newline are
// refused with their own errors. CI runs it for 10 s:
//
//	go test ./internal/stagecli -run '^$' -fuzz '^FuzzParseReply$' -fuzztime 10s
func FuzzParseReply(f *testing.F) {
	for _, seed := range []string{
		"Response to Request 7\n",
		"pong\r\n",
		"",
		"\n",
		"a\nb\n",
		"\xff\xfe\n",
		slowserver.BusyReply + "\n",
		slowserver.BusyReply + "\r\n",
		"HTTP/1.1 200 OK\r\n",
		strings.Repeat("x", MaxReply-1) + "\n",
		strings.Repeat("x", MaxReply) + "\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		text, err := parseReply(b)
		tooLong := len(b) >= MaxReply && bytes.IndexByte(b[:MaxReply], '\n') < 0
		busy := string(bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))) == slowserver.BusyReply
		switch {
		case tooLong:
			if err != ErrReplyTooLong {
				t.Fatalf("%d bytes without a newline in the first %d: got (%q, %v), want ErrReplyTooLong", len(b), MaxReply, text, err)
			}
		case busy:
			if err != ErrBusy {
				t.Fatalf("the busy line %q: got (%q, %v), want ErrBusy", b, text, err)
			}
		case err == nil:
			if !utf8.ValidString(text) || strings.ContainsAny(text, "\n") || len(b) > MaxReply {
				t.Fatalf("accepted %q as %q: want one line of UTF-8 text of at most %d bytes", b, text, MaxReply)
			}
			if want := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"); text != want || !bytes.HasSuffix(b, []byte("\n")) {
				t.Fatalf("accepted %q as %q: want the line without its newline, %q", b, text, want)
			}
		}
	})
}
