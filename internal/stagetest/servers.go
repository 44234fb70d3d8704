// Bad servers, for the tests a stage must pass besides the slow server's:
// one that accepts and never answers, one that never accepts, one that
// sends its reply in pieces, and one that streams bytes without a newline.
// Each listens on a free loopback port and closes everything it opened
// when the test ends.

package stagetest

import (
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// SilentServer starts a server that accepts every connection, reads what
// the client sends and never answers, and returns its address. A stage
// without a deadline waits on it forever. Each connection is closed when
// its client closes, or when the test ends.
func SilentServer(t testing.TB) string {
	t.Helper()
	return serve(t, func(conn net.Conn, done <-chan struct{}) {
		buf := make([]byte, 4096)
		for {
			if _, err := conn.Read(buf); err != nil {
				return // the client closed, or the test ended
			}
		}
	})
}

// UnacceptingServer returns the address of a listener that never accepts.
// Its backlog is as short as the kernel allows (on Linux, one connection):
// the first connects complete in the kernel and then wait for a reply that
// never comes; once the backlog is full the kernel drops the others' SYNs,
// so their connect never completes. A stage's deadline must cover both. The
// listener is closed when the test ends.
func UnacceptingServer(t testing.TB) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	require.NoError(t, err, "socket for the unaccepting listener")
	unix.CloseOnExec(fd)
	t.Cleanup(func() { _ = unix.Close(fd) })
	require.NoError(t, unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}), "bind 127.0.0.1:0")
	require.NoError(t, unix.Listen(fd, 0), "listen with a backlog of 0")
	sa, err := unix.Getsockname(fd)
	require.NoError(t, err, "getsockname")
	return "127.0.0.1:" + strconv.Itoa(sa.(*unix.SockaddrInet4).Port)
}

// PiecesServer starts a server that answers every request with pieces,
// written one at a time with gap between them, then closes the connection;
// it returns its address. Join the pieces and end the last with "\n" for a
// good reply: a stage that takes its first read as the whole reply gets
// only pieces[0] and reports it malformed. Make gap a few tens of
// milliseconds or more, so that the pieces arrive in separate reads.
func PiecesServer(t testing.TB, pieces []string, gap time.Duration) string {
	t.Helper()
	return serve(t, func(conn net.Conn, done <-chan struct{}) {
		if !readRequest(conn) {
			return
		}
		for i, piece := range pieces {
			if i > 0 && !pause(gap, done) {
				return
			}
			if _, err := conn.Write([]byte(piece)); err != nil {
				return
			}
		}
	})
}

// StreamingServer starts a server that answers every request with total
// bytes of "x" and no newline, then closes the connection; it returns its
// address. A stage must give up after stagecli.MaxReply bytes (reply too
// long) instead of buffering everything. The server stops early when the
// client closes.
func StreamingServer(t testing.TB, total int) string {
	t.Helper()
	chunk := []byte(strings.Repeat("x", 32<<10))
	return serve(t, func(conn net.Conn, done <-chan struct{}) {
		if !readRequest(conn) {
			return
		}
		for left := total; left > 0; left -= len(chunk) {
			if _, err := conn.Write(chunk[:min(left, len(chunk))]); err != nil {
				return // the client gave up, or the test ended
			}
		}
	})
}

// serve listens on a free loopback port and runs handle on each connection
// in its own goroutine, closing the connection when handle returns. When
// the test ends it closes the listener and every open connection, closes
// done, and waits for every goroutine.
func serve(t testing.TB, handle func(conn net.Conn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err, "listening on a free loopback port")

	var (
		mu     sync.Mutex
		conns  = map[net.Conn]bool{} // open connections, guarded by mu
		closed bool                  // the test ended, guarded by mu
		wg     sync.WaitGroup
		done   = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // the listener is closed
			}
			mu.Lock()
			if closed { // accepted just as the test ended
				mu.Unlock()
				_ = conn.Close()
				return
			}
			conns[conn] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(conn, done)
				mu.Lock()
				delete(conns, conn)
				mu.Unlock()
				_ = conn.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		close(done)
		mu.Lock()
		closed = true
		for conn := range conns {
			_ = conn.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// readRequest does the one read that is a request, as the slow server
// does. It reports false if the client closed first.
func readRequest(conn net.Conn) bool {
	_, err := conn.Read(make([]byte, 4096))
	return err == nil
}

// pause waits d, or less if done closes first; it reports whether the
// whole of d went by.
func pause(d time.Duration, done <-chan struct{}) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-done:
		return false
	}
}
