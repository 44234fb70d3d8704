// This file finds the marked regions in the stage sources.

package exercise

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	beginMarker = "//exercise:begin "
	endMarker   = "//exercise:end "
	docsBegin   = "//docs:begin "
	docsEnd     = "//docs:end "
)

// A Marked is one exercise region in one file: the lines of its two
// markers, from 1.
type Marked struct {
	ID         string
	File       string // relative to the repository root, with slashes
	Begin, End int
}

// regionsOf finds every exercise region in src. A marker without its
// partner, a region marked twice, or two regions that overlap, is an error.
func regionsOf(file string, src []byte) ([]Marked, error) {
	var found []Marked
	open := map[string]int{}
	for i, line := range splitLines(src) {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, beginMarker):
			id := strings.TrimSpace(strings.TrimPrefix(t, beginMarker))
			if len(open) > 0 {
				return nil, fmt.Errorf("%s:%d: exercise %s begins inside another exercise", file, i+1, id)
			}
			open[id] = i + 1
		case strings.HasPrefix(t, endMarker):
			id := strings.TrimSpace(strings.TrimPrefix(t, endMarker))
			begin, ok := open[id]
			if !ok {
				return nil, fmt.Errorf("%s:%d: exercise %s ends but never begins", file, i+1, id)
			}
			delete(open, id)
			for _, m := range found {
				if m.ID == id {
					return nil, fmt.Errorf("%s:%d: exercise %s is marked twice", file, i+1, id)
				}
			}
			found = append(found, Marked{ID: id, File: file, Begin: begin, End: i + 1})
		}
	}
	for id, begin := range open {
		return nil, fmt.Errorf("%s:%d: exercise %s begins but never ends", file, begin, id)
	}
	return found, nil
}

// findRegion returns the one region of id in src.
func findRegion(file string, src []byte, id string) (Marked, error) {
	all, err := regionsOf(file, src)
	if err != nil {
		return Marked{}, err
	}
	for _, m := range all {
		if m.ID == id {
			return m, nil
		}
	}
	return Marked{}, fmt.Errorf("%s has no region of exercise %s (its %q and %q lines are gone?)", file, id, beginMarker+id, endMarker+id)
}

// ScanSources finds every exercise region in the non-test Go files of the
// stage folders (stage*) under root, sorted by file and line.
func ScanSources(root string) ([]Marked, error) {
	files, err := filepath.Glob(filepath.Join(root, "stage*", "*.go"))
	if err != nil {
		return nil, err
	}
	var all []Marked
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if !bytes.Contains(src, []byte(beginMarker)) && !bytes.Contains(src, []byte(endMarker)) {
			continue
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return nil, err
		}
		found, err := regionsOf(filepath.ToSlash(rel), src)
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].File != all[j].File {
			return all[i].File < all[j].File
		}
		return all[i].Begin < all[j].Begin
	})
	return all, nil
}

// splitLines splits src into lines without their "\n"; a final newline
// does not make an empty last line.
func splitLines(src []byte) []string {
	s := strings.TrimSuffix(string(src), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// inner returns the text between a region's markers: the lines after
// Begin up to the line before End, each with its "\n".
func inner(src []byte, m Marked) string {
	lines := strings.SplitAfter(string(src), "\n")
	return strings.Join(lines[m.Begin:m.End-1], "")
}

// replaceInner returns src with the text between the region's markers
// replaced by body (which ends in "\n", or is empty).
func replaceInner(src []byte, m Marked, body string) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	var b strings.Builder
	b.WriteString(strings.Join(lines[:m.Begin], ""))
	b.WriteString(body)
	b.WriteString(strings.Join(lines[m.End-1:], ""))
	return []byte(b.String())
}
