// Many connections to one server: spreading them over loopback source
// addresses, as load generators do. A TCP connection is named by four
// numbers (source address and port, destination address and port), and
// connect picks the source port. Linux gives connect the even ports of its
// ephemeral range (bind gets the odd ones): 14,116 of them in the default
// 32768–60999. Past that many connections to one server address, every
// connect searches through all of them before it takes an odd one, ~0.7 ms
// per socket instead of ~56 µs: 19,000 connections spent ~6 s connecting
// (docs/performance.md). Linux answers on the whole of 127.0.0.0/8, so a
// run of more than spreadAbove requests to a loopback server sends each
// request beyond the first spreadAbove from one of several other source
// addresses, 127.0.0.2, .3, …, each with the even ports to itself. The
// first spreadAbove requests of any run, and so the default 10-request
// lesson, connect as before: there, spreading would only cost two system
// calls per request.

package main

import (
	"github.com/loopfromscratch/loop/internal/stagecli"
	"golang.org/x/sys/unix"
)

const (
	// spreadAbove: this many requests connect from 127.0.0.1 as the
	// kernel chooses, whose even ports suffice for them (measured:
	// spreading 10,000 saved no connect time and cost ~10 µs per request
	// in bind and setsockopt).
	spreadAbove = 10_000
	// perSource is how many requests share a source address: far below
	// the 14,116 even ports, so that earlier runs' connections still in
	// TIME_WAIT (60 s) leave room too.
	perSource = 2_000
)

// spreadSource binds fd, before its connect, to request req's loopback
// source address when req is beyond the first spreadAbove and the server
// is on loopback; otherwise it does nothing. IP_BIND_ADDRESS_NO_PORT leaves the
// port to connect, which then only needs the four numbers to be unused: a
// bind that chose the port itself would take an odd port for good,
// whatever the destination. It is best-effort: if the system refuses
// (macOS answers on 127.0.0.1 alone; see bindNoPort), the socket connects
// from the address the kernel picks, as without it.
func spreadSource(fd int, run *stagecli.Run, req int) {
	if req <= spreadAbove || run.Server.Addr[0] != 127 {
		return
	}
	spread := run.N - spreadAbove
	sources := min((spread+perSource-1)/perSource, 253) // 19,000 requests: 9,000 from 127.0.0.2 to .6
	src := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, byte(2 + req%sources)}}
	if bindNoPort(fd) == nil {
		_ = unix.Bind(fd, src)
	}
}
