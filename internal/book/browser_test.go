// This file checks the book in a real browser: headless chromium loads the
// served pages and the test reads the DOM it built. It skips without
// chromium, except under CI.

package book

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds Debian's headless-capable browser. $CHROMIUM overrides.
func chromium(t *testing.T) string {
	t.Helper()
	for _, candidate := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if candidate == "" {
			continue
		}
		if path, err := exec.LookPath(candidate); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium was found: .ci/run installs it with apt-get install -y chromium")
	}
	t.Skip("no chromium installed, so the book was not checked in a real browser " +
		"(Debian/Ubuntu: sudo apt-get install -y chromium; CI runs this test)")
	return ""
}

// dumpDOM loads url in headless chromium and returns the DOM after the page
// has been parsed and laid out. The browser is killed if it takes too long.
func dumpDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(),
		"--dump-dom", url)
	cmd.WaitDelay = 5 * time.Second // then stop waiting for its pipes
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("chromium did not finish loading %s within a minute; it was killed.\nstderr:\n%s", url, stderr.String())
	}
	require.NoError(t, err, "chromium --dump-dom %s\nstderr:\n%s", url, stderr.String())
	return stdout.String()
}

func TestARealBrowserShowsTheBook(t *testing.T) {
	browser := chromium(t)
	h, err := Handler()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := []struct {
		name     string
		path     string
		contains []string
	}{
		{
			name: "the index shows the navigation with every chapter",
			path: "/",
			contains: []string{
				`<nav class="toc" aria-label="Chapters">`,
				`href="/stage1-callbacks.html"`,
				`href="/stage2-statemachine.html"`,
				`aria-current="page"`,
			},
		},
		{
			name: "a stage chapter shows the navigation, highlighted Go and its waterfall",
			path: "/stage1-callbacks.html",
			contains: []string{
				`<nav class="toc" aria-label="Chapters">`,
				`<a href="/stage1-callbacks.html" aria-current="page" class="current">`,
				`<pre class="chroma">`,
				`<span class="kd">func</span>`,
				`<span class="figure" role="img"`,
				`<svg xmlns="http://www.w3.org/2000/svg"`,
				`stage1-callbacks: 10 requests`,
				`rel="next"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dom := dumpDOM(t, browser, srv.URL+tt.path)
			require.True(t, strings.Contains(dom, "</html>"), "chromium printed no document for %s:\n%s", tt.path, dom)
			for _, want := range tt.contains {
				assert.Contains(t, dom, want, "the DOM of %s", tt.path)
			}
		})
	}
}
