// This file reads a stage's story: the two paragraphs its doc.go ends
// with, "What still hurts: …" and "Next: …", which the explanation quotes
// after every run. The stage's doc.go is the one source, so the lesson and
// the tutor cannot drift apart; the tutor builds every stage from its
// source, so that source is on disk wherever the tutor runs. It also names
// the poller a stage's loop sleeps in.

package main

import (
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"strings"
)

// The words that open the two paragraphs of a stage's story.
const (
	hurtsPrefix = "What still hurts:"
	nextPrefix  = "Next:"
)

// story is what a stage's doc.go says at its end. A paragraph the doc
// comment does not have is "" (a learner may be editing it, or a stage may
// not have been given its story yet), and the explanation leaves it out.
type story struct {
	Hurts string // the paragraph that begins "What still hurts:", on one line
	Next  string // the paragraph that begins "Next:", on one line
}

// storyOf reads the story from a stage's doc.go; a file that is missing or
// does not parse has no story.
func storyOf(docFile string) story {
	src, err := os.ReadFile(docFile)
	if err != nil {
		return story{}
	}
	return storyFrom(docParagraphs(src))
}

// storyFrom picks the story out of a doc comment's paragraphs: the last
// one that begins with each prefix.
func storyFrom(paras []string) story {
	var s story
	for _, p := range paras {
		switch {
		case strings.HasPrefix(p, hurtsPrefix):
			s.Hurts = p
		case strings.HasPrefix(p, nextPrefix):
			s.Next = p
		}
	}
	return s
}

// docParagraphs returns the plain paragraphs of the package doc comment in
// src, each on one line, in order; headings, lists and code blocks are not
// paragraphs. Doc links such as [Future] come out as their text.
func docParagraphs(src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		return nil
	}
	// Every [Name] is taken for a doc link, so it prints as its name.
	p := comment.Parser{LookupSym: func(recv, name string) bool { return true }}
	pr := comment.Printer{TextWidth: -1} // no wrapping: one line a paragraph
	var paras []string
	for _, block := range p.Parse(f.Doc.Text()).Content {
		if para, ok := block.(*comment.Paragraph); ok {
			text := pr.Text(&comment.Doc{Content: []comment.Block{para}})
			paras = append(paras, strings.TrimSpace(string(text)))
		}
	}
	return paras
}

// pollerOf names what the loop of stage n sleeps in: select(2) in stages
// 1–3; from stage 4 on, epoll on Linux and kqueue on macOS (its
// selector_linux.go and selector_darwin.go). goos is runtime.GOOS: the
// tutor runs the stage on its own machine.
func pollerOf(n int, goos string) string {
	switch {
	case n >= 1 && n <= 3:
		return "select(2)"
	case n >= 4 && goos == "linux":
		return "epoll"
	case n >= 4 && goos == "darwin":
		return "kqueue"
	}
	return "its poller"
}
