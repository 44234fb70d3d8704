// This file holds the arithmetic every table shares: the ideal time of the
// sleep benchmark, the median of a case's runs, and how seconds, ratios and
// memory are written in a cell. Nothing here runs a process.

package main

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// idealSleep is the fastest the sleep benchmark can be: c workers share
// total sleeps of each, so the busiest sleeps ceil(total/c) times in a row.
func idealSleep(total, c int, each time.Duration) time.Duration {
	return time.Duration((total+c-1)/c) * each
}

// median is the middle of xs, or the mean of the two middle values when
// there is an even count; 0 for none. xs is not reordered.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// sample is one run of one case: how long its workload took, as the
// program itself timed it (process start-up not counted), and the peak
// resident memory of the whole process (runChild says how it is read).
type sample struct {
	seconds float64
	rss     uint64 // bytes
	failed  int    // requests that failed (connections only)
}

// result is every run of one case, or why it has none.
type result struct {
	samples []sample
	skipped string // "" when measured; otherwise why the cell is empty
	err     string // the last run's failure, when a run failed
}

// measured says whether the case has at least one run to report.
func (r result) measured() bool { return len(r.samples) > 0 }

// seconds is the median time of the runs.
func (r result) seconds() float64 {
	xs := make([]float64, len(r.samples))
	for i, s := range r.samples {
		xs[i] = s.seconds
	}
	return median(xs)
}

// rss is the median peak RSS of the runs, in bytes.
func (r result) rss() uint64 {
	xs := make([]float64, len(r.samples))
	for i, s := range r.samples {
		xs[i] = float64(s.rss)
	}
	return uint64(median(xs))
}

// failed is the most requests any run lost.
func (r result) failed() int {
	worst := 0
	for _, s := range r.samples {
		worst = max(worst, s.failed)
	}
	return worst
}

// formatSeconds writes a time with three significant figures or so:
// "10.09", "1.016", "0.153", "0.079", as the tables do.
func formatSeconds(s float64) string {
	if s >= 10 {
		return strconv.FormatFloat(s, 'f', 2, 64)
	}
	return strconv.FormatFloat(s, 'f', 3, 64)
}

// formatSeconds2 writes a time to the hundredth, as stage 4's summary
// gives it: "1.74".
func formatSeconds2(s float64) string { return strconv.FormatFloat(s, 'f', 2, 64) }

// formatDuration writes a duration with a space before its unit, as the
// tables' prose does: "10 ms", "1 s", "1.5 s".
func formatDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
	case d >= time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64) + " ms"
	}
	return d.String()
}

// formatRatio writes a multiple of the ideal: "1.01×", "44.7×", "205×".
func formatRatio(r float64) string {
	switch {
	case r < 10:
		return fmt.Sprintf("%.2f×", r)
	case r < 100:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.0f×", r)
}

// formatRSS writes a peak RSS in MiB ("65 MiB", "9.1 MiB") or, from
// 1 GiB, in GiB ("1.25 GiB").
func formatRSS(bytes uint64) string {
	mib := float64(bytes) / (1 << 20)
	switch {
	case mib >= 1024:
		return fmt.Sprintf("%.2f GiB", mib/1024)
	case mib >= 10:
		return fmt.Sprintf("%.0f MiB", mib)
	}
	return fmt.Sprintf("%.1f MiB", mib)
}

// formatCount writes a count with thousands separators: 100000 is
// "100,000".
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// formatIdeal writes an ideal time in seconds as short as it goes:
// "10", "1", "0.1", "0.01", "333.34".
func formatIdeal(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// medianOf says what a figure is: "median of 3 runs", or "one run".
func medianOf(runs int) string {
	if runs == 1 {
		return "one run"
	}
	return fmt.Sprintf("median of %d runs", runs)
}
