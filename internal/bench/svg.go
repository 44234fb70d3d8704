// This file draws the sleep table as an SVG chart: time against c, one line
// per implementation plus the ideal, both axes logarithmic. It is written
// by hand (no dependency) and is self-contained: no fonts, scripts or
// links to fetch, since the book serves pages under default-src 'none' and
// draws SVGs inline. Colours are set as attributes for a light page; a
// <style> with prefers-color-scheme: dark swaps them for a dark one. Every
// class starts with "sb-" because an inline SVG's <style> applies to the
// whole page.

package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// point is one measurement: x is c, y is seconds.
type point struct{ x, y float64 }

// series is one line of the chart.
type series struct {
	name   string
	points []point // in increasing x; a missing c is simply absent
}

// chart is what svg draws.
type chart struct {
	title          string
	subtitles      []string // small lines under the title
	xLabel, yLabel string
	ideal          series // drawn dashed, grey
	series         []series
}

// seriesStyle is a line's colours (light page, dark page) and marker.
type seriesStyle struct {
	light, dark string
	marker      string // circle, square, triangle, diamond, cross
}

// styles are given to the series in order; the palette is Okabe–Ito's,
// which stays apart for colour-blind readers, darkened for a light page
// and lightened for a dark one; the markers tell lines apart without
// colour.
var styles = []seriesStyle{
	{"#d55e00", "#ff8c42", "circle"},
	{"#0072b2", "#56b4e9", "square"},
	{"#007a5a", "#3ddc97", "triangle"},
	{"#b4478a", "#e7a3cb", "diamond"},
	{"#8a6d00", "#f0e442", "cross"},
}

// The chart's layout, in SVG units.
const (
	svgWidth    = 800
	svgHeight   = 460
	plotLeft    = 80
	plotRight   = 580
	plotTop     = 84
	plotBottom  = 404
	legendLeft  = 600
	legendTop   = 104
	legendEvery = 24
)

// The page colours, light and dark, as book.css has them.
const (
	lightBg, darkBg       = "#ffffff", "#0d1117"
	lightFg, darkFg       = "#1f2328", "#e6edf3"
	lightMuted, darkMuted = "#59636e", "#9198a1"
	lightGrid, darkGrid   = "#d1d9e0", "#3d444d"
	idealLight, idealDark = "#6e7781", "#8b949e"
)

// logAxis maps a value to a coordinate on a log scale between two decades.
type logAxis struct {
	lo, hi     float64 // log10 of the ends
	from, to   float64 // coordinates of the ends
	decadeLo   int     // first labelled decade
	decadeHigh int     // last labelled decade
}

