// This file draws a chapter of the book as terminal lines for one width.
// Prose is wrapped between words (a code span, such as a command, is never
// split); code blocks and diagrams are never wrapped, and the lesson
// scrolls them sideways; tables wrap inside their cells. Every link and
// picture is remembered with the line it landed on, and every heading with
// its anchor, so the lesson can select links, follow them and open a
// chapter at a heading. It parses with the book's own parser, so anchors
// are spelled as on the web site and on a code host.

package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/loopfromscratch/loop/internal/book"
)

// span is a run of text in one style; link is the link it belongs to (an
// index into page.links), or -1.
type span struct {
	text  string
	style lipgloss.Style
	link  int
}

// pageLine is one line of a rendered chapter.
type pageLine struct {
	spans []span
	wide  bool // code, a diagram or a table: never wrapped, scrolled sideways
}

// width is the line's width in cells.
func (l pageLine) width() int {
	w := 0
	for _, s := range l.spans {
		w += lipgloss.Width(s.text)
	}
	return w
}

// plain is the line's text without styles.
func (l pageLine) plain() string {
	var b strings.Builder
	for _, s := range l.spans {
		b.WriteString(s.text)
	}
	return b.String()
}

// pageLink is a link or a picture of a chapter.
type pageLink struct {
	line  int    // the first line it is drawn on
	dest  string // as the chapter writes it
	text  string // what it says (a picture's alt text)
	image bool
}

// page is a chapter drawn for one width.
type page struct {
	lines   []pageLine
	links   []pageLink
	anchors map[string]int // heading id → its line
}

// margin is the left margin of every line of a lesson.
const margin = "  "

// renderPage draws the Markdown src for width columns.
func renderPage(src []byte, width int) page {
	r := &mdRenderer{src: src, width: max(width, 24), p: page{anchors: map[string]int{}}}
	m := []span{{text: margin, link: -1}}
	r.blocks(book.Parse(src), m, m)
	for len(r.p.lines) > 0 && strings.TrimSpace(r.p.lines[len(r.p.lines)-1].plain()) == "" {
		r.p.lines = r.p.lines[:len(r.p.lines)-1]
	}
	return r.p
}

type mdRenderer struct {
	src   []byte
	width int
	p     page
}

// emit adds a line made of prefix and spans, and notes where links land.
func (r *mdRenderer) emit(prefix, spans []span, wide bool) {
	line := pageLine{spans: append(append([]span(nil), prefix...), spans...), wide: wide}
	for _, s := range spans {
		if s.link >= 0 && r.p.links[s.link].line < 0 {
			r.p.links[s.link].line = len(r.p.lines)
		}
	}
	if line.width() > r.width {
		line.wide = true
	}
	r.p.lines = append(r.p.lines, line)
}

// blank adds an empty line that keeps the prefix's marks (a quote's bar).
func (r *mdRenderer) blank(prefix []span) {
	var kept []span
	for _, s := range prefix {
		kept = append(kept, span{text: strings.TrimRight(s.text, " "), style: s.style, link: -1})
	}
	r.emit(kept, nil, false)
}

// blocks draws the children of n one after another: first is the prefix
// of the very first line, rest of every other line.
func (r *mdRenderer) blocks(n ast.Node, first, rest []span) {
	tight := false
	if l, ok := n.Parent().(*ast.List); ok && l.IsTight {
		tight = true
	} else if l, ok := n.(*ast.List); ok && l.IsTight {
		tight = true
	}
	drawn := 0
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.HTMLBlock); ok {
			continue // the excerpt markers
		}
		prefix := first
		if drawn > 0 {
			prefix = rest
			if !tight {
				r.blank(rest)
			}
		}
		r.block(c, prefix, rest)
		drawn++
	}
}

func prefixWidth(p []span) int { return pageLine{spans: p}.width() }

