//go:build !linux

// The one OS difference in limits.go's peakRSS, for macOS: the unit
// getrusage counts ru_maxrss in. limits_linux.go has Linux's.

package main

// maxrssUnit is what ru_maxrss counts in on macOS: bytes.
const maxrssUnit = 1