// newLogAxis spans whole decades around every value, padded by pad
// decades on each side so no point sits on the frame.
func newLogAxis(values []float64, from, to, pad float64) logAxis {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v > 0 {
			lo, hi = min(lo, math.Log10(v)), max(hi, math.Log10(v))
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	a := logAxis{from: from, to: to, decadeLo: int(math.Floor(lo + 1e-9)), decadeHigh: int(math.Ceil(hi - 1e-9))}
	if a.decadeHigh == a.decadeLo {
		a.decadeHigh++
	}
	a.lo, a.hi = min(float64(a.decadeLo), lo-pad), max(float64(a.decadeHigh), hi+pad)
	return a
}

// at is v's coordinate.
func (a logAxis) at(v float64) float64 {
	return a.from + (math.Log10(v)-a.lo)/(a.hi-a.lo)*(a.to-a.from)
}

// writeSVG draws ch to w.
func writeSVG(w io.Writer, ch chart) error {
	var xs, ys []float64
	for _, s := range append([]series{ch.ideal}, ch.series...) {
		for _, p := range s.points {
			xs, ys = append(xs, p.x), append(ys, p.y)
		}
	}
	x := newLogAxis(xs, plotLeft, plotRight, 0.15)
	y := newLogAxis(ys, plotBottom, plotTop, 0)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" role="img" aria-labelledby="sb-title">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	fmt.Fprintf(&b, "<title id=\"sb-title\">%s</title>\n", esc(ch.title))
	writeStyle(&b)
	fmt.Fprintf(&b, `<rect class="sb-bg" width="%d" height="%d" fill="%s"/>`+"\n", svgWidth, svgHeight, lightBg)
	fmt.Fprintf(&b, `<text class="sb-fg" x="%d" y="26" font-size="15" font-weight="bold" fill="%s">%s</text>`+"\n", plotLeft, lightFg, esc(ch.title))
	for i, line := range ch.subtitles {
		fmt.Fprintf(&b, `<text class="sb-muted" x="%d" y="%d" font-size="11" fill="%s">%s</text>`+"\n", plotLeft, 46+i*15, lightMuted, esc(line))
	}
	writeAxes(&b, ch, x, y)
	writeSeries(&b, ch.ideal, -1, x, y)
	for i, s := range ch.series {
		writeSeries(&b, s, i, x, y)
	}
	writeLegend(&b, ch)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeStyle writes the dark-page colours: the light ones are attributes.
func writeStyle(b *strings.Builder) {
	b.WriteString("<style>\n@media (prefers-color-scheme: dark) {\n")
	fmt.Fprintf(b, "  .sb-bg { fill: %s; }\n  .sb-fg { fill: %s; }\n  .sb-muted { fill: %s; }\n", darkBg, darkFg, darkMuted)
	fmt.Fprintf(b, "  .sb-grid { stroke: %s; }\n  .sb-frame { stroke: %s; }\n", darkGrid, darkMuted)
	fmt.Fprintf(b, "  .sb-ideal { stroke: %s; }\n", idealDark)
	for i, st := range styles {
		fmt.Fprintf(b, "  .sb-s%d { stroke: %s; }\n  .sb-m%d { fill: %s; stroke: %s; }\n", i, st.dark, i, st.dark, st.dark)
	}
	b.WriteString("}\n</style>\n")
}

// writeAxes draws the frame, a grid line and a label at every decade, and
// the axis titles.
func writeAxes(b *strings.Builder, ch chart, x, y logAxis) {
	for d := x.decadeLo; d <= x.decadeHigh; d++ {
		v := math.Pow(10, float64(d))
		if v < math.Pow(10, x.lo) || v > math.Pow(10, x.hi) {
			continue
		}
		px := x.at(v)
		fmt.Fprintf(b, `<line class="sb-grid" x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>`+"\n", px, plotTop, px, plotBottom, lightGrid)
		fmt.Fprintf(b, `<text class="sb-muted" x="%.1f" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", px, plotBottom+18, lightMuted, formatCount(int(math.Round(v))))
	}
	for d := y.decadeLo; d <= y.decadeHigh; d++ {
		v := math.Pow(10, float64(d))
		py := y.at(v)
		fmt.Fprintf(b, `<line class="sb-grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>`+"\n", plotLeft, py, plotRight, py, lightGrid)
		fmt.Fprintf(b, `<text class="sb-muted" x="%d" y="%.1f" text-anchor="end" fill="%s">%s</text>`+"\n", plotLeft-8, py+4, lightMuted, strconv.FormatFloat(v, 'f', -1, 64))
	}
	fmt.Fprintf(b, `<rect class="sb-frame" x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s"/>`+"\n",
		plotLeft, plotTop, plotRight-plotLeft, plotBottom-plotTop, lightMuted)
	fmt.Fprintf(b, `<text class="sb-fg" x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n",
		(plotLeft+plotRight)/2, plotBottom+40, lightFg, esc(ch.xLabel))
	fmt.Fprintf(b, `<text class="sb-fg" transform="translate(%d %d) rotate(-90)" text-anchor="middle" fill="%s">%s</text>`+"\n",
		plotLeft-52, (plotTop+plotBottom)/2, lightFg, esc(ch.yLabel))
}

// writeSeries draws one line and its markers, each marker with a tooltip;
// index -1 is the ideal (dashed, no markers).
func writeSeries(b *strings.Builder, s series, index int, x, y logAxis) {
	if len(s.points) == 0 {
		return
	}
	var pts []string
	for _, p := range s.points {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x.at(p.x), y.at(p.y)))
	}
	if index < 0 {
		fmt.Fprintf(b, `<polyline class="sb-ideal" points="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n",
			strings.Join(pts, " "), idealLight)
		return
	}
	st := styles[index%len(styles)]
	fmt.Fprintf(b, `<polyline class="sb-s%d" points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n",
		index%len(styles), strings.Join(pts, " "), st.light)
	for _, p := range s.points {
		tip := fmt.Sprintf("%s at c = %s: %s s", s.name, formatCount(int(p.x)), formatSeconds(p.y))
		writeMarker(b, index%len(styles), x.at(p.x), y.at(p.y), tip)
	}
}

// writeMarker draws series i's marker centred on (cx, cy).
func writeMarker(b *strings.Builder, i int, cx, cy float64, tip string) {
	st := styles[i]
	attrs := fmt.Sprintf(`class="sb-m%d" fill="%s" stroke="%s"`, i, st.light, st.light)
	title := "<title>" + esc(tip) + "</title>"
	switch st.marker {
	case "square":
		fmt.Fprintf(b, `<rect %s x="%.1f" y="%.1f" width="8" height="8">%s</rect>`+"\n", attrs, cx-4, cy-4, title)
	case "triangle":
		fmt.Fprintf(b, `<polygon %s points="%.1f,%.1f %.1f,%.1f %.1f,%.1f">%s</polygon>`+"\n", attrs, cx, cy-5, cx-5, cy+4, cx+5, cy+4, title)
	case "diamond":
		fmt.Fprintf(b, `<polygon %s points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f">%s</polygon>`+"\n", attrs, cx, cy-5, cx+5, cy, cx, cy+5, cx-5, cy, title)
	case "cross":
		fmt.Fprintf(b, `<path %s stroke-width="2.5" d="M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f">%s</path>`+"\n", attrs, cx-4, cy-4, cx+4, cy+4, cx-4, cy+4, cx+4, cy-4, title)
	default:
		fmt.Fprintf(b, `<circle %s cx="%.1f" cy="%.1f" r="4">%s</circle>`+"\n", attrs, cx, cy, title)
	}
}

// writeLegend lists the series beside the plot, then the ideal.
func writeLegend(b *strings.Builder, ch chart) {
	for i, s := range ch.series {
		ly := float64(legendTop + i*legendEvery)
		st := styles[i%len(styles)]
		fmt.Fprintf(b, `<line class="sb-s%d" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n",
			i%len(styles), legendLeft, ly, legendLeft+28, ly, st.light)
		writeMarker(b, i%len(styles), legendLeft+14, ly, s.name)
		fmt.Fprintf(b, `<text class="sb-fg" x="%d" y="%.1f" fill="%s">%s</text>`+"\n", legendLeft+36, ly+4, lightFg, esc(s.name))
	}
	ly := float64(legendTop + len(ch.series)*legendEvery)
	fmt.Fprintf(b, `<line class="sb-ideal" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n",
		legendLeft, ly, legendLeft+28, ly, idealLight)
	fmt.Fprintf(b, `<text class="sb-fg" x="%d" y="%.1f" fill="%s">%s</text>`+"\n", legendLeft+36, ly+4, lightFg, esc(ch.ideal.name))
}

// esc escapes text for SVG (XML) content and attributes.
func esc(s string) string { return html.EscapeString(s) }

// sleepChart turns the sleep results into a chart: each measured
// implementation's median at each c it ran, and the ideal.
func (r sleepResults) sleepChart(machine string, runs int) chart {
	ch := chart{
		title: fmt.Sprintf("Sleep benchmark: %s sleeps of %v at concurrency c", formatCount(sleepTotal), formatDuration(sleepEach)),
		subtitles: []string{
			medianOf(runs) + ", each run in a fresh process; ideal = ceil(100,000/c) × 10 ms",
			strings.TrimPrefix(machine, "Machine: "),
		},
		xLabel: "c, sleepers at once (log scale)",
		yLabel: "seconds (log scale; lower is better)",
		ideal:  series{name: "ideal"},
	}
	for _, c := range r.cs {
		ch.ideal.points = append(ch.ideal.points, point{float64(c), idealSleep(sleepTotal, c, sleepEach).Seconds()})
	}
	for i, impl := range r.impls {
		if impl.missing != "" || impl.floor {
			continue
		}
		s := series{name: impl.name}
		for _, c := range r.cs {
			if cell := r.cells[c][i]; cell.measured() {
				s.points = append(s.points, point{float64(c), cell.seconds()})
			}
		}
		ch.series = append(ch.series, s)
	}
	return ch
}
