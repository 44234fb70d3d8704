//go:build linux

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
	"github.com/loopfromscratch/loop/internal/slowserver"
)

// TestOnCoroutinesEveryRequestIsInFlightAtOnce runs the client against
// the real slow server: the server's peak says all n requests waited at once (one by
// one, the peak would be 1). n is more than a wave, so the second wave
// starts while the first waits. The delay leaves room for the connects on
// a busy machine.
func TestOnCoroutinesEveryRequestIsInFlightAtOnce(t *testing.T) {
	const n = wave + 20
	srv, server := startServer(t, slowserver.Config{Delay: 3 * time.Second})

	out, err := within(t, func() (outcome.Outcome, error) { return fetchAllOnCoroutines(server, n) })
	require.NoError(t, err, "the loop")
	assert.Equal(t, outcome.Outcome{Answered: n, Seconds: out.Seconds}, out, "every request answered")
	st := srv.Stats()
	assert.Equal(t, int64(n), st.Served, "the server served each once")
	assert.Equal(t, int64(n), st.Peak, "all %d were in flight at once", n)
}

func TestOnCoroutinesARefusedConnectFailsItsRequestNamingIt(t *testing.T) {
	server := closedAddr(t)

	out, err := within(t, func() (outcome.Outcome, error) { return fetchAllOnCoroutines(server, 3) })
	require.NoError(t, err, "the loop")
	assert.Equal(t, 0, out.Answered, "answered")
	assert.Equal(t, 3, out.Failed, "failed")
	assert.Equal(t, "request 1: connect: connection refused", out.Error)
}

func TestOnCoroutinesAResetFailsOnlyItsOwnRequest(t *testing.T) {
	_, server := startServer(t, slowserver.Config{Delay: 10 * time.Millisecond,
		FailEvery: 3, FailMode: slowserver.FailReset})

	out, err := within(t, func() (outcome.Outcome, error) { return fetchAllOnCoroutines(server, 5) })
	require.NoError(t, err, "the loop")
	assert.Equal(t, 4, out.Answered, "every request but the third")
	assert.Equal(t, 1, out.Failed, "request 3, reset by the server")
	assert.Contains(t, out.Error, "request 3: receive: ", "names the request and the step")
}

// TestOnCoroutinesReusedFdNumbersAreRegisteredAfresh runs three waves
// against a server that answers at once, so that early requests end and
// close their sockets while later waves open new ones under the same fd
// numbers: each new socket must be registered with epoll afresh, or its
// request would wait for ever.
func TestOnCoroutinesReusedFdNumbersAreRegisteredAfresh(t *testing.T) {
	const n = 3 * wave
	_, server := startServer(t, slowserver.Config{Delay: time.Millisecond})

	out, err := within(t, func() (outcome.Outcome, error) { return fetchAllOnCoroutines(server, n) })
	require.NoError(t, err, "the loop")
	assert.Equal(t, outcome.Outcome{Answered: n, Seconds: out.Seconds}, out, "every request answered")
}
