// This file holds the compare screen: every run of this session as a bar
// against the one-at-a-time estimate of the same run, on one scale.

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
)

// runRecord is one finished run, as the compare screen shows it.
type runRecord struct {
	Stage    string
	N        int
	OK       int
	Failed   int
	Elapsed  time.Duration
	OneByOne time.Duration
}

// compareModel is the compare screen.
type compareModel struct {
	runs []runRecord
}

func (c compareModel) title() string { return "compare runs" }

func (c compareModel) keyMap() keyMap {
	return keyMap{
		short: []key.Binding{global.Back, global.Help, global.Quit},
		full:  [][]key.Binding{{global.Back}, {global.Help, global.Quit}},
	}
}

func (c compareModel) view(width, height int) string {
	lines := []string{"Each run against the same requests sent one at a time (each request's own time, added up).", ""}
	if len(c.runs) == 0 {
		lines = append(lines, dimStyle.Render("No runs yet: pick a stage on the home screen and press r."))
		return clip(lines, width, height)
	}
	var longest time.Duration
	for _, r := range c.runs {
		longest = max(longest, r.OneByOne, r.Elapsed)
	}
	barW := max(width-34, 10)
	bar := func(d time.Duration) int {
		if longest <= 0 {
			return 0
		}
		return max(1, int(float64(d)/float64(longest)*float64(barW)+0.5))
	}
	for i, r := range c.runs {
		outcome := fmt.Sprintf("%d answered", r.OK)
		if r.Failed > 0 {
			outcome += errorStyle.Render(fmt.Sprintf(", %d failed", r.Failed))
		}
		lines = append(lines, fmt.Sprintf("%s  %s, %d requests, %s", headerStyle.Render(fmt.Sprintf("#%d", i+1)), r.Stage, r.N, outcome))
		lines = append(lines, fmt.Sprintf("  %-14s %s %s", "this run", doneStyle.Render(strings.Repeat("█", bar(r.Elapsed))), seconds(r.Elapsed)))
		lines = append(lines, fmt.Sprintf("  %-14s %s %s", "one at a time", dimStyle.Render(strings.Repeat("█", bar(r.OneByOne))), seconds(r.OneByOne)))
		if r.Elapsed > 0 && r.OneByOne > 0 {
			lines = append(lines, dimStyle.Render(fmt.Sprintf("  %.1f× faster than one at a time", r.OneByOne.Seconds()/r.Elapsed.Seconds())))
		}
		lines = append(lines, "")
	}
	return clip(lines, width, height)
}
