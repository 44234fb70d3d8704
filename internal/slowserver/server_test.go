// This file specifies the server's behaviour over time: concurrency and its
// counters, failing on purpose, the connection cap, clients that go silent
// or away, Close, jitter and the log.

package slowserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConcurrency(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"answers 10 clients with all 10 in flight at once", 10},
		{"answers 1,000 clients with all 1,000 in flight at once", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const delay = 200 * time.Millisecond
			hold := make(chan struct{})
			s := startServer(t, Config{Delay: delay, hold: hold})
			conns := dialAll(t, s, tt.n)

			start := time.Now()
			results := make(chan result, tt.n)
			for i, conn := range conns {
				go func() { results <- send(conn, fmt.Sprintf("Request %d", i), start) }()
			}
			// The replies wait for hold, so however slow this machine, all n
			// requests can be in flight at once; a server that handled them
			// one at a time never gets there.
			require.Eventually(t, func() bool { return s.Stats().InFlight == int64(tt.n) },
				hangGuard, 5*time.Millisecond, "all %d requests in flight at once; stats %+v", tt.n, s.Stats())
			close(hold)

			got := make(map[string]bool)
			for range tt.n {
				r := <-results
				assert.NoError(t, r.err, "reading a reply")
				assert.GreaterOrEqual(t, r.took, delay, "no reply before the delay")
				got[r.reply] = true
			}
			assert.Len(t, got, tt.n, "every client got its own reply")
			assert.True(t, got["Response to Request 0\n"], "reply to Request 0")
			assert.Equal(t, Stats{InFlight: 0, Peak: int64(tt.n), Served: int64(tt.n), Accepted: int64(tt.n)}, s.Stats(),
				"stats read right after the last reply (Peak == n: all n waited together)")
		})
	}
}

// dialAll opens n connections and waits until the server has accepted them
// all, so that their requests can then arrive together.
func dialAll(t *testing.T, s *Server, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		conn, err := net.Dial("tcp", s.Addr())
		require.NoError(t, err, "dialing connection %d", i)
		t.Cleanup(func() { conn.Close() })
		conns[i] = conn
	}
	require.Eventually(t, func() bool { return s.Stats().Accepted == int64(n) },
		hangGuard, 5*time.Millisecond, "server accepting %d connections", n)
	return conns
}

func TestFailEvery(t *testing.T) {
	modes := []struct {
		name   string
		mode   FailMode
		failed func(r result) bool
	}{
		{"resets requests 3, 6 and 9, whatever order they arrive in", FailReset, func(r result) bool {
			return errors.Is(r.err, syscall.ECONNRESET) && r.reply == ""
		}},
		{"sends garbage with no newline to requests 3, 6 and 9, whatever order they arrive in", FailGarbage, func(r result) bool {
			return r.err == nil && r.reply != "" && !strings.Contains(r.reply, "\n")
		}},
	}
	for _, tt := range modes {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, Config{Delay: 50 * time.Millisecond, FailEvery: 3, FailMode: tt.mode})
			var failed, answered []string
			// Requests 9, 8, … 1, all at once: arrival order is anyone's guess.
			for _, r := range askAll(s.Addr(), 9, func(i int) string { return fmt.Sprint("Request ", 9-i) }) {
				switch {
				case tt.failed(r):
					failed = append(failed, r.sent)
				case r.err == nil && r.reply == "Response to "+r.sent+"\n":
					answered = append(answered, r.sent)
				default:
					t.Errorf("unexpected result for %q: reply %q, error %v", r.sent, r.reply, r.err)
				}
			}
			assert.ElementsMatch(t, []string{"Request 3", "Request 6", "Request 9"}, failed, "requests that failed")
			assert.Len(t, answered, 6, "requests answered")
			st := s.Stats()
			assert.Equal(t, int64(3), st.Failed, "Failed")
			assert.Equal(t, int64(6), st.Served, "Served")
			assert.Equal(t, int64(0), st.InFlight, "InFlight")
		})
	}

	t.Run("answers a retried request: each number fails once", func(t *testing.T) {
		s := startServer(t, Config{FailEvery: 2})
		first := ask(s.Addr(), "Request 4")
		assert.ErrorIs(t, first.err, syscall.ECONNRESET, "first try of request 4")
		second := ask(s.Addr(), "Request 4")
		assert.NoError(t, second.err, "retry of request 4")
		assert.Equal(t, "Response to Request 4\n", second.reply, "retry of request 4")
	})

	t.Run("fails requests without a number by arrival order", func(t *testing.T) {
		s := startServer(t, Config{FailEvery: 2})
		var failed []int
		for i := 1; i <= 6; i++ { // one after another: arrival order is i
			if r := ask(s.Addr(), "hello"); r.err != nil {
				failed = append(failed, i)
			}
		}
		assert.Equal(t, []int{2, 4, 6}, failed, "requests that failed, in arrival order")
	})

	t.Run("never fails request 0", func(t *testing.T) {
		s := startServer(t, Config{FailEvery: 1})
		r := ask(s.Addr(), "Request 0")
		assert.NoError(t, r.err, "request 0")
		assert.Equal(t, "Response to Request 0\n", r.reply, "request 0")
	})
}

