// This file writes a run as an SVG waterfall: one row per request on a time
// axis in seconds, coloured by phase. It is self-contained (no fonts, no
// stylesheet) so the docs can embed it as it is.

package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// SVG geometry, in pixels.
const (
	svgLeft   = 70  // room for the request labels
	svgRight  = 30  // room past the last tick
	svgTop    = 56  // title and legend
	svgRowH   = 18  // one request
	svgBarH   = 12  // the bar inside a row
	svgBottom = 40  // the axis labels
	svgPlotW  = 640 // the time axis
)

// Colours of the phases (the same in light and dark viewers).
const (
	svgConnecting = "#f2c94c"
	svgWaiting    = "#56a0d3"
	svgAnswered   = "#27ae60"
	svgFailed     = "#eb5757"
)

// writeSVG draws tl; title names the run.
func writeSVG(w io.Writer, tl *timeline, title string) error {
	end := tl.Elapsed
	if end <= 0 {
		end = usDuration(tl.NowUS)
	}
	span := max(end.Seconds(), 0.001)
	x := func(tus int64) float64 { return svgLeft + float64(tus)/1e6/span*svgPlotW }
	height := svgTop + len(tl.Rows)*svgRowH + svgBottom
	width := svgLeft + svgPlotW + svgRight

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="15" font-weight="bold" fill="#222">%s</text>`+"\n", svgLeft, html.EscapeString(title))
	legend := []struct{ colour, name string }{{svgConnecting, "connecting"}, {svgWaiting, "sent, waiting"}, {svgAnswered, "answered"}, {svgFailed, "failed"}}
	for i, l := range legend {
		lx := svgLeft + i*120
		fmt.Fprintf(&b, `<rect x="%d" y="30" width="12" height="12" fill="%s"/><text x="%d" y="40" fill="#222">%s</text>`+"\n", lx, l.colour, lx+16, l.name)
	}

	// Axis ticks at a round step, with a faint line across the rows.
	step := tickStep(span)
	bottom := svgTop + len(tl.Rows)*svgRowH
	for t := 0.0; t <= span+step/1000; t += step {
		tx := svgLeft + t/span*svgPlotW
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", tx, svgTop, tx, bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#444">%s</text>`+"\n", tx, bottom+16, trimSeconds(t, step))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#444">time (s)</text>`+"\n", svgLeft+svgPlotW/2, bottom+34)

	for i, r := range tl.Rows {
		y := svgTop + i*svgRowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#222">req %d</text>`+"\n", svgLeft-8, y+svgBarH, r.ID)
		bar := func(from, to int64, colour, what string) {
			if from < 0 || to < from {
				return
			}
			w := math.Max(x(to)-x(from), 1)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>req %d %s %s–%s</title></rect>`+"\n",
				x(from), y+2, w, svgBarH, colour, r.ID, what, us(from), us(to))
		}
		sent, stop := r.Sent, r.End
		if stop < 0 {
			stop = end.Microseconds()
		}
		if sent < 0 {
			bar(r.Socket, stop, svgConnecting, "connecting")
			continue
		}
		bar(r.Socket, sent, svgConnecting, "connecting")
		colour := svgWaiting
		bar(sent, stop, colour, "waiting")
		if r.End >= 0 {
			colour = svgAnswered
			if r.Failed {
				colour = svgFailed
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%d" r="4" fill="%s"><title>req %d %s at %s</title></circle>`+"\n",
				x(r.End), y+2+svgBarH/2, colour, r.ID, r.Phase(), us(r.End))
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// tickStep picks 1, 2 or 5 × 10^k seconds so the axis has about 5–10 ticks.
func tickStep(span float64) float64 {
	raw := span / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// trimSeconds prints a tick label such as "0", "0.5", "2", with as many
// decimals as the step between ticks needs ("0.0002", "0.0004"), so two
// ticks never read the same.
func trimSeconds(t, step float64) string {
	decimals := 0
	if step > 0 {
		decimals = min(max(int(math.Ceil(-math.Log10(step)-1e-9)), 0), 9)
	}
	s := fmt.Sprintf("%.*f", decimals, t)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
