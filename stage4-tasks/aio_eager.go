// Connecting eagerly in a big run. A non-blocking connect says EINPROGRESS
// and the chapter's connect awaits Writable, which is right for a server
// across a network: the handshake takes a round trip. On Linux's loopback
// it is over before connect returns: the kernel sends the SYN, runs the
// listener's side and sends our ACK within the call, yet the call still
// says EINPROGRESS (measured: 10,000 times of 10,000). The await then costs
// a trip around the loop for nothing: a future, a watcher and its closure,
// a switch out of the coroutine and one back, a step, a turn, with the
// task's memory gone cold meanwhile behind a thousand other tasks. That
// trip was ~10 µs a request: 10,000 connections at a 1 s delay took
// 1.61 s with it and 1.52 s without (medians of 8, alternated;
// docs/performance.md).
//
// So a big run asks first, with poll(2) and a zero timeout: is the socket
// writable, or failed, that is, is the handshake over? Only if not does it
// await. A run of eagerAbove requests or fewer, the lessons' runs
// included, always awaits, so that the trace and the tutor show the
// connect's await as the chapter tells it.

package main

import (
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

// eagerAbove: a run of more requests than this (-n) connects eagerly,
// whether it starts in waves (fetchAll, aio_waves.go, with the same bound)
// or runs a demo. Tests that make a Run by hand, with N 0, never do.
const eagerAbove = startWave

// connectsEagerly says whether run's requests ask handshakeOver before
// they await a connect.
func connectsEagerly(run *stagecli.Run) bool { return run.N > eagerAbove }

// handshakeOver reports whether fd, whose connect said EINPROGRESS, has
// finished connecting already, well or not: poll(2) says it is writable
// (or failed) without waiting. Then SO_ERROR tells how it went
// (connectResult), as after an await.
func handshakeOver(fd int) bool {
	ask := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	n, err := unix.Poll(ask[:], 0)
	return err == nil && n == 1
}
