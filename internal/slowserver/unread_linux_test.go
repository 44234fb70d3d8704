package slowserver

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// unreadBytes is how many bytes wait in the server's connections, received
// by the kernel but not yet read by the server (SIOCINQ).
func (s *Server) unreadBytes(t *testing.T) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for conn := range s.conns {
		raw, err := conn.(*net.TCPConn).SyscallConn()
		require.NoError(t, err, "SyscallConn")
		var n int
		var ioctlErr error
		require.NoError(t, raw.Control(func(fd uintptr) { n, ioctlErr = unix.IoctlGetInt(int(fd), unix.SIOCINQ) }), "Control")
		require.NoError(t, ioctlErr, "ioctl SIOCINQ")
		total += n
	}
	return total
}
