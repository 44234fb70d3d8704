// This file specifies the web site and `tutor docs`: what each address
// serves, that no page fetches from outside, and how links are rewritten.

package book

import (
	"bufio"
	"context"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/docs"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	require.NoError(t, err, "GET %s", path)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "reading GET %s", path)
	return resp.StatusCode, resp.Header, string(body)
}

func TestHandlerServesTheBook(t *testing.T) {
	h, err := Handler()
	require.NoError(t, err, "building the handler from docs.FS")
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := loadBook(t)

	tests := []struct {
		name        string
		path        string
		status      int
		contentType string
		contains    []string
	}{
		{name: "serves the index at /", path: "/", status: 200, contentType: "text/html", contains: []string{`<nav class="toc"`, "Stage 1", `href="/book.css"`}},
		{name: "serves the index as /index.html too", path: "/index.html", status: 200, contentType: "text/html", contains: []string{`<nav class="toc"`}},
		{name: "serves a stage chapter with highlighted code and its waterfall", path: "/stage1-callbacks.html", status: 200, contentType: "text/html",
			contains: []string{`class="chroma"`, `<span class="kd">func</span>`, "<svg", `rel="prev"`, `rel="next"`, `aria-current="page"`}},
		{name: "serves its own stylesheet", path: "/book.css", status: 200, contentType: "text/css", contains: []string{"nav.toc"}},
		{name: "serves the code stylesheet", path: "/chroma.css", status: 200, contentType: "text/css", contains: []string{".chroma", "prefers-color-scheme: dark"}},
		{name: "serves a waterfall picture", path: "/img/stage1-callbacks.svg", status: 200, contentType: "image/svg+xml", contains: []string{"<svg"}},
		{name: "answers 404 for an unknown page", path: "/no-such-chapter.html", status: 404, contentType: "text/html", contains: []string{"No such page", `<nav class="toc"`}},
		{name: "answers 404 for an unknown picture", path: "/img/nope.svg", status: 404},
		{name: "answers 404 for the picture folder", path: "/img/", status: 404},
		{name: "does not serve the raw Markdown", path: "/README.md", status: 404},
	}
	for _, c := range b.Chapters {
		tests = append(tests, struct {
			name        string
			path        string
			status      int
			contentType string
			contains    []string
		}{name: "serves " + c.File, path: "/" + c.URL(), status: 200, contentType: "text/html", contains: []string{"<title>" + template.HTMLEscapeString(c.Title)}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := get(t, srv, tt.path)
			assert.Equal(t, tt.status, status, "GET %s", tt.path)
			if tt.contentType != "" {
				assert.Contains(t, header.Get("Content-Type"), tt.contentType, "GET %s", tt.path)
			}
			for _, want := range tt.contains {
				assert.Contains(t, body, want, "GET %s", tt.path)
			}
		})
	}
}

// resourceURL finds the URLs a page makes the browser fetch by itself.
var resourceURL = regexp.MustCompile(`(?is)<(script|link|img|iframe|source|video|audio|object|embed)\b[^>]*?\b(src|href|data)\s*=\s*["']?([^"'\s>]+)`)

func TestNoPageFetchesAnythingFromOutside(t *testing.T) {
	h, err := Handler()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := loadBook(t)

	for _, c := range b.All() {
		t.Run(c.File+" loads only local resources", func(t *testing.T) {
			_, header, body := get(t, srv, "/"+strings.TrimPrefix(c.URL(), "./"))
			for _, m := range resourceURL.FindAllStringSubmatch(body, -1) {
				url := strings.ToLower(m[3])
				external := strings.HasPrefix(url, "//") ||
					(strings.Contains(url, "://") && !strings.HasPrefix(url, "http://127.0.0.1") && !strings.HasPrefix(url, "http://localhost"))
				assert.False(t, external, "%s: <%s %s=%q> leaves localhost", c.File, m[1], m[2], m[3])
			}
			assert.NotContains(t, body, "@import", "%s: a stylesheet import", c.File)
			assert.NotContains(t, body, "<script", "%s: the book runs no script", c.File)
			assert.Contains(t, header.Get("Content-Security-Policy"), "default-src 'none'", "%s: the browser should refuse outside requests", c.File)
		})
	}
	t.Run("the stylesheets import nothing and use no web fonts", func(t *testing.T) {
		for _, path := range []string{"/book.css", "/chroma.css"} {
			_, _, css := get(t, srv, path)
			assert.NotContains(t, css, "@import", path)
			assert.NotContains(t, css, "url(", path)
			assert.NotContains(t, css, "@font-face", path)
		}
	})
}

