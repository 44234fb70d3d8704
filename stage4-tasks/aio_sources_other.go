//go:build !linux

// Other systems' part of aio_sources.go: macOS has no
// IP_BIND_ADDRESS_NO_PORT, and its loopback interface answers on
// 127.0.0.1 alone, so connections are not spread.

package main

import "errors"

// bindNoPort says no: without the option there is nothing to spread.
func bindNoPort(int) error { return errors.ErrUnsupported }
