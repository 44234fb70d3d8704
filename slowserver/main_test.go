// This file specifies the command through run: bad flags, a taken port, a
// whole session from banner to Ctrl-C, and one whose stdout nobody reads.

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loopfromscratch/loop/internal/stagetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRunRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"refuses a negative delay", []string{"-delay", "-1s"}, "-delay -1s: want 0 to 1h"},
		{"refuses a delay over an hour", []string{"-delay", "61m"}, "-delay 1h1m0s: want 0 to 1h"},
		{"refuses a delay that is not a duration", []string{"-delay", "5"}, `invalid value "5" for flag -delay`},
		{"refuses a delay too long for a duration", []string{"-delay", "9999999999h"}, `invalid value "9999999999h" for flag -delay`},
		{"refuses a negative jitter", []string{"-jitter", "-1ms"}, "-jitter -1ms: want 0 to 1h"},
		{"refuses the largest jitter without overflowing", []string{"-jitter", "9223372036854775807ns"}, "-jitter 2562047h47m16.854775807s: want 0 to 1h"},
		{"refuses a jitter that is not a duration", []string{"-jitter", "lots"}, `invalid value "lots" for flag -jitter`},
		{"refuses an unknown fail mode", []string{"-fail-mode", "explode"}, `-fail-mode: unknown fail mode "explode" (want reset or garbage)`},
		{"refuses a negative fail-every", []string{"-fail-every", "-2"}, "-fail-every -2: want 0 (never) or more"},
		{"refuses a fail-every that is not a number", []string{"-fail-every", "3rd"}, `invalid value "3rd" for flag -fail-every`},
		{"refuses a fail-every too big for an int", []string{"-fail-every", "99999999999999999999"}, `invalid value "99999999999999999999" for flag -fail-every`},
		{"refuses a negative max-conns", []string{"-max-conns", "-1"}, "-max-conns -1: want 0 (no cap) or more"},
		{"refuses a max-conns too big for an int", []string{"-max-conns", "1e99"}, `invalid value "1e99" for flag -max-conns`},
		{"refuses a zero read timeout", []string{"-read-timeout", "0"}, "-read-timeout 0s: want more than 0, up to 1h"},
		{"refuses a negative read timeout", []string{"-read-timeout", "-5s"}, "-read-timeout -5s: want more than 0, up to 1h"},
		{"refuses a read timeout over an hour", []string{"-read-timeout", "2h"}, "-read-timeout 2h0m0s: want more than 0, up to 1h"},
		{"refuses an address that is not host:port", []string{"-addr", "garbage"}, `-addr "garbage": want host:port`},
		{"refuses a port over 65535", []string{"-addr", "127.0.0.1:99999"}, `-addr "127.0.0.1:99999": want host:port`},
		{"refuses an empty address", []string{"-addr", ""}, `-addr "": want host:port`},
		{"refuses a quiet that is not a bool", []string{"-quiet=maybe"}, `invalid boolean value "maybe" for -quiet`},
		{"refuses an unknown flag", []string{"-speed", "fast"}, "flag provided but not defined: -speed"},
		{"refuses a flag with no value", []string{"-delay"}, "flag needs an argument: -delay"},
		{"refuses a stray argument", []string{"now"}, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr, nil)
			assert.Equal(t, 2, code, "exit code")
			assert.Empty(t, stdout.String(), "stdout")
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line on stderr: %q", stderr.String())
			assert.True(t, strings.HasPrefix(stderr.String(), "slowserver: "+tt.wantErr), "stderr %q starts with %q", stderr.String(), "slowserver: "+tt.wantErr)
			assert.True(t, strings.HasSuffix(stderr.String(), " (see -h)\n"), "stderr %q ends with a pointer to -h", stderr.String())
		})
	}
}

func TestRunPrintsHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run([]string{"-h"}, &stdout, &stderr, nil), "exit code")
	assert.Contains(t, stdout.String(), "-fail-mode", "usage")
	assert.Empty(t, stderr.String(), "stderr")
}

func TestRunReportsATakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err, "taking a port")
	defer ln.Close()

	var stdout, stderr bytes.Buffer
	code := run([]string{"-addr", ln.Addr().String()}, &stdout, &stderr, nil)
	assert.Equal(t, 1, code, "exit code")
	assert.Equal(t, "slowserver: "+ln.Addr().String()+" is already in use (another slow server?); "+
		"try -addr 127.0.0.1:0 for a free port, or another port such as -addr 127.0.0.1:8081\n", stderr.String())
}