func (r *mdRenderer) block(n ast.Node, first, rest []span) {
	avail := r.width - prefixWidth(rest)
	switch n := n.(type) {
	case *ast.Heading:
		style := h2Style
		var lead []atom
		if n.Level == 1 {
			style = h1Style
		} else {
			lead = []atom{{text: strings.Repeat("#", n.Level), style: style, link: -1}}
		}
		if id, ok := n.AttributeString("id"); ok {
			r.p.anchors[string(id.([]byte))] = len(r.p.lines)
		}
		atoms := append(lead, r.inlines(n, style, -1)...)
		if len(lead) > 0 && len(atoms) > 1 {
			atoms[1].space = true
		}
		r.paragraph(atoms, first, rest, avail)
	case *ast.Paragraph, *ast.TextBlock:
		r.paragraph(r.inlines(n, lipgloss.Style{}, -1), first, rest, avail)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		r.code(n, first, rest)
	case *ast.List:
		r.list(n, first, rest)
	case *ast.Blockquote:
		bar := span{text: "│ ", style: dimStyle, link: -1}
		r.blocks(n, append(append([]span(nil), first...), bar), append(append([]span(nil), rest...), bar))
	case *ast.ThematicBreak:
		r.emit(first, []span{{text: strings.Repeat("─", max(avail, 1)), style: dimStyle, link: -1}}, false)
	case *east.Table:
		r.table(n, first, rest, avail)
	default:
		r.blocks(n, first, rest)
	}
}

// code draws a code block or a diagram as it is: never wrapped.
func (r *mdRenderer) code(n ast.Node, first, rest []span) {
	lines := n.Lines()
	indent := span{text: "  ", link: -1}
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		text := strings.TrimRight(string(seg.Value(r.src)), "\n")
		text = strings.ReplaceAll(text, "\t", "    ")
		prefix := rest
		if i == 0 {
			prefix = first
		}
		r.emit(append(append([]span(nil), prefix...), indent), []span{{text: text, style: codeStyle, link: -1}}, true)
	}
}

func (r *mdRenderer) list(n *ast.List, first, rest []span) {
	num := n.Start
	width := 2
	if n.IsOrdered() {
		width = len(fmt.Sprint(num+n.ChildCount()-1)) + 2
	}
	prefix := first
	i := 0
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		if i > 0 {
			prefix = rest
			if !n.IsTight {
				r.blank(rest)
			}
		}
		marker := "• "
		if n.IsOrdered() {
			marker = fmt.Sprintf("%d. ", num)
			num++
		}
		marker = fmt.Sprintf("%-*s", width, marker)
		m := span{text: marker, style: dimStyle, link: -1}
		pad := span{text: strings.Repeat(" ", width), link: -1}
		r.blocks(item, append(append([]span(nil), prefix...), m), append(append([]span(nil), rest...), pad))
		i++
	}
}

// atom is a word, or a piece of a word in another style, or a code span:
// what wrapping never splits. space says a space comes before it.
type atom struct {
	text  string
	style lipgloss.Style
	link  int
	space bool
	brk   bool // a hard line break comes after it
}

// inlines turns the inline content of n into atoms.
func (r *mdRenderer) inlines(n ast.Node, style lipgloss.Style, link int) []atom {
	var out []atom
	space := false
	add := func(text string, st lipgloss.Style, lk int, whole bool) {
		if whole {
			out = append(out, atom{text: text, style: st, link: lk, space: space})
			space = false
			return
		}
		if strings.HasPrefix(text, " ") || strings.HasPrefix(text, "\t") {
			space = true
		}
		words := strings.Fields(text)
		for i, w := range words {
			out = append(out, atom{text: w, style: st, link: lk, space: space || i > 0})
			space = false
		}
		if len(words) > 0 && (strings.HasSuffix(text, " ") || strings.HasSuffix(text, "\t")) {
			space = true
		}
	}
	var walk func(n ast.Node, style lipgloss.Style, link int)
	walk = func(n ast.Node, style lipgloss.Style, link int) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(string(c.Segment.Value(r.src)), style, link, false)
				if c.HardLineBreak() && len(out) > 0 {
					out[len(out)-1].brk = true
				} else if c.SoftLineBreak() {
					space = true
				}
			case *ast.String:
				add(string(c.Value), style, link, false)
			case *ast.CodeSpan:
				var b strings.Builder
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if txt, ok := t.(*ast.Text); ok {
						b.Write(txt.Segment.Value(r.src))
					} else if s, ok := t.(*ast.String); ok {
						b.Write(s.Value)
					}
				}
				// A code span may run over a line break in the source.
				text := strings.Join(strings.Fields(b.String()), " ")
				add(text, inherit(codeStyle, style, link), link, true)
			case *ast.Emphasis:
				st := style.Italic(true)
				if c.Level >= 2 {
					st = style.Bold(true)
				}
				walk(c, st, link)
			case *ast.Link:
				i := r.link(string(c.Destination), plainOf(c, r.src), false)
				walk(c, linkStyle, i)
			case *ast.AutoLink:
				url := string(c.URL(r.src))
				i := r.link(url, url, false)
				add(url, linkStyle, i, true)
			case *ast.Image:
				alt := plainOf(c, r.src)
				i := r.link(string(c.Destination), alt, true)
				add("[picture: "+alt+"]", linkStyle, i, false)
			case *ast.RawHTML:
			default:
				walk(c, style, link)
			}
		}
	}
	walk(n, style, link)
	return out
}

