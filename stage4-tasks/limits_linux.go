// The one OS difference in limits.go's peakRSS: the unit getrusage counts
// ru_maxrss in. limits_other.go has macOS's.

package main

// maxrssUnit is what ru_maxrss counts in on Linux: KiB.
const maxrssUnit = 1024
