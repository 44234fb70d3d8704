// This file holds the wire format: how the first read becomes a request and
// what bytes go back (a line, an HTTP/1.1 response, the busy line or
// garbage). Nothing here touches a socket; fuzz_test.go checks its promises.

package slowserver

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	maxRequest = 4096 // bytes: the one read that is the request
	maxEcho    = 200  // characters of the request echoed in the reply
)

// BusyReply is the line (before its newline) a connection over the
// -max-conns cap gets instead of an answer; an HTTP client gets it as the
// body of a 503 Service Unavailable. It is part of the protocol: clients
// recognise it and report the request as refused, not answered.
const BusyReply = "busy: the server is full (-max-conns reached)"

// httpMethods are the prefixes that make a request an HTTP request.
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}

// garbage is what FailGarbage writes: binary, not UTF-8, no newline.
var garbage = []byte{0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x81, 0x1b, 0xc3, 0x28, 0x00, 0xde, 0xad}

// request is what the first read said.
type request struct {
	text   string // the first line, made printable and cut to maxEcho
	method string // the HTTP method, or "" for the line protocol
	number int64  // 7 for "Request 7"; -1 when the line ends in no number
}

// parseRequest cuts the first read at its first newline (dropping a '\r'),
// notes whether it starts like an HTTP request and reads its number.
func parseRequest(raw []byte) request {
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	req := request{text: printable(line, maxEcho), method: httpMethod(line), number: -1}
	if req.method == "" {
		req.number = requestNumber(line)
	}
	return req
}

// requestNumber reads the number a line-protocol request ends in: 7 for
// "Request 7" (what every stage sends) or for "7". It returns -1 when the
// last word is not 1 to 18 decimal digits, so it always fits an int64.
func requestNumber(line []byte) int64 {
	word := line[bytes.LastIndexByte(line, ' ')+1:]
	if len(word) == 0 || len(word) > 18 {
		return -1
	}
	for _, c := range word {
		if c < '0' || c > '9' {
			return -1
		}
	}
	n, err := strconv.ParseInt(string(word), 10, 64)
	if err != nil {
		return -1 // cannot happen: 18 digits always fit
	}
	return n
}

// httpMethod returns the method line starts with ("GET" for "GET / ..."),
// or "".
func httpMethod(line []byte) string {
	for _, m := range httpMethods {
		if bytes.HasPrefix(line, []byte(m+" ")) {
			return m
		}
	}
	return ""
}

// printable replaces invalid UTF-8 and non-printable characters with '?' and
// keeps at most limit characters, marking a cut with "...".
func printable(b []byte, limit int) string {
	var sb strings.Builder
	for n := 0; len(b) > 0 && n < limit; n++ {
		r, size := utf8.DecodeRune(b)
		if (r == utf8.RuneError && size == 1) || !unicode.IsPrint(r) {
			r = '?'
		}
		sb.WriteRune(r)
		b = b[size:]
	}
	if len(b) > 0 {
		sb.WriteString("...")
	}
	return sb.String()
}

// reply is the answer to req: "Response to <text>\n", wrapped in an HTTP/1.1
// 200 response if req was HTTP.
func reply(req request) []byte {
	return respond(req, "200 OK", "Response to "+req.text+"\n")
}

// busyReply is what a connection over the cap gets: BusyReply and a
// newline, wrapped in an HTTP/1.1 503 response if req was HTTP (so curl
// reports the status instead of "Received HTTP/0.9").
func busyReply(req request) []byte {
	return respond(req, "503 Service Unavailable", BusyReply+"\n")
}

// respond returns line as it is for the line protocol, or as the body of an
// HTTP/1.1 response with the given status (headers only for HEAD).
func respond(req request, status, line string) []byte {
	if req.method == "" {
		return []byte(line)
	}
	head := fmt.Sprintf("HTTP/1.1 %s\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"Content-Length: %d\r\n"+
		"Connection: close\r\n\r\n", status, len(line))
	if req.method == "HEAD" {
		return []byte(head)
	}
	return []byte(head + line)
}
