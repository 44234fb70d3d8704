//go:build !linux

package main

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
)

// fetchAllOnCoroutines needs epoll: the second floor runs on Linux only,
// where the benchmark is measured.
func fetchAllOnCoroutines(*unix.SockaddrInet4, int) (outcome.Outcome, error) {
	return outcome.Outcome{}, errors.New("-coroutines needs epoll: Linux only")
}