func TestLinksBecomePages(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md": {Data: []byte("# Book\n\n1. [One](one.md)\n2. [Two](two.md)\n")},
		"one.md": {Data: []byte("# One\n\nSee [two](two.md#more), [the index](README.md), [the code](../stage1-callbacks/), " +
			"[later](three.md), [Go](https://go.dev/) and [here](#one).\n\n![a waterfall](img/w.svg)\n\n![a photo](img/p.png)\n\n![not yet](img/later.svg)\n")},
		"two.md":    {Data: []byte("# Two\n\n## More\n")},
		"img/w.svg": {Data: []byte(`<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg"><text>drawn</text></svg>` + "\n")},
		"img/p.png": {Data: []byte("png")},
	}
	b, err := Load(fsys)
	require.NoError(t, err)
	out, err := b.HTML(b.Chapter("one.md"))
	require.NoError(t, err)
	html := string(out)

	tests := []struct {
		name string
		want string
	}{
		{name: "a chapter link points at its page, anchor kept", want: `<a href="two.html#more">two</a>`},
		{name: "the index link points at the site root", want: `<a href="./">the index</a>`},
		{name: "a repository path is text with a hint", want: `<span class="unlinked" title="in the repository: stage1-callbacks">the code</span>`},
		{name: "a chapter not written yet is text with a hint", want: `<span class="unlinked" title="not written yet: three.md">later</span>`},
		{name: "a web link stays a link", want: `<a href="https://go.dev/" rel="external noreferrer">Go</a>`},
		{name: "an anchor on the page stays", want: `<a href="#one">here</a>`},
		{name: "an SVG is drawn inline without its XML declaration", want: `<span class="figure" role="img" aria-label="a waterfall"><svg xmlns="http://www.w3.org/2000/svg"><text>drawn</text></svg>`},
		{name: "the inline SVG links to the picture", want: `<a href="img/w.svg">open the picture on its own</a>`},
		{name: "another picture is an img", want: `<img src="img/p.png" alt="a photo">`},
		{name: "a missing picture is a note", want: `[picture not generated yet: not yet]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, html, tt.want)
		})
	}
}

func TestMainCommand(t *testing.T) {
	t.Run("serves the book on the address it prints and stops cleanly when asked", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel() // stops the server on a failure path too
		var stdout, stderr stagetest.SyncBuffer
		code := make(chan int, 1)
		go func() { code <- run(ctx, []string{"-addr", "127.0.0.1:0"}, &stdout, &stderr) }()

		url := ""
		require.Eventually(t, func() bool {
			line, ok := strings.CutPrefix(stdout.String(), "the book is at ")
			url = strings.TrimSpace(line)
			return ok && strings.HasSuffix(line, "/\n")
		}, 30*time.Second, 10*time.Millisecond, "the URL line; stderr: %s", &stderr)
		assert.Regexp(t, `^http://127\.0\.0\.1:\d+/$`, url)

		resp, err := http.Get(url + "stage1-callbacks.html")
		require.NoError(t, err, "GET the stage 1 chapter")
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)

		resp, err = http.Get(url)
		require.NoError(t, err, "GET the index")
		index, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.NoError(t, err)
		if !strings.Contains(url, ":6060/") {
			assert.NotContains(t, string(index), "http://127.0.0.1:6060", "the index names the port it is served on")
			assert.Contains(t, string(index), url, "the index names the port it is served on")
		}
		title, _, _ := strings.Cut(string(index), "</title>")
		assert.Equal(t, 1, strings.Count(title, "Loop from Scratch"), "the title names the book once: %s", title)
		assert.NotContains(t, string(index), "Loop from Scratch — the book — Loop from Scratch")

		cancel()
		select {
		case c := <-code:
			assert.Equal(t, 0, c, "exit code after the stop; stderr: %s", &stderr)
		case <-time.After(10 * time.Second):
			t.Fatal("Main did not return after the stop")
		}
	})

	t.Run("warns when serving on every interface, and serves anyway", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var stdout, stderr stagetest.SyncBuffer
		code := make(chan int, 1)
		go func() { code <- run(ctx, []string{"-addr", "0.0.0.0:0"}, &stdout, &stderr) }()

		port := ""
		require.Eventually(t, func() bool {
			m := regexp.MustCompile(`^the book is at http://127\.0\.0\.1:(\d+)/\n`).FindStringSubmatch(stdout.String())
			if m != nil {
				port = m[1]
			}
			return m != nil
		}, 30*time.Second, 10*time.Millisecond, "the URL line; stdout: %s; stderr: %s", &stdout, &stderr)
		assert.Equal(t, "docs: warning: serving on every interface: anyone on your network can read these pages (-addr 127.0.0.1:PORT keeps them on this machine)\n",
			stderr.String(), "one line of warning")

		resp, err := http.Get("http://127.0.0.1:" + port + "/")
		require.NoError(t, err, "GET / through loopback")
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)

		cancel()
		select {
		case c := <-code:
			assert.Equal(t, 0, c, "exit code after the stop; stderr: %s", &stderr)
		case <-time.After(10 * time.Second):
			t.Fatal("Main did not return after the stop")
		}
	})

	t.Run("says the port is taken and suggests another address", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		var stdout, stderr stagetest.SyncBuffer
		code := run(context.Background(), []string{"-addr", ln.Addr().String()}, &stdout, &stderr)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr.String(), "is already in use; try another port, e.g. -addr 127.0.0.1:")
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		assert.Empty(t, stdout.String())
	})

	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{name: "rejects an unknown flag with exit code 2", args: []string{"-port", "1"}, code: 2},
		{name: "rejects an extra argument with exit code 2", args: []string{"now"}, code: 2},
		{name: "prints help with exit code 0", args: []string{"-h"}, code: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr stagetest.SyncBuffer
			assert.Equal(t, tt.code, run(context.Background(), tt.args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), "usage: tutor docs")
		})
	}
}