func TestMaxConns(t *testing.T) {
	hold := make(chan struct{})
	s := startServer(t, Config{MaxConns: 3, hold: hold})
	answers := make(chan result, 3)
	for i := range 3 {
		go func() { answers <- ask(s.Addr(), fmt.Sprint("Request ", i+1)) }()
	}
	require.Eventually(t, func() bool { return s.Stats().InFlight == 3 }, hangGuard, 5*time.Millisecond,
		"3 requests in flight, filling the server")

	t.Run("tells a line client over the cap that the server is busy", func(t *testing.T) {
		r := ask(s.Addr(), "Request 4")
		assert.NoError(t, r.err, "reading the reply")
		assert.Equal(t, BusyReply+"\n", r.reply, "reply")
	})

	t.Run("answers an HTTP client over the cap with 503 and the busy line", func(t *testing.T) {
		resp, err := http.Get("http://" + s.Addr() + "/")
		require.NoError(t, err, "GET")
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err, "reading the body")
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "status")
		assert.Equal(t, BusyReply+"\n", string(body), "body")
		assert.Equal(t, int64(len(body)), resp.ContentLength, "content length")
		http.DefaultClient.CloseIdleConnections()
	})

	t.Run("tells a silent client over the cap that it is busy, within a second or so", func(t *testing.T) {
		start := time.Now()
		conn, err := net.Dial("tcp", s.Addr())
		require.NoError(t, err, "dial")
		defer conn.Close()
		r := send(conn, "", start)
		assert.NoError(t, r.err, "reading the reply")
		assert.Equal(t, BusyReply+"\n", r.reply, "reply")
		assert.Less(t, r.took, 5*busyTimeout, "closed by busyTimeout, not left holding a goroutine")
	})

	close(hold)
	for range 3 {
		r := <-answers
		assert.NoError(t, r.err, "reading a reply")
		assert.Equal(t, "Response to "+r.sent+"\n", r.reply, "a client within the cap")
	}
	r := ask(s.Addr(), "Request 5")
	assert.Equal(t, "Response to Request 5\n", r.reply, "a client once the first three left (the turned-away ones held no slot)")
	st := s.Stats()
	assert.Equal(t, int64(3), st.Rejected, "Rejected")
	assert.Equal(t, int64(3), st.Peak, "Peak")
	assert.Equal(t, int64(7), st.Accepted, "Accepted")
	assert.Equal(t, int64(0), st.Failed, "Failed")
}

func TestSilentClient(t *testing.T) {
	const readTimeout = 200 * time.Millisecond
	s := startServer(t, Config{Delay: time.Second, ReadTimeout: readTimeout})
	// The clock starts before the dial: the server may accept, and start its
	// own clock, before Dial returns here (a clock started after Dial once
	// saw 199.93 ms).
	start := time.Now()
	conn, err := net.Dial("tcp", s.Addr())
	require.NoError(t, err, "dial")
	defer conn.Close()

	got := send(conn, "", start)
	assert.NoError(t, got.err, "the server closes cleanly")
	assert.Empty(t, got.reply, "no reply to a client that sent nothing")
	assert.GreaterOrEqual(t, got.took, readTimeout, "closed after the read timeout")
	assert.Less(t, got.took, DefaultReadTimeout/2, "closed by ReadTimeout, not the 10s default")
	assert.Equal(t, int64(1), s.Stats().Failed, "Failed")
}

