package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestIdealSleep(t *testing.T) {
	tests := []struct {
		name string
		c    int
		want time.Duration
	}{
		{"one hundred workers sleep a thousand times each", 100, 10 * time.Second},
		{"a hundred thousand workers sleep once each", 100_000, 10 * time.Millisecond},
		{"three workers: the busiest sleeps ceil(100000/3) = 33,334 times", 3, 333_340 * time.Millisecond},
		{"more workers than sleeps still take one sleep", 1_000_000, 10 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, idealSleep(100_000, tc.c, 10*time.Millisecond), "idealSleep(100000, %d, 10ms)", tc.c)
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"of three is the middle one, whatever the order", []float64{1.8, 1.7, 1.74}, 1.74},
		{"of an even count is the mean of the two middle ones", []float64{4, 1, 3, 2}, 2.5},
		{"of two is their mean", []float64{1, 2}, 1.5},
		{"of one is that one", []float64{0.153}, 0.153},
		{"of none is zero", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, median(tc.xs), 1e-12, "median(%v)", tc.xs)
		})
	}
	t.Run("leaves its input in the order given", func(t *testing.T) {
		xs := []float64{3, 1, 2}
		median(xs)
		assert.Equal(t, []float64{3, 1, 2}, xs)
	})
}

func TestResultMedians(t *testing.T) {
	r := result{samples: []sample{{1.80, 70 << 20, 0}, {1.74, 65 << 20, 2}, {1.71, 90 << 20, 0}}}
	assert.InDelta(t, 1.74, r.seconds(), 1e-12, "seconds")
	assert.Equal(t, uint64(70<<20), r.rss(), "rss is the median of the peaks, not the largest")
	assert.Equal(t, 2, r.failed(), "failed is the worst run's")
	assert.True(t, r.measured())
	assert.False(t, result{skipped: "not installed"}.measured())
}

func TestFormatting(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"ten seconds and more: hundredths", formatSeconds(10.0912), "10.09"},
		{"under ten seconds: thousandths", formatSeconds(1.0164), "1.016"},
		{"a tenth of a second: thousandths", formatSeconds(0.0789), "0.079"},
		{"hundredths for the connection tables", formatSeconds2(1.745), "1.75"},
		{"a ratio near 1 with two decimals", formatRatio(1.0164), "1.02×"},
		{"a ratio over 10 with one", formatRatio(44.71), "44.7×"},
		{"a ratio over 100 with none", formatRatio(205.3), "205×"},
		{"RSS under 10 MiB with a decimal", formatRSS(9_542_041), "9.1 MiB"},
		{"RSS from 10 MiB whole", formatRSS(65 << 20), "65 MiB"},
		{"RSS just under 10 MiB rounds within MiB", formatRSS(10<<20 - 1), "10.0 MiB"},
		{"RSS from 1 GiB in GiB", formatRSS(1_342_177_280), "1.25 GiB"},
		{"RSS of nothing", formatRSS(0), "0.0 MiB"},
		{"a count with thousands separators", formatCount(100_000), "100,000"},
		{"a count under a thousand", formatCount(100), "100"},
		{"a negative count", formatCount(-19_000), "-19,000"},
		{"the ideal at c = 100", formatIdeal(10 * time.Second), "10"},
		{"the ideal at c = 100,000", formatIdeal(10 * time.Millisecond), "0.01"},
		{"milliseconds with a space", formatDuration(10 * time.Millisecond), "10 ms"},
		{"seconds with a space", formatDuration(1500 * time.Millisecond), "1.5 s"},
		{"one run is not a median", medianOf(1), "one run"},
		{"three runs are", medianOf(3), "median of 3 runs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.got)
		})
	}
}

func ExampleformatRSS() {
	fmt.Println(formatRSS(139 << 20))
	// Output: 139 MiB
}
