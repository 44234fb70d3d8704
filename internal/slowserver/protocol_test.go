// This file specifies the wire format end to end: the line protocol, HTTP,
// and bad input, each over a real socket.

package slowserver

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLineProtocol(t *testing.T) {
	s := startServer(t, Config{Delay: 200 * time.Millisecond})
	tests := []struct {
		name string
		send string
		want string
	}{
		{"answers a request with no newline, as the seed article's clients send it", "Request 7", "Response to Request 7\n"},
		{"answers a request ending in a newline", "Request 8\n", "Response to Request 8\n"},
		{"drops the carriage return of a CRLF line", "Request 9\r\n", "Response to Request 9\n"},
		{"uses only the first line of the message", "Request 10\nand more\n", "Response to Request 10\n"},
		{"answers an empty line", "\n", "Response to \n"},
		{"replaces control characters with question marks", "Req\tuest\x01", "Response to Req?uest?\n"},
		{"keeps printable non-ASCII text", "Anfrage größe 7", "Response to Anfrage größe 7\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ask(s.Addr(), tt.send)
			require.NoError(t, got.err, "reading the reply")
			assert.Equal(t, tt.want, got.reply, "reply to %q", tt.send)
			assert.GreaterOrEqual(t, got.took, 200*time.Millisecond, "the reply came before the delay")
		})
	}
}

func TestBadInput(t *testing.T) {
	s := startServer(t, Config{Delay: 200 * time.Millisecond})
	t.Cleanup(func() { // runs after the parallel subtests, before Close
		st := s.Stats()
		assert.Equal(t, int64(3), st.Served, "Served")
		assert.Equal(t, int64(0), st.Failed+st.InFlight, "Failed+InFlight")
	})
	tests := []struct {
		name       string
		send       string
		wantPrefix string
	}{
		{"answers a 10 KiB request, echoing only 200 characters", strings.Repeat("a", 10<<10), "Response to " + strings.Repeat("a", 200) + "...\n"},
		{"answers binary junk with the junk replaced", "\x00\xff\xfe\x80junk\xc3\x28", "Response to ????junk?(\n"},
		{"answers a 4 KiB request with no newline in it", strings.Repeat("\xff", 5000), "Response to " + strings.Repeat("?", 200) + "...\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ask(s.Addr(), tt.send)
			require.NoError(t, got.err, "reading the reply")
			assert.Equal(t, tt.wantPrefix, got.reply, "reply")
			assert.True(t, utf8.ValidString(got.reply), "reply is UTF-8")
		})
	}
}

func TestHTTP(t *testing.T) {
	s := startServer(t, Config{Delay: 200 * time.Millisecond})
	url := "http://" + s.Addr() + "/hello"

	t.Run("answers GET with 200 and the reply line as the body", func(t *testing.T) {
		resp, err := http.Get(url)
		require.NoError(t, err, "GET")
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err, "reading the body")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "status")
		assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"), "content type")
		assert.Equal(t, "Response to GET /hello HTTP/1.1\n", string(body), "body")
	})

	t.Run("answers HEAD with the headers and no body", func(t *testing.T) {
		resp, err := http.Head(url)
		require.NoError(t, err, "HEAD")
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err, "reading the body")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "status")
		assert.Equal(t, int64(len("Response to HEAD /hello HTTP/1.1\n")), resp.ContentLength, "content length")
		assert.Empty(t, body, "body")
	})

	t.Run("answers a POST whose body arrives after the headers", func(t *testing.T) {
		resp, err := http.Post(url, "text/plain", strings.NewReader(strings.Repeat("b", 20<<10)))
		require.NoError(t, err, "POST")
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err, "reading the body")
		assert.Equal(t, "Response to POST /hello HTTP/1.1\n", string(body), "body")
	})
	http.DefaultClient.CloseIdleConnections()
}

func TestRequestNumber(t *testing.T) {
	tests := []struct {
		name string
		send string
		want int64
	}{
		{"reads the number a stage's request ends in", "Request 7", 7},
		{"reads it before a newline", "Request 12\r\nmore", 12},
		{"reads a bare number", "42", 42},
		{"reads zero", "Request 0", 0},
		{"reads 18 digits", "Request 999999999999999999", 999999999999999999},
		{"has no number when the last word is not digits", "Request 7a", -1},
		{"has no number after a trailing space", "Request 7 ", -1},
		{"has no number with 19 digits, too many for certain", "Request 9223372036854775807", -1},
		{"has no number with a sign", "Request -3", -1},
		{"gives an HTTP request no number, whatever its path", "GET /7 HTTP/1.1\r\n", -1},
		{"has no number when empty", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseRequest([]byte(tt.send)).number, "number of %q", tt.send)
		})
	}
}
