//go:build !linux

package main

// maxrssUnit is what ru_maxrss counts in on macOS: bytes.
const maxrssUnit = 1
