// The first floor: blocking sockets on one thread. For each of n
// requests in a row it makes a blocking socket, connects (on loopback,
// connect returns with the handshake done) and writes "Request i"; then,
// for each in the same order, it reads until the newline and closes.
// Every request is in flight before the first answer is read, as with the
// real clients. One request that does not answer holds up every one
// after it.

package main

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
)

// fetchAll sends all n requests, then reads all n answers.
func fetchAll(server *unix.SockaddrInet4, n int) outcome.Outcome {
	answered.Store(0)
	began := time.Now()
	fds := make([]int, 0, n)
	for i := 1; i <= n; i++ {
		fd, err := send(server, i)
		if err != nil {
			return failed(fds, n, began, fmt.Errorf("request %d: %w", i, err))
		}
		fds = append(fds, fd)
	}
	for i, fd := range fds {
		err := receive(fd, nil)
		_ = unix.Close(fd)
		if err != nil {
			return failed(fds[i+1:], n, began, fmt.Errorf("request %d: %w", i+1, err))
		}
		answered.Add(1)
	}
	return outcome.Outcome{Answered: n, Seconds: time.Since(began).Seconds()}
}

// failed closes the fds still open and reports the first failure, err; of
// the n requests, those not answered yet count as failed.
func failed(open []int, n int, began time.Time, err error) outcome.Outcome {
	for _, fd := range open {
		_ = unix.Close(fd)
	}
	got := int(answered.Load())
	return outcome.Outcome{Answered: got, Failed: n - got, Seconds: time.Since(began).Seconds(), Error: err.Error()}
}

// send makes a blocking socket, connects it and writes "Request i".
func send(server *unix.SockaddrInet4, i int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	unix.CloseOnExec(fd)
	if err := unix.Connect(fd, server); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("connect: %w", err)
	}
	msg := strconv.AppendInt([]byte("Request "), int64(i), 10)
	if _, err := unix.Write(fd, msg); err != nil { // a few bytes: one write takes them all
		_ = unix.Close(fd)
		return -1, fmt.Errorf("send: %w", err)
	}
	return fd, nil
}