func TestRunServesUntilASignal(t *testing.T) {
	var stdout, stderr stagetest.SyncBuffer
	signals := make(chan os.Signal, 1)
	defer func() { // stops the server on a failure path too
		select {
		case signals <- syscall.SIGTERM:
		default:
		}
	}()
	exit := make(chan int, 1)
	go func() {
		exit <- run([]string{"-addr", "127.0.0.1:0", "-delay", "200ms"}, &stdout, &stderr, signals)
	}()

	banner := regexp.MustCompile(`^slow server listening on (127\.0\.0\.1:\d+) — every reply takes 200ms \(Ctrl-C to stop\)\n`)
	require.Eventually(t, func() bool { return banner.MatchString(stdout.String()) },
		5*time.Second, 5*time.Millisecond, "the banner; stdout %q, stderr %q", stdout.String(), stderr.String())
	addr := banner.FindStringSubmatch(stdout.String())[1]

	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err, "dial")
	defer conn.Close()
	_, err = conn.Write([]byte("Request 7"))
	require.NoError(t, err, "write")
	reply, err := io.ReadAll(conn)
	require.NoError(t, err, "read")
	assert.Equal(t, "Response to Request 7\n", string(reply), "reply")

	signals <- syscall.SIGINT
	select {
	case code := <-exit:
		assert.Equal(t, 0, code, "exit code")
	case <-time.After(5 * time.Second):
		require.FailNow(t, "run did not return after the signal")
	}
	out := stdout.String()
	assert.Contains(t, out, `#1 arrived: "Request 7" (in flight 1)`, "log")
	assert.True(t, strings.HasSuffix(out, "stopping: 0 requests were in flight; served 1, failed 0, peak 1\n"),
		"stop line; stdout %q", out)
	assert.Equal(t, 1, strings.Count(out, "listening on"), "one listening line")
	assert.Empty(t, stderr.String(), "stderr")
}

// bannerThenStuck is stdout going to a pipe nobody reads, except that the
// first write (the banner, which names the port) goes to banner instead.
type bannerThenStuck struct {
	banner chan string
	once   sync.Once
	pipe   io.Writer
}

func (w *bannerThenStuck) Write(p []byte) (int, error) {
	first := false
	w.once.Do(func() { first = true })
	if first {
		w.banner <- string(p)
		return len(p), nil
	}
	return w.pipe.Write(p)
}

func TestRunWithStdoutNobodyReads(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err, "pipe")
	defer w.Close()
	defer r.Close() // first: a Write stuck on w then fails, and its goroutine ends
	require.NoError(t, w.SetWriteDeadline(time.Now().Add(100*time.Millisecond)), "deadline")
	_, err = w.Write(make([]byte, 1<<20))
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "filling the pipe")
	require.NoError(t, w.SetWriteDeadline(time.Time{}), "deadline")

	stdout := &bannerThenStuck{banner: make(chan string, 1), pipe: w}
	var stderr stagetest.SyncBuffer
	signals := make(chan os.Signal, 1)
	defer func() { // stops the server on a failure path too
		select {
		case signals <- syscall.SIGTERM:
		default:
		}
	}()
	exit := make(chan int, 1)
	go func() { exit <- run([]string{"-addr", "127.0.0.1:0", "-delay", "50ms"}, stdout, &stderr, signals) }()
	var addr string
	select {
	case banner := <-stdout.banner:
		m := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`).FindStringSubmatch(banner)
		require.NotNil(t, m, "the banner %q", banner)
		addr = m[1]
	case <-time.After(hangLimit):
		require.FailNow(t, "no banner", "stderr %q", stderr.String())
	}

	const n = 600 // 2 log lines each: more than the log's buffer
	results := make(chan error, n)
	for i := range n {
		go func() { results <- askOnce(addr, fmt.Sprint("Request ", i+1)) }()
	}
	for range n {
		assert.NoError(t, <-results, "a request, answered while nothing reads stdout")
	}

	start := time.Now()
	signals <- syscall.SIGINT
	select {
	case code := <-exit:
		assert.Equal(t, 0, code, "exit code")
		assert.Less(t, time.Since(start), 5*time.Second, "run returning promptly after the signal (it takes under a second)")
	case <-time.After(hangLimit):
		require.FailNow(t, "run did not return after the signal")
	}
	assert.Regexp(t, `^slowserver: \d+ log lines dropped: nothing is reading stdout\n$`, stderr.String(), "stderr")
}

// hangLimit is far beyond what any wait here needs, even with -race on a
// busy machine: a hang fails the test instead of stalling the suite.
const hangLimit = 30 * time.Second

// askOnce sends msg to addr and checks the reply; it is safe off the test
// goroutine.
func askOnce(addr, msg string) error {
	conn, err := net.DialTimeout("tcp", addr, hangLimit)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(hangLimit))
	if _, err := io.WriteString(conn, msg); err != nil {
		return err
	}
	reply, err := io.ReadAll(conn)
	if err != nil {
		return err
	}
	if want := "Response to " + msg + "\n"; string(reply) != want {
		return fmt.Errorf("reply %q, want %q", reply, want)
	}
	return nil
}
