// This file holds the excerpt check: finding the quoted blocks in a chapter,
// reading the //docs:begin … //docs:end region they quote, and comparing or
// rewriting them.

package book

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Code in the book is quoted from the stages, never retyped. A stage marks
// a region of its source with two directive comments on their own lines
// (gofmt keeps them, godoc hides them):
//
//	//docs:begin NAME
//	… the code a chapter quotes …
//	//docs:end NAME
//
// NAME is unique within its file. A chapter quotes the region with an HTML
// comment (invisible on a code host and in the browser) directly followed
// by a fenced go block:
//
//	<!-- excerpt: stage1-callbacks/loop.go runLoop -->
//	```go
//	… the region, markers left out, common indentation removed …
//	```
//
// The book's tests fail when a fenced block no longer equals its region;
// `go run ./internal/book/cmd/excerpts -w` rewrites the blocks from the
// sources.

const (
	beginMarker = "//docs:begin "
	endMarker   = "//docs:end "
)

var excerptLine = regexp.MustCompile(`^<!--\s*excerpt:\s*(\S+)\s+(\S+)\s*-->\s*$`)

// An Excerpt is one quoted region in a chapter.
type Excerpt struct {
	Chapter string // the chapter's file, e.g. "stage1-callbacks.md"
	Line    int    // line of the excerpt comment, from 1
	File    string // source file, relative to the repository root
	Region  string // region name in File
	Body    string // the fenced block's text as it is in the chapter

	// The fenced block's body is lines [first, end) of the chapter.
	first, end int
}

// Excerpts finds every excerpt in a chapter. An excerpt comment that is not
// directly followed by a closed ```go block is an error.
func Excerpts(chapter string, src []byte) ([]Excerpt, error) {
	lines := strings.Split(string(src), "\n")
	var found []Excerpt
	fence := "" // the fence of the code block we are in, if any
	for i := 0; i < len(lines); i++ {
		if f := fenceOf(lines[i]); f != "" {
			switch {
			case fence == "":
				fence = f
			case strings.HasPrefix(f, fence) && strings.TrimSpace(lines[i]) == f:
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue // an excerpt comment shown inside a code block is an example
		}
		m := excerptLine.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		e := Excerpt{Chapter: chapter, Line: i + 1, File: m[1], Region: m[2]}
		if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != "```go" {
			return nil, fmt.Errorf("%s:%d: the excerpt of %s %s must be followed directly by a ```go line", chapter, i+1, e.File, e.Region)
		}
		e.first = i + 2
		e.end = -1
		for j := e.first; j < len(lines); j++ {
			if strings.TrimRight(lines[j], " \t") == "```" {
				e.end = j
				break
			}
		}
		if e.end < 0 {
			return nil, fmt.Errorf("%s:%d: the ```go block of %s %s is never closed", chapter, i+2, e.File, e.Region)
		}
		e.Body = strings.Join(lines[e.first:e.end], "\n")
		found = append(found, e)
		i = e.end
	}
	return found, nil
}

// fenceOf returns the run of backticks or tildes (3 or more) that opens
// or closes a fenced code block on line, or "".
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return t[:n]
}

// Region returns the lines between "//docs:begin name" and "//docs:end
// name" in src, without the markers (of this or any nested region), without
// blank lines at the start and the end, and with the indentation common to
// all non-blank lines removed.
func Region(src []byte, name string) (string, error) {
	lines := strings.Split(string(src), "\n")
	begin, end := -1, -1
	for i, line := range lines {
		switch strings.TrimSpace(line) {
		case beginMarker + name:
			if begin >= 0 {
				return "", fmt.Errorf("region %s begins twice (lines %d and %d)", name, begin+1, i+1)
			}
			begin = i
		case endMarker + name:
			if end >= 0 {
				return "", fmt.Errorf("region %s ends twice (lines %d and %d)", name, end+1, i+1)
			}
			end = i
		}
	}
	switch {
	case begin < 0 && end < 0:
		return "", fmt.Errorf("no region %s (mark it with %q … %q)", name, beginMarker+name, endMarker+name)
	case begin < 0:
		return "", fmt.Errorf("region %s ends (line %d) but never begins", name, end+1)
	case end < 0:
		return "", fmt.Errorf("region %s begins (line %d) but never ends", name, begin+1)
	case end < begin:
		return "", fmt.Errorf("region %s ends (line %d) before it begins (line %d)", name, end+1, begin+1)
	}
	var body []string
	for _, line := range lines[begin+1 : end] {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, beginMarker) || strings.HasPrefix(t, endMarker) {
			continue
		}
		body = append(body, strings.TrimRight(line, " \t\r"))
	}
	// Blank lines at either end are not part of the quote (gofmt wants one
	// between a directive comment and a doc comment).
	for len(body) > 0 && body[0] == "" {
		body = body[1:]
	}
	for len(body) > 0 && body[len(body)-1] == "" {
		body = body[:len(body)-1]
	}
	return dedent(body), nil
}

