// This file holds what a lesson's link points at, decided from the link
// alone: another chapter (at a heading), the code, a picture, a waterfall
// that the run screen draws live, or a web page.

package main

import (
	"path"
	"regexp"
	"strings"
)

// linkKind is what a link points at.
type linkKind int

const (
	linkChapter   linkKind = iota // a chapter of the book, maybe at a heading
	linkCode                      // a file or folder of the repository
	linkPicture                   // a picture in docs/img
	linkWaterfall                 // a stage's waterfall picture: the run screen draws one live
	linkWeb                       // anything with a scheme: https:, mailto:
)

// target is where a link leads.
type target struct {
	kind   linkKind
	file   string // the chapter (linkChapter), "stage1-callbacks.md"
	anchor string // the heading, without '#'
	path   string // relative to the repository root (code), or to docs/ (pictures)
	url    string // linkWeb
	stage  string // linkWaterfall: the stage folder
}

var waterfallRE = regexp.MustCompile(`^img/(stage[0-9]+-[A-Za-z0-9_-]+)\.svg$`)

// resolveLink says where link lk of chapter from leads.
func resolveLink(from string, lk pageLink) target {
	dest := lk.dest
	if i := strings.Index(dest, ":"); i > 0 && !strings.ContainsAny(dest[:i], "/#?.") {
		return target{kind: linkWeb, url: dest}
	}
	file, anchor, _ := strings.Cut(dest, "#")
	if file == "" {
		return target{kind: linkChapter, file: from, anchor: anchor}
	}
	clean := path.Clean(path.Join(path.Dir(from), file))
	switch {
	case strings.HasSuffix(clean, ".md") && !lk.image && !strings.HasPrefix(clean, "../"):
		return target{kind: linkChapter, file: clean, anchor: anchor}
	case strings.HasPrefix(clean, "../"):
		repo := path.Clean(path.Join("docs", file))
		if strings.HasSuffix(file, "/") {
			repo += "/"
		}
		return target{kind: linkCode, path: repo}
	}
	if m := waterfallRE.FindStringSubmatch(clean); m != nil {
		return target{kind: linkWaterfall, path: clean, stage: m[1]}
	}
	return target{kind: linkPicture, path: clean}
}

// describeLink says, in a few words, what following lk does.
func describeLink(from string, lk pageLink) string {
	t := resolveLink(from, lk)
	switch t.kind {
	case linkChapter:
		if t.file == "README.md" {
			return "the contents (home)"
		}
		where := strings.TrimSuffix(t.file, ".md")
		if t.file == from {
			where = "this chapter"
		}
		if t.anchor != "" {
			where += " at #" + t.anchor
		}
		return "open " + where
	case linkCode:
		return "open " + t.path + " in $EDITOR"
	case linkWaterfall:
		return t.path + ": a waterfall of a real run (the run screen draws one live)"
	case linkPicture:
		return "open the picture " + t.path + " in the browser"
	}
	return "open " + t.url + " in the browser"
}
