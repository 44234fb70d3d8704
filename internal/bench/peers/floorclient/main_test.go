package main

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
	"github.com/loopfromscratch/loop/internal/slowserver"
)

// TestEveryRequestIsInFlightBeforeTheFirstAnswerIsRead runs the floor
// client against the real slow server: the server's peak says all n
// requests waited at once (one by one, the peak would be 1). The delay
// leaves room for 20 connects on a busy machine.
func TestEveryRequestIsInFlightBeforeTheFirstAnswerIsRead(t *testing.T) {
	const n = 20
	srv, server := startServer(t, slowserver.Config{Delay: 2 * time.Second})

	out, _ := within(t, func() (outcome.Outcome, error) { return fetchAll(server, n), nil })
	assert.Equal(t, outcome.Outcome{Answered: n, Seconds: out.Seconds}, out, "every request answered")
	st := srv.Stats()
	assert.Equal(t, int64(n), st.Served, "the server served each once")
	assert.Equal(t, int64(n), st.Peak, "all %d were in flight at once", n)
}

func TestARefusedConnectFailsTheRunNamingTheRequest(t *testing.T) {
	server := closedAddr(t)

	out, _ := within(t, func() (outcome.Outcome, error) { return fetchAll(server, 3), nil })
	assert.Equal(t, 0, out.Answered, "answered")
	assert.Equal(t, 3, out.Failed, "the requests not answered count as failed")
	assert.Equal(t, "request 1: connect: connection refused", out.Error)
}

func TestAFailedAnswerCountsTheOnesBeforeItAsAnswered(t *testing.T) {
	_, server := startServer(t, slowserver.Config{Delay: 10 * time.Millisecond,
		FailEvery: 3, FailMode: slowserver.FailReset})

	out, _ := within(t, func() (outcome.Outcome, error) { return fetchAll(server, 5), nil })
	assert.Equal(t, 2, out.Answered, "requests 1 and 2 were answered before request 3 was reset")
	assert.Equal(t, 3, out.Failed, "request 3, and 4 and 5 that were never read")
	assert.Contains(t, out.Error, "request 3: receive: ", "names the request and the step")
}

// startServer starts a slow server with cfg on a free loopback port,
// closed when the test ends, and returns it with its address as a
// sockaddr.
func startServer(t *testing.T, cfg slowserver.Config) (*slowserver.Server, *unix.SockaddrInet4) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	srv, err := slowserver.Start(cfg)
	require.NoError(t, err, "slow server")
	t.Cleanup(func() { srv.Close() })
	server, err := sockaddr(srv.Addr())
	require.NoError(t, err, "sockaddr")
	return srv, server
}

// runDeadline bounds a test's run: the clients block in system calls that
// nothing interrupts, so a run that loses a request would otherwise hang
// until go test's own timeout.
const runDeadline = 30 * time.Second

// within runs fetch and returns what it did, or fails the test if it has
// not ended within runDeadline (its goroutine is left blocked).
func within(t *testing.T, fetch func() (outcome.Outcome, error)) (outcome.Outcome, error) {
	t.Helper()
	type result struct {
		out outcome.Outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := fetch()
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(runDeadline):
		t.Fatalf("the run did not end within %v: a request waits for a wake-up that never comes", runDeadline)
		return outcome.Outcome{}, nil
	}
}

// closedAddr is a loopback address where nothing listens: a listener's,
// closed at once.
func closedAddr(t *testing.T) *unix.SockaddrInet4 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err, "listen")
	server, err := sockaddr(ln.Addr().String())
	require.NoError(t, err, "sockaddr")
	require.NoError(t, ln.Close(), "close: nothing listens there now")
	return server
}

func TestAddrMustBeIPv4HostAndPort(t *testing.T) {
	for _, bad := range []string{"localhost:80", "[::1]:80", "127.0.0.1", ""} {
		_, err := sockaddr(bad)
		assert.Error(t, err, "%q", bad)
	}
}