// dedent removes the leading whitespace every non-blank line shares.
func dedent(lines []string) string {
	prefix := ""
	first := true
	for _, line := range lines {
		if line == "" {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if first {
			prefix, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, line := range lines {
		out[i] = strings.TrimPrefix(line, prefix)
	}
	return strings.Join(out, "\n")
}

// An ExcerptProblem is an excerpt whose region is missing or differs.
type ExcerptProblem struct {
	Excerpt
	// Want is the region as the source has it now ("" when Err is set).
	Want string
	// Err says why the region could not be read.
	Err error
}

// String is the problem in one line, starting with the chapter and line.
func (p ExcerptProblem) String() string {
	if p.Err != nil {
		return fmt.Sprintf("%s:%d quotes %s region %s: %v", p.Chapter, p.Line, p.File, p.Region, p.Err)
	}
	return fmt.Sprintf("%s:%d quotes %s region %s, and the source has changed", p.Chapter, p.Line, p.File, p.Region)
}

// CheckExcerpts compares every excerpt in the chapters on disk (root/docs/*.md)
// with the stage sources under root, the repository root. It returns every
// excerpt (so callers can see what was checked) and the problems; err is
// for chapters that cannot be read or parsed.
func CheckExcerpts(root string) (all []Excerpt, problems []ExcerptProblem, err error) {
	chapters, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, nil, err
	}
	for _, path := range chapters {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		excerpts, err := Excerpts(filepath.Base(path), src)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range excerpts {
			all = append(all, e)
			want, err := regionOf(root, e)
			switch {
			case err != nil:
				problems = append(problems, ExcerptProblem{Excerpt: e, Err: err})
			case want != e.Body:
				problems = append(problems, ExcerptProblem{Excerpt: e, Want: want})
			}
		}
	}
	return all, problems, nil
}

func regionOf(root string, e Excerpt) (string, error) {
	if filepath.IsAbs(e.File) || strings.HasPrefix(filepath.Clean(e.File), "..") {
		return "", fmt.Errorf("the source path must be relative to the repository root")
	}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(e.File)))
	if err != nil {
		return "", err
	}
	return Region(src, e.Region)
}

// UpdateExcerpts rewrites every excerpt of a chapter from the sources under
// root. It returns the new chapter and how many excerpts changed; a region
// that cannot be read is an error and nothing is rewritten.
func UpdateExcerpts(root, chapter string, src []byte) ([]byte, int, error) {
	excerpts, err := Excerpts(chapter, src)
	if err != nil {
		return nil, 0, err
	}
	lines := strings.Split(string(src), "\n")
	var out []string
	next, changed := 0, 0
	for _, e := range excerpts {
		want, err := regionOf(root, e)
		if err != nil {
			return nil, 0, fmt.Errorf("%s:%d: %s region %s: %w", chapter, e.Line, e.File, e.Region, err)
		}
		if want != e.Body {
			changed++
		}
		out = append(out, lines[next:e.first]...)
		out = append(out, strings.Split(want, "\n")...)
		next = e.end
	}
	out = append(out, lines[next:]...)
	return []byte(strings.Join(out, "\n")), changed, nil
}

// RepoRoot finds the repository root: the nearest directory at or above dir
// whose go.mod declares this module.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/loopfromscratch/loop\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of github.com/loopfromscratch/loop at or above the current directory")
		}
		dir = parent
	}
}