// inherit is a code span's style inside a link: still a link.
func inherit(code, outer lipgloss.Style, link int) lipgloss.Style {
	if link >= 0 {
		return linkStyle
	}
	return code.Inherit(outer)
}

func (r *mdRenderer) link(dest, text string, image bool) int {
	r.p.links = append(r.p.links, pageLink{line: -1, dest: dest, text: text, image: image})
	return len(r.p.links) - 1
}

// plainOf is the text inside n, without markup.
func plainOf(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// paragraph wraps atoms into lines of avail cells.
func (r *mdRenderer) paragraph(atoms []atom, first, rest []span, avail int) {
	for i, line := range wrapAtoms(atoms, avail) {
		prefix := rest
		if i == 0 {
			prefix = first
		}
		r.emit(prefix, line, false)
	}
}

// wrapAtoms breaks atoms into lines of at most width cells, between words
// only: atoms glued together (no space between) move as one, and a word
// wider than the line gets a line of its own, drawn wide. The last line is
// never one word alone when a slightly narrower wrap avoids it.
func wrapAtoms(atoms []atom, width int) [][]span {
	lines, last := wrapGreedyAtoms(atoms, width)
	for w := width - 1; w >= width*3/4 && len(lines) > 1 && last == 1; w-- {
		if try, n := wrapGreedyAtoms(atoms, w); len(try) == len(lines) && n > 1 {
			return try
		}
	}
	return lines
}

// wrapGreedyAtoms fills each line as far as it goes; it also returns how
// many words the last line holds.
func wrapGreedyAtoms(atoms []atom, width int) ([][]span, int) {
	var groups [][]atom
	for _, a := range atoms {
		if len(groups) == 0 || a.space || groups[len(groups)-1][len(groups[len(groups)-1])-1].brk {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], a)
	}
	var lines [][]span
	var line []span
	used, words := 0, 0
	lastLink := -1
	for _, g := range groups {
		gw := 0
		for _, a := range g {
			gw += lipgloss.Width(a.text)
		}
		if used > 0 && used+1+gw > width {
			lines, line, used, words = append(lines, line), nil, 0, 0
		}
		words++
		if used > 0 {
			st := lipgloss.Style{}
			if g[0].link >= 0 && g[0].link == lastLink {
				st = linkStyle
			}
			line = append(line, span{text: " ", style: st, link: lastLinkIf(g[0].link, lastLink)})
			used++
		}
		for _, a := range g {
			line = append(line, span{text: a.text, style: a.style, link: a.link})
			lastLink = a.link
		}
		used += gw
		if g[len(g)-1].brk {
			lines, line, used, words = append(lines, line), nil, 0, 2 // a break: not a lonely word
		}
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines, words
}

// lastLinkIf is the link a space between two atoms belongs to: theirs, when
// both are in the same link.
func lastLinkIf(next, last int) int {
	if next >= 0 && next == last {
		return next
	}
	return -1
}

// table draws a table with its cells wrapped to fit, columns apart by " │ ".
func (r *mdRenderer) table(t *east.Table, first, rest []span, avail int) {
	var rows [][][]atom
	header := 0
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		style := lipgloss.Style{}
		if _, ok := row.(*east.TableHeader); ok {
			style = headerStyle
			header++
		}
		var cells [][]atom
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			cells = append(cells, r.inlines(cell, style, -1))
		}
		rows = append(rows, cells)
	}
	cols := 0
	for _, row := range rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return
	}
	natural := make([]int, cols)
	longest := make([]int, cols) // the widest word: a column is never narrower
	for _, row := range rows {
		for i, cell := range row {
			w := 0
			for _, l := range wrapAtoms(cell, 1<<20) {
				w = max(w, pageLine{spans: l}.width())
			}
			natural[i] = max(natural[i], w)
			for _, l := range wrapAtoms(cell, 1) {
				longest[i] = max(longest[i], min(pageLine{spans: l}.width(), 24))
			}
		}
	}
	widths := columnWidths(natural, longest, avail-3*(cols-1))
	sep := span{text: " │ ", style: dimStyle, link: -1}
	n := 0
	for ri, row := range rows {
		wrapped := make([][][]span, cols)
		height := 1
		for i := range cols {
			if i < len(row) {
				wrapped[i] = wrapAtoms(row[i], widths[i])
			}
			height = max(height, len(wrapped[i]))
		}
		for l := range height {
			var spans []span
			for i := range cols {
				if i > 0 {
					spans = append(spans, sep)
				}
				var cell []span
				if l < len(wrapped[i]) {
					cell = wrapped[i][l]
				}
				spans = append(spans, cell...)
				if pad := widths[i] - (pageLine{spans: cell}).width(); pad > 0 && i < cols-1 {
					spans = append(spans, span{text: strings.Repeat(" ", pad), link: -1})
				}
			}
			prefix := rest
			if n == 0 {
				prefix = first
			}
			r.emit(prefix, spans, true)
			n++
		}
		if ri == header-1 {
			var rule []string
			for _, w := range widths {
				rule = append(rule, strings.Repeat("─", w))
			}
			r.emit(rest, []span{{text: strings.Join(rule, "─┼─"), style: dimStyle, link: -1}}, true)
			n++
		}
	}
}

