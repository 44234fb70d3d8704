// This file finds what the tutor works on: the repository root (the go.mod
// of github.com/loopfromscratch/loop) and the stages in it, discovered from
// the folders named stage<N>-<name> that hold a doc.go.

package main

import (
	"bufio"
	"errors"
	"fmt"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// modulePath is the module line that marks the repository root.
const modulePath = "github.com/loopfromscratch/loop"

// stage is one stage program found in the repository.
type stage struct {
	Num     int    // N of stage<N>-<name>
	Dir     string // the folder name, such as "stage1-callbacks"
	Summary string // the first sentence of its package doc comment
	Story   story  // the paragraphs its doc comment ends with (story.go)
}

// Title is "Stage 1 · callbacks".
func (s stage) Title() string {
	_, name, _ := strings.Cut(s.Dir, "-")
	return fmt.Sprintf("Stage %d · %s", s.Num, name)
}

// errNoRoot says the tutor was started outside the repository.
var errNoRoot = errors.New("cannot find the repository: run the tutor inside the loopfromscratch checkout (no go.mod for " + modulePath + " in this folder or above)")

// findRoot walks up from dir to the folder whose go.mod declares modulePath.
func findRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if moduleOf(filepath.Join(dir, "go.mod")) == modulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errNoRoot
		}
		dir = parent
	}
}

// moduleOf returns the module path declared in a go.mod, or "".
func moduleOf(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

var stageDirRE = regexp.MustCompile(`^stage([0-9]+)-[A-Za-z0-9_-]+$`)

// discoverStages lists the stages under root in order of N. A folder counts
// when its name matches stage<N>-<name> and it holds a doc.go.
func discoverStages(root string) ([]stage, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var stages []stage
	for _, e := range entries {
		m := stageDirRE.FindStringSubmatch(e.Name())
		if !e.IsDir() || m == nil {
			continue
		}
		docFile := filepath.Join(root, e.Name(), "doc.go")
		if _, err := os.Stat(docFile); err != nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		stages = append(stages, stage{Num: n, Dir: e.Name(), Summary: summaryOf(docFile), Story: storyOf(docFile)})
	}
	sort.Slice(stages, func(i, j int) bool {
		if stages[i].Num != stages[j].Num {
			return stages[i].Num < stages[j].Num
		}
		return stages[i].Dir < stages[j].Dir
	})
	return stages, nil
}

// summaryOf returns the first sentence of the package comment in a doc.go,
// or a note saying it has none (a learner may be editing it).
func summaryOf(docFile string) string {
	f, err := parser.ParseFile(token.NewFileSet(), docFile, nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		return "(no package comment in doc.go)"
	}
	var p doc.Package
	return strings.TrimSpace(p.Synopsis(f.Doc.Text()))
}

// findStage picks a stage by number ("1") or folder name.
func findStage(stages []stage, arg string) (stage, error) {
	for _, s := range stages {
		if arg == strconv.Itoa(s.Num) || arg == s.Dir || arg == "./"+s.Dir || arg == s.Dir+"/" {
			return s, nil
		}
	}
	var names []string
	for _, s := range stages {
		names = append(names, fmt.Sprintf("%d (%s)", s.Num, s.Dir))
	}
	if len(names) == 0 {
		return stage{}, fmt.Errorf("unknown stage %q: no stages found", arg)
	}
	return stage{}, fmt.Errorf("unknown stage %q; the stages are: %s", arg, strings.Join(names, ", "))
}
