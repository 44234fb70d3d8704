// This file reads the catalogue, docs/exercises.md: a chapter of the book
// that is also the one description of every exercise the tools use.

package exercise

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// CataloguePath is where the catalogue lives, relative to the repository
// root.
const CataloguePath = "docs/exercises.md"

// An Exercise is one entry of the catalogue.
type Exercise struct {
	ID    string // "s1-select": the stage (s1 … s4, or cap) and a few words
	Title string // "Build the fd sets, read the ready fds back"
	// File is the source that holds the exercise's marked region, relative
	// to the repository root, with slashes: "stage1-callbacks/selector.go".
	File string
	// Functions names what the learner writes, as the catalogue spells
	// them: "Selector.Select".
	Functions []string
	Write     string   // what to write: two or three sentences (Markdown)
	Tests     string   // what the stage's tests check (Markdown)
	Hints     []string // from gentle to nearly the answer (Markdown)
	Line      int      // the heading's line in the catalogue, from 1
}

// Stage is the folder of the stage the exercise belongs to:
// "stage1-callbacks". Its tests are the judge.
func (e Exercise) Stage() string { return path.Dir(e.File) }

// The catalogue's grammar. An exercise is a level-3 heading, the id and the
// title joined by an em dash, followed by a list of bold fields:
//
//	### s1-select — Build the fd sets, read the ready fds back
//
//	- **Where:** `stage1-callbacks/selector.go`, `Selector.Select`
//	- **Write:** two or three sentences, which may run on over
//	  indented lines.
//	- **The tests check:** …
//	- **Hints:**
//	  1. gentle
//	  2. closer
//	  3. nearly the answer
//
// Everything else in the chapter is prose for the reader and is skipped.
var (
	headingLine = regexp.MustCompile(`^###\s+([a-z0-9]+(?:-[a-z0-9]+)+)\s+—\s+(\S.*?)\s*$`)
	fieldLine   = regexp.MustCompile(`^- \*\*([^*]+?):\*\*\s*(.*?)\s*$`)
	hintLine    = regexp.MustCompile(`^\s{2,}\d+\.\s+(.*?)\s*$`)
	codeSpan    = regexp.MustCompile("`([^`]+)`")
	// IDPattern is what an exercise id looks like: its stage, then
	// lowercase words joined by hyphens.
	IDPattern = regexp.MustCompile(`^(s[1-4]|cap)(-[a-z0-9]+)+$`)
)

// ParseCatalogue reads the exercises from the catalogue's Markdown. Every
// exercise must have each field; an unknown field is an error, so that a
// typo does not silently drop a hint.
func ParseCatalogue(src []byte) ([]Exercise, error) {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	var (
		all   []Exercise
		cur   *Exercise
		where string  // the Where field's text, read once it is complete
		field *string // the field a continuation line extends
		fence bool
	)
	finish := func() error {
		if cur == nil {
			return nil
		}
		if where != "" {
			spans := codeSpan.FindAllStringSubmatch(where, -1)
			if len(spans) < 2 {
				return fmt.Errorf("%s:%d: exercise %s: Where names the file and then the function(s), each in backticks", CataloguePath, cur.Line, cur.ID)
			}
			cur.File = spans[0][1]
			for _, s := range spans[1:] {
				cur.Functions = append(cur.Functions, s[1])
			}
		}
		if err := cur.complete(); err != nil {
			return err
		}
		all = append(all, *cur)
		cur, field = nil, nil
		return nil
	}
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		if strings.HasPrefix(line, "#") {
			if err := finish(); err != nil {
				return nil, err
			}
			if m := headingLine.FindStringSubmatch(line); m != nil {
				cur, where = &Exercise{ID: m[1], Title: m[2], Line: i + 1}, ""
			}
			continue
		}
		if cur == nil {
			continue
		}
		at := fmt.Sprintf("%s:%d (%s)", CataloguePath, i+1, cur.ID)
		switch m := fieldLine.FindStringSubmatch(line); {
		case m != nil:
			switch m[1] {
			case "Where":
				where = m[2]
				field = &where
			case "Write":
				cur.Write = m[2]
				field = &cur.Write
			case "The tests check":
				cur.Tests = m[2]
				field = &cur.Tests
			case "Hints":
				if m[2] != "" {
					return nil, fmt.Errorf("%s: the hints go in a numbered list under Hints", at)
				}
				field = nil
			default:
				return nil, fmt.Errorf("%s: unknown field %q (Where, Write, The tests check, Hints)", at, m[1])
			}
		case hintLine.MatchString(line):
			cur.Hints = append(cur.Hints, hintLine.FindStringSubmatch(line)[1])
			field = &cur.Hints[len(cur.Hints)-1]
		case strings.TrimSpace(line) == "":
			field = nil
		case strings.HasPrefix(line, "  ") && field != nil:
			*field += " " + strings.TrimSpace(line)
		default:
			field = nil // prose after the list: not part of the exercise
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return all, nil
}

// complete checks that every field is there.
func (e *Exercise) complete() error {
	missing := func(what string) error {
		return fmt.Errorf("%s:%d: exercise %s has no %s", CataloguePath, e.Line, e.ID, what)
	}
	switch {
	case e.File == "":
		return missing("Where")
	case e.Write == "":
		return missing("Write")
	case e.Tests == "":
		return missing("The tests check")
	case len(e.Hints) == 0:
		return missing("Hints")
	}
	return nil
}
