// Package book turns the Markdown chapters in docs/ into the book: their
// reading order (from docs/README.md), the code excerpts they quote from the
// stage sources, and the local web site that `go run ./tutor docs` serves.
//
// The Markdown is the single source. The tutor's lesson view renders it in
// the terminal, a code host renders it as it is, and this package renders it
// as HTML. Links between chapters are written as relative .md links, so they
// work on a code host; the HTML rewrites them to the served pages.
package book

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// IndexFile is the chapter that opens the book. Its first ordered list of
// links is the reading order.
const IndexFile = "README.md"

// A Chapter is one Markdown file of the book.
type Chapter struct {
	// File is the file name in the book's file system, e.g. "stage1-callbacks.md".
	File string
	// Title is the text of the chapter's first level-1 heading (or File).
	Title string
	// Source is the Markdown.
	Source []byte
}

// Name is File without ".md": "stage1-callbacks". The index is "README".
func (c *Chapter) Name() string { return strings.TrimSuffix(c.File, ".md") }

// URL is where the web site serves the chapter, relative to the site root.
func (c *Chapter) URL() string {
	if c.File == IndexFile {
		return "./"
	}
	return c.Name() + ".html"
}

// A Book is the index and its chapters in reading order.
type Book struct {
	// Index is README.md.
	Index *Chapter
	// Chapters are the chapters the index lists, in its order, followed by
	// any chapter the index forgot (a test makes sure there are none).
	Chapters []*Chapter
	// Unlisted names the chapters that are in the file system but not in
	// the index's reading order.
	Unlisted []string
	// Contents is the index's reading order as the index writes it: each
	// chapter's label and the summary after it.
	Contents []Entry

	fsys fs.FS
}

// Load reads the book from fsys (usually docs.FS): README.md, then every
// chapter its first ordered list links to, in that order.
func Load(fsys fs.FS) (*Book, error) {
	index, err := readChapter(fsys, IndexFile)
	if err != nil {
		return nil, err
	}
	order, err := readingOrder(index.Source)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", IndexFile, err)
	}
	b := &Book{Index: index, Contents: contents(index.Source), fsys: fsys}
	for _, file := range order {
		c, err := readChapter(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("%s lists %s: %w", IndexFile, file, err)
		}
		b.Chapters = append(b.Chapters, c)
	}

	all, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	for _, file := range all {
		if file == IndexFile || slices.Contains(order, file) {
			continue
		}
		c, err := readChapter(fsys, file)
		if err != nil {
			return nil, err
		}
		b.Chapters = append(b.Chapters, c)
		b.Unlisted = append(b.Unlisted, file)
	}
	return b, nil
}

// Chapter returns the chapter in file (README.md included), or nil.
func (b *Book) Chapter(file string) *Chapter {
	if file == IndexFile {
		return b.Index
	}
	for _, c := range b.Chapters {
		if c.File == file {
			return c
		}
	}
	return nil
}

// All is the index followed by the chapters in reading order.
func (b *Book) All() []*Chapter {
	return append([]*Chapter{b.Index}, b.Chapters...)
}

// neighbours returns the chapters before and after c in reading order (the
// index comes first); either may be nil.
func (b *Book) neighbours(c *Chapter) (prev, next *Chapter) {
	all := b.All()
	i := slices.Index(all, c)
	if i > 0 {
		prev = all[i-1]
	}
	if i >= 0 && i+1 < len(all) {
		next = all[i+1]
	}
	return prev, next
}

func readChapter(fsys fs.FS, file string) (*Chapter, error) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	c := &Chapter{File: file, Title: file, Source: src}
	if title := firstTitle(src); title != "" {
		c.Title = title
	}
	return c, nil
}

// readingOrder returns the .md files linked from the first ordered list in
// the index, in order.
func readingOrder(src []byte) ([]string, error) {
	doc := newMarkdown().Parser().Parse(text.NewReader(src))
	var list *ast.List
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.List); ok && entering && l.IsOrdered() {
			list = l
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if list == nil {
		return nil, errors.New("no ordered list of chapters (the reading order)")
	}
	var files []string
	_ = ast.Walk(list, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		l, ok := n.(*ast.Link)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		dest, _, _ := strings.Cut(string(l.Destination), "#")
		if isLocal(dest) && strings.HasSuffix(dest, ".md") {
			file := path.Clean(dest)
			if !slices.Contains(files, file) {
				files = append(files, file)
			}
		}
		return ast.WalkContinue, nil
	})
	if len(files) == 0 {
		return nil, errors.New("the ordered list links to no .md chapter")
	}
	return files, nil
}

// An Entry is one line of the index's reading order:
//
//  1. [Why event loops](why-event-loops.md) — select, poll, epoll/kqueue, …
//
// is File "why-event-loops.md", Label "Why event loops" and Summary
// "select, poll, epoll/kqueue, …".
type Entry struct {
	File    string
	Label   string
	Summary string
}

// contents lists the entries of the first ordered list in the index, one
// per item whose first link is a chapter.
func contents(src []byte) []Entry {
	doc := newMarkdown().Parser().Parse(text.NewReader(src))
	var list *ast.List
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.List); ok && entering && l.IsOrdered() {
			list = l
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if list == nil {
		return nil
	}
	var entries []Entry
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		var e Entry
		var rest bytes.Buffer
		_ = ast.Walk(item, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			if l, ok := n.(*ast.Link); ok && e.File == "" {
				dest, _, _ := strings.Cut(string(l.Destination), "#")
				if isLocal(dest) && strings.HasSuffix(dest, ".md") {
					e.File, e.Label = path.Clean(dest), plainText(l, src)
					return ast.WalkSkipChildren, nil
				}
			}
			if e.File == "" {
				return ast.WalkContinue, nil
			}
			switch t := n.(type) {
			case *ast.Text:
				rest.Write(t.Segment.Value(src))
				if t.SoftLineBreak() {
					rest.WriteByte(' ')
				}
			case *ast.String:
				rest.Write(t.Value)
			}
			return ast.WalkContinue, nil
		})
		if e.File == "" {
			continue
		}
		summary := strings.TrimSpace(rest.String())
		summary = strings.TrimLeft(summary, "—–-:· ")
		e.Summary = strings.TrimSpace(summary)
		entries = append(entries, e)
	}
	return entries
}

// firstTitle is the plain text of the first level-1 heading.
func firstTitle(src []byte) string {
	doc := newMarkdown().Parser().Parse(text.NewReader(src))
	var title string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level == 1 {
			title = plainText(h, src)
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return title
}

// plainText is the text inside n, without markup.
func plainText(n ast.Node, src []byte) string {
	var buf bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			buf.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				buf.WriteByte(' ')
			}
		case *ast.String:
			buf.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(buf.String())
}

// isLocal reports whether a link destination points into the repository
// (a relative path) rather than to a web site, a mail address or an anchor
// on the same page.
func isLocal(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") {
		return false
	}
	if i := strings.IndexAny(dest, ":/?#"); i >= 0 && dest[i] == ':' {
		return false // a scheme: https:, mailto:, …
	}
	return true
}
