package main

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagetest"
)

func TestTheEchoServerOnTheLoopAnswersManyClientsAtOnce(t *testing.T) {
	tests := []struct {
		name    string
		clients int
	}{
		{"one client", 1},
		{"two hundred clients at once", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stagetest.OpenFDs(t)
			loop := newTestLoop(t)
			lfd, err := listen(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
			require.NoError(t, err, "listen")
			addr, err := boundAddr(lfd)
			require.NoError(t, err, "boundAddr")
			server := NewTask(loop.EventLoop, "echo server", func(co Coro) (struct{}, error) {
				return struct{}{}, Serve(co, loop.EventLoop, lfd, func(co Coro, fd int) error { return echo(co, loop.EventLoop, fd) })
			})

			// Clients are ordinary blocking Go code on goroutines: the
			// server must not care who talks to it.
			replies := make(chan string, tc.clients)
			for i := range tc.clients {
				go func() { replies <- echoClient(addr, fmt.Sprintf("hello %d\n", i)) }()
			}
			got := map[string]bool{}
			NewTask(loop.EventLoop, "collector", func(co Coro) (int, error) {
				for len(got) < tc.clients {
					select {
					case r := <-replies:
						got[r] = true
					default:
						if _, err := Await(co, loop.Sleep(time.Millisecond)); err != nil {
							return 0, err
						}
					}
				}
				server.Cancel()
				return 0, nil
			})
			require.NoError(t, loop.Run(), "Run")
			for i := range tc.clients {
				assert.True(t, got[fmt.Sprintf("hello %d\n", i)], "client %d got its echo", i)
			}
			assert.NoError(t, unix.Close(lfd), "closing the listener")
			require.NoError(t, loop.Close(), "Close")
			assert.Empty(t, loop.stderr.String(), "no connection failed")
			assert.Equal(t, before, stagetest.WaitForFDs(t, before), "open fds: every connection closed")
		})
	}
}

// echoClient sends msg, closes its writing side and reads everything back.
func echoClient(addr *unix.SockaddrInet4, msg string) string {
	conn, err := net.DialTCP("tcp4", nil, &net.TCPAddr{IP: addr.Addr[:], Port: addr.Port})
	if err != nil {
		return "dial: " + err.Error()
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(msg)); err != nil {
		return "write: " + err.Error()
	}
	_ = conn.CloseWrite()
	buf := make([]byte, 0, 64)
	for {
		tmp := make([]byte, 64)
		n, err := conn.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			return string(buf)
		}
	}
}

// A connection accepted just before the loop closes gets a task that is
// cancelled before its first step, so its handler never runs: Serve must
// close the fd itself.
func TestAConnectionCancelledBeforeItsHandlerRanIsClosed(t *testing.T) {
	before := stagetest.OpenFDs(t)
	loop := newTestLoop(t)
	lfd, err := listen(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	require.NoError(t, err, "listen")
	addr, err := boundAddr(lfd)
	require.NoError(t, err, "boundAddr")
	handled := false
	NewTask(loop.EventLoop, "echo server", func(co Coro) (struct{}, error) {
		return struct{}{}, Serve(co, loop.EventLoop, lfd, func(co Coro, fd int) error {
			handled = true
			return echo(co, loop.EventLoop, fd)
		})
	})
	client, err := net.DialTCP("tcp4", nil, &net.TCPAddr{IP: addr.Addr[:], Port: addr.Port})
	require.NoError(t, err, "dial")
	for len(loop.live) < 2 { // the server's task and the connection's
		require.NoError(t, loop.runOnce(), "a turn of the loop")
	}
	require.NoError(t, loop.Close(), "Close, with the connection's first step still queued")
	assert.False(t, handled, "the handler never ran")
	assert.NoError(t, client.Close(), "closing the client")
	assert.NoError(t, unix.Close(lfd), "closing the listener")
	assert.Equal(t, before, stagetest.WaitForFDs(t, before), "open fds: the accepted connection was closed")
}
