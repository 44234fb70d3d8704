// This file holds the link check: which links and images of a chapter point
// into the repository, and why one of them does not resolve.

package book

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// A Link is a link or an image in a chapter that points into the
// repository (a relative path), not to a web site.
type Link struct {
	Chapter string // the chapter's file
	Line    int    // line in the chapter, from 1 (0 if unknown)
	Dest    string // as written
	Image   bool
}

// String is the link as a checker reports it: "file.md:12: link \"dest\"".
func (l Link) String() string {
	kind := "link"
	if l.Image {
		kind = "image"
	}
	return fmt.Sprintf("%s:%d: %s %q", l.Chapter, l.Line, kind, l.Dest)
}

// Links lists the local links and images of chapter c, in order.
func (b *Book) Links(c *Chapter) []Link {
	var links []Link
	doc := parse(newMarkdown(), c.Source)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest []byte
		image := false
		switch n := n.(type) {
		case *ast.Link:
			dest = n.Destination
		case *ast.Image:
			dest, image = n.Destination, true
		default:
			return ast.WalkContinue, nil
		}
		if d := string(dest); isLocal(d) || strings.HasPrefix(d, "#") || strings.HasPrefix(d, "/") {
			links = append(links, Link{Chapter: c.File, Line: lineOf(n, c.Source), Dest: d, Image: image})
		}
		return ast.WalkContinue, nil
	})
	return links
}

// Resolve says why a local link or image of the book does not resolve, or
// returns nil. A chapter link must name a chapter and, with #anchor, one of
// its headings; an image must be a file of the book; any other path that
// leaves docs/ ("../stage1-callbacks/") must exist under repoRoot, checked
// only when repoRoot is not "".
func (b *Book) Resolve(l Link, repoRoot string) error {
	if strings.HasPrefix(l.Dest, "/") {
		return fmt.Errorf("absolute path: write it relative to docs/, so it works on a code host too")
	}
	file, fragment := splitFragment(l.Dest)
	fragment = strings.TrimPrefix(fragment, "#")
	if strings.HasPrefix(l.Dest, "#") {
		file = l.Chapter
	}
	switch {
	case strings.HasSuffix(file, ".md") && !l.Image:
		c := b.Chapter(file)
		if c == nil {
			return fmt.Errorf("no chapter %s", file)
		}
		if fragment != "" && !headingIDs(c.Source)[fragment] {
			return fmt.Errorf("%s has no heading with the anchor #%s", file, fragment)
		}
		return nil
	case strings.HasPrefix(file, "../"):
		if l.Image {
			return fmt.Errorf("images must live in docs/img/ (the book serves only docs/)")
		}
		if repoRoot == "" {
			return nil
		}
		_, err := os.Stat(filepath.Join(repoRoot, "docs", filepath.FromSlash(file)))
		if err != nil {
			return fmt.Errorf("no such file or directory in the repository: %s", strings.TrimPrefix(file, "../"))
		}
		return nil
	default:
		if _, err := fs.Stat(b.fsys, file); err != nil {
			return fmt.Errorf("no file %s in docs/", file)
		}
		return nil
	}
}

// lineOf is the line of the first text inside n.
func lineOf(n ast.Node, src []byte) int {
	line := 0
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			line = bytes.Count(src[:t.Segment.Start], []byte("\n")) + 1
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return line
}
