// This file turns results into the tables the program prints: a table is a
// title, a header, rows of cells and notes under it, written either as
// aligned plain text for a terminal or as Markdown for docs/performance.md.

package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// table is one printed table. Cells are text already; right says which
// columns hold numbers and are aligned to the right in plain text.
type table struct {
	title  string
	header []string
	right  []bool // by column; missing means left-aligned
	rows   [][]string
	notes  []string // printed under the table, one line each
}

// write prints t as Markdown when md is set, as aligned text otherwise.
func (t table) write(w io.Writer, md bool) {
	if md {
		t.writeMarkdown(w)
	} else {
		t.writeText(w)
	}
}

// writeText prints t with its columns padded to their widest cell, two
// spaces between columns, and a rule under the header.
func (t table) writeText(w io.Writer) {
	widths := make([]int, len(t.header))
	for _, row := range append([][]string{t.header}, t.rows...) {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	line := func(row []string) {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i < len(t.right) && t.right[i] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
			if i < len(row)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	fmt.Fprintln(w, t.title)
	fmt.Fprintln(w)
	line(t.header)
	rule := make([]string, len(widths))
	for i, n := range widths {
		rule[i] = strings.Repeat("-", n)
	}
	line(rule)
	for _, row := range t.rows {
		line(row)
	}
	t.writeNotes(w)
}

// writeMarkdown prints t as a GitHub-flavoured Markdown table under its
// title in bold.
func (t table) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "**%s**\n\n", t.title)
	fmt.Fprintln(w, "| "+strings.Join(escapeCells(t.header), " | ")+" |")
	align := make([]string, len(t.header))
	for i := range align {
		align[i] = "---"
		if i < len(t.right) && t.right[i] {
			align[i] = "--:"
		}
	}
	fmt.Fprintln(w, "|"+strings.Join(align, "|")+"|")
	for _, row := range t.rows {
		fmt.Fprintln(w, "| "+strings.Join(escapeCells(row), " | ")+" |")
	}
	t.writeNotes(w)
}

// writeNotes prints the notes after a blank line.
func (t table) writeNotes(w io.Writer) {
	if len(t.notes) == 0 {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintln(w)
	for _, n := range t.notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintln(w)
}

// escapeCells makes cells safe inside a Markdown table: a "|" would end
// the cell.
func escapeCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return out
}
