// This file draws a timeline as text: one row per request on a shared time
// axis. The TUI paints the glyphs with colours; the plain output uses ASCII
// glyphs and no colour at all.

package main

import (
	"fmt"
	"math"
	"strings"
)

// glyphs are the characters of a waterfall.
type glyphs struct {
	Connecting, Sent, Waiting, Answered, Failed string
	Rail, Corner, Rule, Tick                    string // the frame
}

var (
	unicodeGlyphs = glyphs{Connecting: "░", Sent: "▸", Waiting: "─", Answered: "●", Failed: "✗",
		Rail: "│", Corner: "└", Rule: "─", Tick: "┴"}
	asciiGlyphs = glyphs{Connecting: ".", Sent: ">", Waiting: "-", Answered: "*", Failed: "x",
		Rail: "|", Corner: "+", Rule: "-", Tick: "+"}
)

// painter colours a run of glyphs of one phase; plain output passes none.
type painter func(p phase, s string) string

func noPaint(_ phase, s string) string { return s }

// axisEnd is how much time the axis shows: the whole run once it is done,
// else at least the server's delay plus a little, so rows grow into a
// frame that is already the right size.
func axisEnd(tl *timeline, nowUS int64) int64 {
	if tl.Done && tl.Elapsed > 0 {
		return tl.Elapsed.Microseconds()
	}
	end := max(nowUS, tl.NowUS, 1000)
	if d := tl.Delay.Microseconds(); d > 0 {
		end = max(end, d+d/20)
	}
	return end
}

// waterfallLines draws each row in width columns of bar (plus a label
// column before and a time after). nowUS is the clock: rows still in flight
// extend to it.
func waterfallLines(tl *timeline, width int, nowUS int64, g glyphs, paint painter) []string {
	width = max(width, 10)
	end := axisEnd(tl, nowUS)
	col := func(t int64) int {
		return min(width-1, int(math.Round(float64(t)/float64(end)*float64(width-1))))
	}
	now := nowUS
	if tl.Done {
		now = tl.Elapsed.Microseconds()
	}
	lines := make([]string, 0, len(tl.Rows))
	for _, r := range tl.Rows {
		var b strings.Builder
		fmt.Fprintf(&b, "%4d %s", r.ID, g.Rail)
		if r.Socket < 0 {
			b.WriteString(strings.Repeat(" ", width))
			lines = append(lines, b.String()+"  "+paint(phaseNone, "not started"))
			continue
		}
		stop := r.End
		if stop < 0 {
			stop = max(now, r.Socket)
		}
		cs, ce := col(r.Socket), col(stop)
		b.WriteString(strings.Repeat(" ", cs))
		sentCol := ce + 1 // past the end: not sent yet
		if r.Sent >= 0 {
			sentCol = col(r.Sent)
		}
		// connecting: [cs, sentCol); the sent mark; waiting up to ce; the end mark.
		run := func(p phase, glyph string, from, to int) {
			if to > from {
				b.WriteString(paint(p, strings.Repeat(glyph, to-from)))
			}
		}
		lastBar := ce
		if r.End >= 0 {
			lastBar = ce - 1 // the end mark takes ce
		}
		run(phaseConnecting, g.Connecting, cs, min(sentCol, lastBar+1))
		if sentCol <= lastBar {
			run(phaseSent, g.Sent, sentCol, sentCol+1)
			run(phaseWaiting, g.Waiting, sentCol+1, lastBar+1)
		}
		if r.End >= 0 {
			if r.Failed {
				run(phaseFailed, g.Failed, ce, ce+1)
			} else {
				run(phaseAnswered, g.Answered, ce, ce+1)
			}
		}
		b.WriteString(strings.Repeat(" ", width-ce-1))
		b.WriteString("  ")
		switch r.Phase() {
		case phaseAnswered:
			b.WriteString(seconds(usDuration(r.End)))
		case phaseFailed:
			b.WriteString(paint(phaseFailed, seconds(usDuration(r.End))+" failed"))
		default:
			b.WriteString(r.Phase().String())
		}
		lines = append(lines, b.String())
	}
	return lines
}

// axisLines draws the time axis under a waterfall of the same width: a rule
// with tick marks, then the labels in seconds.
func axisLines(tl *timeline, width int, nowUS int64, g glyphs) [2]string {
	width = max(width, 10)
	end := axisEnd(tl, nowUS)
	span := float64(end) / 1e6
	step := tickStep(span)
	rule := []rune(strings.Repeat(g.Rule, width))
	labels := []rune(strings.Repeat(" ", width+8))
	free := 0 // first label column still free
	for t := 0.0; t <= span+step/1000; t += step {
		c := int(math.Round(t / span * float64(width-1)))
		if c >= width {
			break
		}
		rule[c] = []rune(g.Tick)[0]
		label := []rune(trimSeconds(t, step) + "s")
		if c >= free && c+len(label) <= len(labels) {
			copy(labels[c:], label)
			free = c + len(label) + 1
		}
	}
	return [2]string{"     " + g.Corner + string(rule), "      " + strings.TrimRight(string(labels), " ")}
}

// wrap breaks text into lines of at most width runes at spaces, indenting
// continuation lines by indent. The last line is never one word alone when
// a slightly narrower wrap avoids it.
func wrap(text string, width int, indent string) []string {
	width = max(width, 20)
	if len([]rune(text)) <= width {
		return []string{text}
	}
	lines := wrapGreedy(text, width, indent)
	for w := width - 1; w >= width*3/4 && len(lines) > 1 && lonely(lines[len(lines)-1], indent); w-- {
		if try := wrapGreedy(text, w, indent); len(try) == len(lines) && !lonely(try[len(try)-1], indent) {
			return try
		}
	}
	return lines
}

// lonely says a wrapped line holds a single word.
func lonely(line, indent string) bool {
	return !strings.Contains(strings.TrimPrefix(line, indent), " ")
}

func wrapGreedy(text string, width int, indent string) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) > width:
			lines = append(lines, line)
			line = indent + word
		default:
			line += " " + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
