// This file holds what every test here shares: goleak in TestMain, starting
// a server on a free port, and a client that sends one message and reads
// until the server closes.

package slowserver

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// startServer starts a server on a free port and closes it when the test ends.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	s, err := Start(cfg)
	require.NoError(t, err, "Start")
	t.Cleanup(func() { s.Close() })
	return s
}

// result is what a client saw: the bytes it read and how reading ended.
type result struct {
	sent  string // the message, to tell the results of askAll apart
	reply string
	err   error // nil for a clean close; ECONNRESET for a reset
	took  time.Duration
}

// ask dials addr, sends msg and reads until the server closes. It never
// calls require, so it is safe off the test goroutine.
func ask(addr, msg string) result {
	start := time.Now()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return result{err: err}
	}
	defer conn.Close()
	return send(conn, msg, start)
}

// hangGuard bounds every client's wait for its reply: far beyond what any
// test here needs, even with -race on a busy machine, so a hang fails the
// test instead of stalling the suite.
const hangGuard = 30 * time.Second

// send writes msg on an open connection and reads the reply. A failed write
// is ignored: a rejected client still reads its busy line.
func send(conn net.Conn, msg string, start time.Time) result {
	_ = conn.SetDeadline(time.Now().Add(hangGuard))
	_, _ = io.WriteString(conn, msg)
	b, err := io.ReadAll(conn)
	return result{sent: msg, reply: string(b), err: err, took: time.Since(start)}
}

// askAll runs n clients at once; message i is msg(i). Results come back in
// the order the clients finish.
func askAll(addr string, n int, msg func(i int) string) []result {
	results := make(chan result, n)
	for i := range n {
		go func() { results <- ask(addr, msg(i)) }()
	}
	all := make([]result, 0, n)
	for range n {
		all = append(all, <-results)
	}
	return all
}