func TestClientGoesAway(t *testing.T) {
	s := startServer(t, Config{Delay: 5 * time.Second})
	conn, err := net.Dial("tcp", s.Addr())
	require.NoError(t, err, "dial")
	_, err = conn.Write([]byte("Request 1"))
	require.NoError(t, err, "write")
	require.Eventually(t, func() bool { return s.Stats().InFlight == 1 }, hangGuard, 5*time.Millisecond,
		"the request arriving")

	require.NoError(t, conn.Close(), "closing the client")
	assert.Eventually(t, func() bool {
		st := s.Stats()
		return st.Failed == 1 && st.InFlight == 0
	}, hangGuard, 5*time.Millisecond, "the server noticing long before the delay; stats %+v", s.Stats())
	// goleak in TestMain proves the connection's goroutines ended.
}

// TestAWaitingConnectionHasOneGoroutineAndThrowsAwayWhatElseComes checks
// the cost of a waiting connection: one goroutine, not two (the count
// would double if a second goroutine read while the first slept); and
// that bytes a client sends after its request has been read are read and
// thrown away while it waits. Left unread, they would make the close
// after the reply a reset, which the client would see instead of the end
// of the reply. hold keeps every reply until both are checked.
func TestAWaitingConnectionHasOneGoroutineAndThrowsAwayWhatElseComes(t *testing.T) {
	const n = 40
	hold := make(chan struct{})
	s := startServer(t, Config{Delay: 10 * time.Millisecond, hold: hold})
	before := runtime.NumGoroutine()
	conns := make([]net.Conn, n)
	for i := range conns {
		conn, err := net.Dial("tcp", s.Addr())
		require.NoError(t, err, "dial")
		defer conn.Close()
		_, err = fmt.Fprintf(conn, "Request %d\n", i+1)
		require.NoError(t, err, "write the request")
		conns[i] = conn
	}
	require.Eventually(t, func() bool { return s.Stats().InFlight == n }, hangGuard, 5*time.Millisecond,
		"every request arriving; stats %+v", s.Stats())
	// The test's own connections add no goroutine; a second goroutine per
	// waiting connection would add n more.
	assert.Less(t, runtime.NumGoroutine()-before, n+n/2, "goroutines for %d waiting connections", n)

	for _, conn := range conns {
		_, err := conn.Write(bytes.Repeat([]byte("x"), 3*discardBuffer+1))
		require.NoError(t, err, "write more after the request")
	}
	require.Eventually(t, func() bool { return s.unreadBytes(t) == 0 }, hangGuard, 5*time.Millisecond,
		"the server reading what came after the requests; %d bytes still unread", s.unreadBytes(t))
	close(hold)
	for i, conn := range conns {
		got := send(conn, "", time.Now())
		assert.NoError(t, got.err, "reading reply %d to its end", i+1)
		assert.Equal(t, fmt.Sprintf("Response to Request %d\n", i+1), got.reply, "the reply ignores the extra bytes")
	}
	assert.Equal(t, int64(n), s.Stats().Served, "Served")
}

func TestClose(t *testing.T) {
	s := startServer(t, Config{Delay: 5 * time.Second})
	results := make(chan result, 3)
	for i := range 3 {
		go func() { results <- ask(s.Addr(), fmt.Sprint("Request ", i)) }()
	}
	require.Eventually(t, func() bool { return s.Stats().InFlight == 3 }, hangGuard, 5*time.Millisecond,
		"3 requests arriving")

	start := time.Now()
	assert.Equal(t, 3, s.Close(), "requests in flight at Close")
	assert.Less(t, time.Since(start), 2*time.Second, "Close returning promptly (it takes milliseconds)")
	assert.Equal(t, 3, s.Close(), "a second Close")
	for range 3 {
		assert.Empty(t, (<-results).reply, "an abandoned client gets no reply")
	}
	assert.Equal(t, int64(0), s.Stats().InFlight, "InFlight after Close")
	_, err := net.Dial("tcp", s.Addr())
	assert.Error(t, err, "dialing after Close")
}

