package stagetest

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// dial connects to addr and sends a request, as the slow server's clients
// do.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp4", addr, 5*time.Second)
	require.NoError(t, err, "dialling %s", addr)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = conn.Write([]byte("Request 1"))
	require.NoError(t, err, "sending the request")
	return conn
}

func TestSilentServerAcceptsAndNeverAnswersThenClosesAtCleanup(t *testing.T) {
	var conn net.Conn // outlives the subtest, and so the server
	t.Run("while the test runs, it never answers", func(t *testing.T) {
		addr := SilentServer(t)
		var err error
		conn, err = net.DialTimeout("tcp4", addr, 5*time.Second)
		require.NoError(t, err, "dialling %s", addr)
		_, err = conn.Write([]byte("Request 1"))
		require.NoError(t, err, "sending the request")

		require.NoError(t, conn.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
		n, err := conn.Read(make([]byte, 10))
		assert.Zero(t, n, "bytes read")
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "the read ran out of time: no reply")
	})
	require.NotNil(t, conn, "the subtest connected")
	defer conn.Close()
	// The subtest's cleanup closed the server's side: the client sees the
	// end of the stream at once.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err := conn.Read(make([]byte, 10))
	assert.ErrorIs(t, err, io.EOF, "the server closed its end at cleanup")
}

func TestUnacceptingServerLetsConnectsPileUpUnanswered(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out connect timeouts")
	}
	addr := UnacceptingServer(t)
	var connected []net.Conn
	defer func() {
		for _, c := range connected {
			_ = c.Close()
		}
	}()
	stuck := false
	for range 8 {
		conn, err := net.DialTimeout("tcp4", addr, 300*time.Millisecond)
		if err != nil {
			var ne net.Error
			require.True(t, errors.As(err, &ne) && ne.Timeout(), "a connect that fails must time out, not be refused: %v", err)
			stuck = true
			break
		}
		connected = append(connected, conn)
	}
	assert.True(t, stuck, "once the backlog is full a connect never completes (%d connected)", len(connected))
	require.NotEmpty(t, connected, "the backlog takes a first connection")

	c := connected[0]
	_, err := c.Write([]byte("Request 1"))
	require.NoError(t, err, "a connected client can send: the kernel buffers it")
	require.NoError(t, c.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	_, err = c.Read(make([]byte, 10))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "nothing ever answers")
}

func TestPiecesServerSendsTheReplyInSeparateReads(t *testing.T) {
	pieces := []string{"Response ", "in three", " pieces\n"}
	addr := PiecesServer(t, pieces, 300*time.Millisecond)
	conn := dial(t, addr)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))

	first := make([]byte, 4096)
	n, err := conn.Read(first)
	require.NoError(t, err, "the first read")
	rest, err := io.ReadAll(conn)
	require.NoError(t, err, "reading the rest until the server closes")

	assert.Equal(t, "Response in three pieces\n", string(first[:n])+string(rest), "all the pieces, in order, then the end")
	assert.Equal(t, "Response ", string(first[:n]), "the first read holds only the first piece")
}

func TestPiecesServerServesConnectionsAtOnce(t *testing.T) {
	addr := PiecesServer(t, []string{"a", "b\n"}, 200*time.Millisecond)
	replies := make(chan string, 5)
	for range 5 {
		conn := dial(t, addr)
		go func() {
			b, _ := io.ReadAll(conn)
			replies <- string(b)
		}()
	}
	for range 5 {
		assert.Equal(t, "ab\n", <-replies, "each client's reply")
	}
}

func TestStreamingServerStreamsBytesWithoutANewline(t *testing.T) {
	const total = 1<<20 + 7
	addr := StreamingServer(t, total)
	conn := dial(t, addr)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))

	b, err := io.ReadAll(conn)
	require.NoError(t, err, "reading until the server closes")
	assert.Len(t, b, total, "bytes streamed")
	assert.NotContains(t, string(b), "\n", "no newline anywhere")
	assert.Equal(t, strings.Repeat("x", 16), string(b[:16]), "the stream is x's")
}

func TestStreamingServerStopsWhenTheClientCloses(t *testing.T) {
	addr := StreamingServer(t, 1<<40) // a terabyte: only a server that stops would let cleanup end
	conn := dial(t, addr)
	_, err := io.ReadFull(conn, make([]byte, 64<<10))
	require.NoError(t, err, "reading the first 64 KiB")
	require.NoError(t, conn.Close(), "the client gives up")
	// The cleanup waits for the server's goroutine: goleak and the test's
	// end prove it returned.
}
