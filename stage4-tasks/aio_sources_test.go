package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

func TestRequestsBeyondTheFirstTenThousandComeFromOtherLoopbackAddresses(t *testing.T) {
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	require.NoError(t, err, "socket")
	defer unix.Close(lfd)
	require.NoError(t, unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}), "bind")
	require.NoError(t, unix.Listen(lfd, 16), "listen")
	sa, err := unix.Getsockname(lfd)
	require.NoError(t, err, "getsockname")
	run := &stagecli.Run{N: 19_000, Server: sa.(*unix.SockaddrInet4)}

	source := func(req int) [4]byte {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		require.NoError(t, err, "socket")
		defer unix.Close(fd)
		spreadSource(fd, run, req)
		require.NoError(t, unix.Connect(fd, run.Server), "request %d: connect", req) // blocking: loopback
		local, err := unix.Getsockname(fd)
		require.NoError(t, err, "getsockname")
		return local.(*unix.SockaddrInet4).Addr
	}
	assert.Equal(t, [4]byte{127, 0, 0, 1}, source(1), "the first requests connect as the kernel chooses")
	assert.Equal(t, [4]byte{127, 0, 0, 1}, source(spreadAbove), "up to the 10,000th")
	seen := map[[4]byte]bool{}
	for req := spreadAbove + 1; req <= spreadAbove+10; req++ {
		src := source(req)
		if runtime.GOOS == "linux" {
			assert.True(t, src[0] == 127 && src[3] >= 2 && src[3] <= 6, "request %d comes from 127.0.0.2–.6, not %v", req, src)
		}
		seen[src] = true
	}
	if runtime.GOOS == "linux" {
		assert.Len(t, seen, 5, "9,000 requests beyond the first 10,000 share five addresses, 2,000 each at most")
	}
}