func TestJitter(t *testing.T) {
	const delay, jitter = 100 * time.Millisecond, 50 * time.Millisecond
	s := startServer(t, Config{Delay: delay, Jitter: jitter})

	t.Run("keeps every delay within [Delay, Delay+Jitter)", func(t *testing.T) {
		seen := make(map[time.Duration]bool)
		for range 1000 {
			d := s.delay()
			assert.GreaterOrEqual(t, d, delay, "delay")
			assert.Less(t, d, delay+jitter, "delay")
			seen[d] = true
		}
		assert.Greater(t, len(seen), 100, "delays vary")
	})

	t.Run("answers every client, none before the delay", func(t *testing.T) {
		for _, r := range askAll(s.Addr(), 20, func(i int) string { return fmt.Sprint("Request ", i) }) {
			assert.NoError(t, r.err, "reading a reply")
			assert.GreaterOrEqual(t, r.took, delay, "reply time")
		}
		assert.Equal(t, int64(20), s.Stats().Served, "Served")
	})
}

func TestResetPeak(t *testing.T) {
	s := startServer(t, Config{})
	askAll(s.Addr(), 3, func(int) string { return "Request" })
	require.Equal(t, int64(0), s.Stats().InFlight, "InFlight")
	require.Positive(t, s.Stats().Peak, "Peak before ResetPeak")
	s.ResetPeak()
	assert.Equal(t, int64(0), s.Stats().Peak, "Peak after ResetPeak")
}

func TestLog(t *testing.T) {
	var log bytes.Buffer // written only by the server; read after Close
	s, err := Start(Config{Addr: "127.0.0.1:0", Delay: 50 * time.Millisecond, Log: &log})
	require.NoError(t, err, "Start")
	r := ask(s.Addr(), "Request 7")
	require.NoError(t, r.err, "asking")
	s.Close()

	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	require.Len(t, lines, 4, "log:\n%s", log.String())
	assert.Equal(t, "listening on "+s.Addr()+" (delay 50ms)", lines[0])
	assert.Equal(t, `#1 arrived: "Request 7" (in flight 1)`, lines[1])
	assert.Regexp(t, `^#1 answered after \d+\.\d\ds \(in flight 0\)$`, lines[2])
	assert.Equal(t, "shutdown: 0 requests were in flight and abandoned", lines[3])
}

