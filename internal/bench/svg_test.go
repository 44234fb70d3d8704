package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogAxis(t *testing.T) {
	a := newLogAxis([]float64{100, 100_000}, 0, 300, 0)
	assert.Equal(t, 2, a.decadeLo)
	assert.Equal(t, 5, a.decadeHigh)
	assert.InDelta(t, 0, a.at(100), 1e-9, "the first decade is at the start")
	assert.InDelta(t, 100, a.at(1_000), 1e-9, "each decade takes the same length")
	assert.InDelta(t, 300, a.at(100_000), 1e-9, "the last decade is at the end")

	b := newLogAxis([]float64{0.079, 10.27}, 400, 100, 0)
	assert.Equal(t, -2, b.decadeLo, "0.079 is above 0.01")
	assert.Equal(t, 2, b.decadeHigh, "10.27 is below 100")
	assert.Less(t, b.at(10.27), b.at(0.079), "a y axis runs upwards: larger values are higher up, at smaller y")
}

func TestSleepChartSVG(t *testing.T) {
	ch := fakeSleep().sleepChart("Machine: AMD EPYC, 2 cores", 3)
	require.Len(t, ch.series, 4, "a missing peer has no line")
	assert.Len(t, ch.series[2].points, 1, "OS threads ran at c = 1,000 only")
	assert.Len(t, ch.series[3].points, 1, "Python's failed cell is left out")
	assert.Equal(t, []point{{1_000, 1}, {100_000, 0.01}}, ch.ideal.points)

	var b bytes.Buffer
	require.NoError(t, writeSVG(&b, ch), "writeSVG")
	svg := b.String()

	t.Run("is well-formed XML", func(t *testing.T) {
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, "decoding the SVG")
		}
	})
	t.Run("fetches nothing: no links, images, fonts or scripts", func(t *testing.T) {
		for _, bad := range []string{"href", "url(", "@import", "<script", "<image", "<foreignObject"} {
			assert.NotContains(t, svg, bad)
		}
		assert.Equal(t, 1, strings.Count(svg, "http"), "only the xmlns")
	})
	t.Run("names every line, the machine and the axes", func(t *testing.T) {
		for _, want := range []string{"our loop", "goroutines", "OS threads", "Python 3.11 asyncio", "ideal",
			"AMD EPYC, 2 cores", "median of 3 runs", "(log scale)", "100,000", "0.01"} {
			assert.Contains(t, svg, want)
		}
		assert.NotContains(t, svg, "Node 20")
		assert.NotContains(t, svg, "floor", "the floor is a table column, not a peer's line")
	})
	t.Run("has colours for a dark page", func(t *testing.T) {
		assert.Contains(t, svg, "@media (prefers-color-scheme: dark)")
		assert.Contains(t, svg, `class="sb-bg"`)
	})
	t.Run("puts every point inside the plot", func(t *testing.T) {
		x := newLogAxis([]float64{1_000, 100_000}, plotLeft, plotRight, 0.15)
		y := newLogAxis([]float64{0.01, 1.69}, plotBottom, plotTop, 0)
		for _, s := range ch.series {
			for _, p := range s.points {
				px, py := x.at(p.x), y.at(p.y)
				assert.True(t, px >= plotLeft && px <= plotRight && py >= plotTop && py <= plotBottom && !math.IsNaN(px+py),
					"%s at c = %v lies at (%.1f, %.1f)", s.name, p.x, px, py)
			}
		}
	})
}