func TestExposure(t *testing.T) {
	tests := []struct {
		name string
		addr string
		want string // in the warning; "" for none
	}{
		{name: "IPv4 loopback is private to this machine", addr: "127.0.0.1:6060"},
		{name: "any 127/8 address is loopback too", addr: "127.0.0.2:6060"},
		{name: "IPv6 loopback is private to this machine", addr: "[::1]:6060"},
		{name: "0.0.0.0 is every interface", addr: "0.0.0.0:6060", want: "serving on every interface: anyone on your network can read these pages"},
		{name: "[::] is every interface", addr: "[::]:6060", want: "serving on every interface: anyone on your network can read these pages"},
		{name: "a LAN address is named", addr: "192.168.1.20:6060", want: "serving on 192.168.1.20, which is not loopback: anyone on your network can read these pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", tt.addr)
			require.NoError(t, err)
			got := exposure(addr)
			if tt.want == "" {
				assert.Empty(t, got, "exposure(%s)", tt.addr)
				return
			}
			assert.Contains(t, got, tt.want, "exposure(%s)", tt.addr)
		})
	}
}

func TestServerTimeouts(t *testing.T) {
	t.Run("the docs server has an idle and a read-header timeout", func(t *testing.T) {
		srv := newServer(http.NotFoundHandler(), idleTimeout)
		assert.Positive(t, srv.IdleTimeout, "IdleTimeout")
		assert.Positive(t, srv.ReadHeaderTimeout, "ReadHeaderTimeout")
	})
	t.Run("an idle keep-alive connection is closed by the server", func(t *testing.T) {
		const idle = 200 * time.Millisecond
		h, err := Handler()
		require.NoError(t, err)
		srv := newServer(h, idle)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		defer func() {
			_ = srv.Close()
			<-served
		}()

		conn, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer conn.Close()
		sent := time.Now() // the server's idle clock starts after this, once it has answered
		_, err = io.WriteString(conn, "GET /book.css HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err, "send a keep-alive request")
		r := bufio.NewReader(conn)
		resp, err := http.ReadResponse(r, nil)
		require.NoError(t, err, "read the response")
		_, err = io.Copy(io.Discard, resp.Body)
		require.NoError(t, err, "read the body")
		_ = resp.Body.Close()
		require.False(t, resp.Close, "the server keeps the connection for another request")

		// Only a generous upper bound: the server closes the connection
		// some time after idle, never before.
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
		_, err = r.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "the server closed the idle connection")
		assert.GreaterOrEqual(t, time.Since(sent), idle, "not before the idle timeout")
	})
}

func TestTheEmbeddedBookIsTheOneOnDisk(t *testing.T) {
	// The tutor shows docs.FS; the excerpt and link checks read docs/ on
	// disk. go test rebuilds the embed when a file changes, so they agree.
	onDisk, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	require.NoError(t, err)
	for _, path := range onDisk {
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		got, err := docs.FS.ReadFile(filepath.Base(path))
		require.NoError(t, err, "docs.FS lacks %s", filepath.Base(path))
		assert.Equal(t, string(want), string(got), filepath.Base(path))
	}
}