// stuckWriter is stdout piped to a reader that stopped reading: every
// Write blocks until release is closed, then keeps what it is given.
type stuckWriter struct {
	stuck   chan struct{} // closed when the first Write begins
	once    sync.Once
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.stuck) })
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *stuckWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestLogThatNeverDrains(t *testing.T) {
	const n = 600 // 2 lines each: more than logBuffer holds
	log := &stuckWriter{stuck: make(chan struct{}), release: make(chan struct{})}
	s, err := Start(Config{Addr: "127.0.0.1:0", Delay: 50 * time.Millisecond, Log: log, LogName: "stdout"})
	require.NoError(t, err, "Start")
	released := false
	defer func() { // also on a failure path: lets the log's goroutine end
		if !released {
			close(log.release)
			s.Close()
		}
	}()

	t.Run("answers every request while nothing reads the log", func(t *testing.T) {
		select { // the log's goroutine holds the first line; the buffer is empty
		case <-log.stuck:
		case <-time.After(hangGuard):
			require.FailNow(t, "the log's goroutine never wrote")
		}
		for _, r := range askAll(s.Addr(), n, func(i int) string { return fmt.Sprint("Request ", i+1) }) {
			assert.NoError(t, r.err, "reading a reply")
			assert.Equal(t, "Response to "+r.sent+"\n", r.reply, "reply")
		}
		st := s.Stats()
		assert.Equal(t, int64(n), st.Served, "Served")
		assert.Equal(t, int64(2*n-logBuffer), st.LogDropped, "LogDropped: every line (2 a request) beyond the buffer")
	})

	t.Run("closes without waiting for the log", func(t *testing.T) {
		start := time.Now()
		assert.Equal(t, 0, s.Close(), "Close")
		assert.Less(t, time.Since(start), 5*logFlushTimeout, "Close waits at most logFlushTimeout for the log")
	})

	t.Run("notes the dropped lines before the next line that gets through", func(t *testing.T) {
		close(log.release)
		released = true
		lines := func() []string { return strings.SplitAfter(strings.TrimSuffix(log.String(), "\n"), "\n") }
		assert.Eventually(t, func() bool { return len(lines()) == 1+1+logBuffer }, hangGuard, 5*time.Millisecond,
			"the log: the stuck line, the note, the buffer")
		got := lines()
		require.GreaterOrEqual(t, len(got), 2, "log lines")
		assert.True(t, strings.HasPrefix(got[0], "listening on "), "the line the stuck Write held: %q", got[0])
		// Every line was dropped before the release (the shutdown line
		// too), so the first note counts them all.
		assert.Equal(t, fmt.Sprintf("%s log lines dropped: nothing is reading stdout\n", thousands(s.Stats().LogDropped)),
			got[1], "the note")
		// goleak in TestMain proves the log's goroutine ended.
	})
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1312: "1,312", 1234567: "1,234,567", -1234: "-1,234"} {
		assert.Equal(t, want, thousands(n), "thousands(%d)", n)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"refuses a negative delay", Config{Delay: -time.Second}, "-delay -1s: want 0 to 1h"},
		{"refuses a delay over an hour", Config{Delay: MaxDuration + 1}, "-delay 1h0m0.000000001s: want 0 to 1h"},
		{"refuses a negative jitter", Config{Jitter: -1}, "-jitter -1ns: want 0 to 1h"},
		{"refuses the largest jitter, which would overflow the delay", Config{Jitter: math.MaxInt64}, "-jitter 2562047h47m16.854775807s: want 0 to 1h"},
		{"refuses a negative fail-every", Config{FailEvery: -1}, "-fail-every -1: want 0 (never) or more"},
		{"refuses a negative max-conns", Config{MaxConns: -1}, "-max-conns -1: want 0 (no cap) or more"},
		{"refuses a negative read timeout", Config{ReadTimeout: -1}, "-read-timeout -1ns: want more than 0, up to 1h"},
		{"refuses a read timeout over an hour", Config{ReadTimeout: 2 * time.Hour}, "-read-timeout 2h0m0s: want more than 0, up to 1h"},
		{"refuses an unknown fail mode", Config{FailMode: 7}, "-fail-mode: unknown fail mode 7"},
		{"refuses a port over 65535", Config{Addr: "127.0.0.1:99999"}, `-addr "127.0.0.1:99999": want host:port`},
		{"refuses an address with no port", Config{Addr: "garbage"}, `-addr "garbage": want host:port`},
		{"refuses a port name", Config{Addr: "127.0.0.1:http"}, `-addr "127.0.0.1:http": want host:port`},
		{"reports a host it cannot listen on", Config{Addr: "192.0.2.1:0"}, "listen tcp 192.0.2.1:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(tt.cfg)
			assert.ErrorContains(t, err, tt.wantErr, "Start")
			assert.Nil(t, s, "server")
		})
	}
}

func TestFailMode(t *testing.T) {
	for _, m := range []FailMode{FailReset, FailGarbage} {
		parsed, err := ParseFailMode(m.String())
		assert.NoError(t, err, "ParseFailMode(%q)", m)
		assert.Equal(t, m, parsed, "ParseFailMode(%q)", m)
	}
	_, err := ParseFailMode("explode")
	assert.EqualError(t, err, `unknown fail mode "explode" (want reset or garbage)`)
	assert.Equal(t, "FailMode(9)", FailMode(9).String())
}
