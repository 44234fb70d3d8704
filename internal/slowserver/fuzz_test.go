// This file holds the fuzz targets for the wire format: whatever bytes a
// client sends, parsing never panics and every reply keeps the protocol's
// promises (one line for the line protocol; a valid HTTP/1.1 response whose
// Content-Length matches its body). Seeds live in f.Add and in
// testdata/fuzz/<target>/. CI runs each target for a few seconds:
//
//	go test -run '^$' -fuzz '^FuzzParseRequest$' -fuzztime 10s ./internal/slowserver
//	go test -run '^$' -fuzz '^FuzzReply$' -fuzztime 10s ./internal/slowserver

package slowserver

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// seeds are requests worth starting from: what the stages and the seed
// article's clients send, HTTP, and bad input.
var seeds = []string{
	"Request 7",
	"Request 12\n",
	"Request 9\r\n",
	"Request 999999999999999999",
	"Request 9223372036854775808",
	"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"HEAD /hello HTTP/1.1\r\n\r\n",
	"POST /7 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
	"\x00\xff\xfe\x80junk\xc3\x28",
	"",
	"\n",
	"GET",
	strings.Repeat("é", 300),
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		req := parseRequest(raw)

		if !utf8.ValidString(req.text) {
			t.Fatalf("text %q is not UTF-8", req.text)
		}
		echoed := strings.TrimSuffix(req.text, "...")
		if n := utf8.RuneCountInString(echoed); n > maxEcho {
			t.Fatalf("text echoes %d characters, more than %d", n, maxEcho)
		}
		for _, r := range echoed {
			if !unicode.IsPrint(r) {
				t.Fatalf("text %q holds the unprintable %U", req.text, r)
			}
		}
		if req.method != "" && !slices.Contains(httpMethods, req.method) {
			t.Fatalf("method %q is not one of %v", req.method, httpMethods)
		}
		switch {
		case req.number < -1:
			t.Fatalf("number %d: want -1 or a number", req.number)
		case req.number >= 0 && req.method != "":
			t.Fatalf("HTTP request %q has number %d", req.text, req.number)
		case req.number >= 0 && len(req.text) < maxEcho && !strings.HasSuffix(req.text, strconv.FormatInt(req.number, 10)):
			// A short text is the whole line, so it ends in the number's
			// digits (leading zeros aside, which the suffix still matches).
			t.Fatalf("text %q does not end in its number %d", req.text, req.number)
		}
	})
}

func FuzzReply(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, raw []byte, busy bool) {
		req := parseRequest(raw)
		out, line := reply(req), "Response to "+req.text+"\n"
		if busy {
			out, line = busyReply(req), BusyReply+"\n"
		}
		if req.method == "" {
			checkLine(t, out, line)
			return
		}
		checkHTTP(t, req, out, line, busy)
	})
}

// checkLine checks a line-protocol reply: exactly line, which is one valid
// UTF-8 line ending in its only '\n'.
func checkLine(t *testing.T, out []byte, line string) {
	t.Helper()
	if string(out) != line {
		t.Fatalf("reply %q, want %q", out, line)
	}
	if bytes.IndexByte(out, '\n') != len(out)-1 || !utf8.Valid(out) {
		t.Fatalf("reply %q is not one UTF-8 line ending in \\n", out)
	}
}

// checkHTTP checks an HTTP reply: it parses as HTTP/1.1 with the right
// status, its Content-Length is the length of line, and its body is line
// (none for HEAD), with nothing after it.
func checkHTTP(t *testing.T, req request, out []byte, line string, busy bool) {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(out))
	resp, err := http.ReadResponse(r, &http.Request{Method: req.method})
	if err != nil {
		t.Fatalf("reply %q is not HTTP: %v", out, err)
	}
	defer resp.Body.Close()
	want := http.StatusOK
	if busy {
		want = http.StatusServiceUnavailable
	}
	if resp.StatusCode != want || resp.Proto != "HTTP/1.1" {
		t.Fatalf("status line %q %q, want HTTP/1.1 %d", resp.Proto, resp.Status, want)
	}
	if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(line)) {
		t.Fatalf("Content-Length %q, want %d", got, len(line))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body of %q: %v", out, err)
	}
	wantBody := line
	if req.method == "HEAD" {
		wantBody = ""
	}
	if string(body) != wantBody {
		t.Fatalf("body %q, want %q", body, wantBody)
	}
	if rest, _ := io.ReadAll(r); len(rest) > 0 {
		t.Fatalf("%d bytes after the body: %q", len(rest), rest)
	}
}
