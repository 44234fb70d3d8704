//go:build !linux && !darwin

// Other systems have neither epoll nor kqueue wired up here.

package main

import (
	"fmt"
	"runtime"
)

const sockFlags = 0

func newSelector() (Selector, error) {
	return nil, fmt.Errorf("stage4-tasks has selectors for Linux (epoll) and macOS (kqueue), not %s; on Windows, use WSL", runtime.GOOS)
}
