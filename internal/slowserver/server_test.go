// This file specifies the server's behaviour over time: concurrency and its
// counters, failing on purpose, the connection cap, clients that go silent
// or away, Close, jitter and the log.

package slowserver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConcurrency(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		delay time.Duration
	}{
		{"answers 10 clients with all 10 in flight at once", 10, 300 * time.Millisecond},
		{"answers 1,000 clients with all 1,000 in flight at once", 1000, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, Config{Delay: tt.delay})
			conns := dialAll(t, s, tt.n)

			start := time.Now()
			results := make(chan result, tt.n)
			for i, conn := range conns {
				go func() { results <- send(conn, fmt.Sprintf("Request %d", i), start) }()
			}
			got := make(map[string]bool)
			for range tt.n {
				r := <-results
				assert.NoError(t, r.err, "reading a reply")
				got[r.reply] = true
			}
			elapsed := time.Since(start)

			assert.Len(t, got, tt.n, "every client got its own reply")
			assert.True(t, got["Response to Request 0\n"], "reply to Request 0")
			assert.GreaterOrEqual(t, elapsed, tt.delay, "no reply before the delay")
			assert.Less(t, elapsed, tt.delay+10*time.Second, "a hang guard; Peak below is the proof of concurrency")
			st := s.Stats()
			assert.Equal(t, Stats{InFlight: 0, Peak: int64(tt.n), Served: int64(tt.n), Accepted: int64(tt.n)}, st,
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
		5*time.Second, 5*time.Millisecond, "server accepting %d connections", n)
	return conns
}

func TestFailEvery(t *testing.T) {
	tests := []struct {
		name   string
		mode   FailMode
		failed func(r result) bool
	}{
		{"resets every 5th request", FailReset, func(r result) bool {
			return errors.Is(r.err, syscall.ECONNRESET) && r.reply == ""
		}},
		{"sends garbage with no newline for every 5th request", FailGarbage, func(r result) bool {
			return r.err == nil && r.reply != "" && !strings.Contains(r.reply, "\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, Config{Delay: 200 * time.Millisecond, FailEvery: 5, FailMode: tt.mode})
			var failed, answered int
			for _, r := range askAll(s.Addr(), 10, func(i int) string { return fmt.Sprint("Request ", i) }) {
				switch {
				case tt.failed(r):
					failed++
				case r.err == nil && strings.HasPrefix(r.reply, "Response to Request "):
					answered++
				default:
					t.Errorf("unexpected result: reply %q, error %v", r.reply, r.err)
				}
			}
			assert.Equal(t, 2, failed, "clients that saw the failure")
			assert.Equal(t, 8, answered, "clients that were answered")
			st := s.Stats()
			assert.Equal(t, int64(2), st.Failed, "Failed")
			assert.Equal(t, int64(8), st.Served, "Served")
			assert.Equal(t, int64(0), st.InFlight, "InFlight")
		})
	}
}

func TestMaxConns(t *testing.T) {
	s := startServer(t, Config{Delay: 300 * time.Millisecond, MaxConns: 3})
	var busy, answered int
	for _, r := range askAll(s.Addr(), 5, func(i int) string { return fmt.Sprint("Request ", i) }) {
		switch {
		case strings.HasPrefix(r.reply, BusyReply+"\n"):
			busy++
		case r.err == nil && strings.HasPrefix(r.reply, "Response to Request "):
			answered++
		default:
			t.Errorf("unexpected result: reply %q, error %v", r.reply, r.err)
		}
	}
	assert.Equal(t, 2, busy, "clients told busy")
	assert.Equal(t, 3, answered, "clients answered")
	st := s.Stats()
	assert.Equal(t, int64(2), st.Rejected, "Rejected")
	assert.Equal(t, int64(3), st.Peak, "Peak")
	assert.Equal(t, int64(5), st.Accepted, "Accepted")
}

func TestSilentClient(t *testing.T) {
	s := startServer(t, Config{Delay: time.Second, ReadTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", s.Addr())
	require.NoError(t, err, "dial")
	defer conn.Close()

	got := send(conn, "", time.Now())
	assert.NoError(t, got.err, "the server closes cleanly")
	assert.Empty(t, got.reply, "no reply to a client that sent nothing")
	assert.GreaterOrEqual(t, got.took, 200*time.Millisecond, "closed after the read timeout")
	assert.Less(t, got.took, DefaultReadTimeout/2, "closed by ReadTimeout, not the 10s default")
	assert.Equal(t, int64(1), s.Stats().Failed, "Failed")
}

func TestClientGoesAway(t *testing.T) {
	s := startServer(t, Config{Delay: 5 * time.Second})
	conn, err := net.Dial("tcp", s.Addr())
	require.NoError(t, err, "dial")
	_, err = conn.Write([]byte("Request 1"))
	require.NoError(t, err, "write")
	require.Eventually(t, func() bool { return s.Stats().InFlight == 1 }, 4*time.Second, 5*time.Millisecond,
		"the request arriving")

	require.NoError(t, conn.Close(), "closing the client")
	assert.Eventually(t, func() bool {
		st := s.Stats()
		return st.Failed == 1 && st.InFlight == 0
	}, 4*time.Second, 5*time.Millisecond, "the server noticing long before the delay; stats %+v", s.Stats())
	// goleak in TestMain proves the connection's goroutines ended.
}

func TestClose(t *testing.T) {
	s := startServer(t, Config{Delay: 5 * time.Second})
	results := make(chan result, 3)
	for i := range 3 {
		go func() { results <- ask(s.Addr(), fmt.Sprint("Request ", i)) }()
	}
	require.Eventually(t, func() bool { return s.Stats().InFlight == 3 }, 4*time.Second, 5*time.Millisecond,
		"3 requests arriving")

	start := time.Now()
	assert.Equal(t, 3, s.Close(), "requests in flight at Close")
	assert.Less(t, time.Since(start), time.Second, "Close returning promptly")
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

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"refuses a negative delay", Config{Delay: -time.Second}, "delay must not be negative"},
		{"refuses a negative jitter", Config{Jitter: -1}, "jitter must not be negative"},
		{"refuses a negative fail-every", Config{FailEvery: -1}, "fail-every must not be negative"},
		{"refuses a negative max-conns", Config{MaxConns: -1}, "max-conns must not be negative"},
		{"refuses a negative read timeout", Config{ReadTimeout: -1}, "read-timeout must not be negative"},
		{"refuses an unknown fail mode", Config{FailMode: 7}, "unknown fail mode 7"},
		{"reports a bad address", Config{Addr: "127.0.0.1:99999"}, "invalid port"},
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