// columnWidths shares avail cells between columns: each its natural width
// when they all fit; else the narrow columns keep theirs and the wide ones
// share the rest evenly, never below their longest word.
func columnWidths(natural, longest []int, avail int) []int {
	widths := append([]int(nil), natural...)
	total := 0
	for _, w := range natural {
		total += w
	}
	if total <= avail {
		return widths
	}
	left, open := avail, len(widths)
	fixed := make([]bool, len(widths))
	for changed := true; changed && open > 0; {
		changed = false
		for i, w := range natural {
			if !fixed[i] && w <= left/open {
				fixed[i], left, open, changed = true, left-w, open-1, true
			}
		}
	}
	for i := range widths {
		if !fixed[i] {
			widths[i] = max(left/max(open, 1), longest[i], 8)
		}
	}
	return widths
}

// view draws the line from column x for width cells. Wide lines scroll
// sideways: a cut on the left shows ←, one on the right →. The focused
// link is drawn in focusStyle.
func (l pageLine) view(x, width, focus int) string {
	if !l.wide {
		x = 0
	}
	total := l.width()
	var b strings.Builder
	col := 0
	for _, s := range l.spans {
		st := s.style
		if focus >= 0 && s.link == focus {
			st = focusStyle
		}
		var piece strings.Builder
		for _, r := range s.text {
			w := lipgloss.Width(string(r))
			if col >= x && col+w <= x+width {
				piece.WriteRune(r)
			}
			col += w
		}
		if piece.Len() > 0 {
			b.WriteString(st.Render(piece.String()))
		}
	}
	out := b.String()
	if !l.wide {
		return out
	}
	if x > 0 && total > x {
		out = dimStyle.Render("←") + cutLeft(out, 1)
	}
	if total-x > width {
		out = truncate(out, width-1) + dimStyle.Render("→")
	}
	return out
}

// cutLeft drops the first n cells of a styled line.
func cutLeft(s string, n int) string { return ansi.TruncateLeft(s, n, "") }
