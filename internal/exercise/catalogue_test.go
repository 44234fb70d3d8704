package exercise

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/book"
)

func TestTheCatalogueDescribesEveryExerciseFully(t *testing.T) {
	all := catalogue(t)
	root := repoRoot(t)
	assert.GreaterOrEqual(t, len(all), 14, "exercises in the catalogue")
	seen := map[string]bool{}
	perStage := map[string]int{}
	for _, ex := range all {
		assert.False(t, seen[ex.ID], "%s is in the catalogue twice", ex.ID)
		seen[ex.ID] = true
		assert.Regexp(t, IDPattern, ex.ID, "id: its stage, then lowercase words joined by hyphens")
		assert.Len(t, ex.Hints, 3, "%s: three hints, from gentle to nearly the answer", ex.ID)
		assert.NotEmpty(t, ex.Functions, "%s names its functions", ex.ID)
		assert.FileExists(t, filepath.Join(root, filepath.FromSlash(ex.File)), "%s: its file", ex.ID)
		prefix := strings.SplitN(ex.ID, "-", 2)[0]
		want := map[string]string{"s1": "stage1-", "s2": "stage2-", "s3": "stage3-", "s4": "stage4-", "cap": "stage4-"}[prefix]
		assert.True(t, strings.HasPrefix(ex.Stage(), want), "%s lives in %s, not in %s…", ex.ID, ex.Stage(), want)
		perStage[prefix]++
	}
	for _, p := range []string{"s1", "s2", "s3", "s4"} {
		assert.GreaterOrEqual(t, perStage[p], 2, "exercises of stage %s", p)
	}
	assert.GreaterOrEqual(t, perStage["cap"], 1, "a capstone")
}

func TestParseCatalogue(t *testing.T) {
	const good = "# Exercises\n\nprose\n\n### s1-x — A title\n\n" +
		"- **Where:** `stage1-callbacks/a.go`, `F`, `T.G`\n" +
		"- **Write:** one line\n  and its continuation.\n" +
		"- **The tests check:** things.\n" +
		"- **Hints:**\n  1. first\n     more\n  2. second\n  3. third\n\nAfter the list: prose.\n"
	tests := []struct {
		name string
		src  string
		want []Exercise
		err  string
	}{
		{
			name: "reads every field, joining continuation lines",
			src:  good,
			want: []Exercise{{
				ID: "s1-x", Title: "A title", File: "stage1-callbacks/a.go", Functions: []string{"F", "T.G"},
				Write: "one line and its continuation.", Tests: "things.",
				Hints: []string{"first more", "second", "third"}, Line: 5,
			}},
		},
		{
			name: "Where may run on over indented lines",
			src:  strings.Replace(good, ", `F`, `T.G`\n", ", `F`,\n  `T.G`\n", 1),
			want: []Exercise{{
				ID: "s1-x", Title: "A title", File: "stage1-callbacks/a.go", Functions: []string{"F", "T.G"},
				Write: "one line and its continuation.", Tests: "things.",
				Hints: []string{"first more", "second", "third"}, Line: 5,
			}},
		},
		{name: "a heading in a code block is not an exercise", src: "```\n### s1-x — T\n```\n", want: nil},
		{name: "an unknown field is an error", src: strings.Replace(good, "**Write:**", "**Writ:**", 1), err: "unknown field"},
		{name: "a missing field is an error", src: strings.Replace(good, "- **The tests check:** things.\n", "", 1), err: "has no The tests check"},
		{name: "Where needs a file and a function", src: strings.Replace(good, ", `F`, `T.G`", "", 1), err: "Where names the file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCatalogue([]byte(tc.src))
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestEveryExerciseHasExactlyOneMarkerPairAndEveryPairAnExercise(t *testing.T) {
	root := repoRoot(t)
	marked, err := ScanSources(root)
	require.NoError(t, err, "scan the stages for markers")
	byID := map[string][]Marked{}
	for _, m := range marked {
		byID[m.ID] = append(byID[m.ID], m)
	}
	known := map[string]bool{}
	for _, ex := range catalogue(t) {
		known[ex.ID] = true
		var home []Marked
		for _, m := range byID[ex.ID] {
			if m.File == ex.File {
				home = append(home, m)
				continue
			}
			// Only a twin may repeat a region: stage 4's future.go is stage
			// 3's, byte for byte, markers and all.
			mine, err := os.ReadFile(filepath.Join(root, ex.File))
			require.NoError(t, err)
			other, err := os.ReadFile(filepath.Join(root, m.File))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(mine, other), "%s is marked in %s as well as in its own %s", ex.ID, m.File, ex.File)
		}
		assert.Len(t, home, 1, "marker pairs of %s in %s", ex.ID, ex.File)
	}
	for id, ms := range byID {
		assert.True(t, known[id], "%s:%d marks exercise %s, which the catalogue does not describe", ms[0].File, ms[0].Begin, id)
	}
}

var docsRegionName = regexp.MustCompile(`(?m)^\s*//docs:begin (\S+)\s*$`)

func TestExcerptsNeverShowExerciseMarkersAndStillReadAStartedFile(t *testing.T) {
	root := repoRoot(t)
	for _, ex := range catalogue(t) {
		t.Run(ex.ID, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(root, ex.File))
			require.NoError(t, err)
			stub, _, err := Stub(src, ex)
			require.NoError(t, err, "make the stub")
			for _, m := range docsRegionName.FindAllSubmatch(src, -1) {
				name := string(m[1])
				region, err := book.Region(src, name)
				require.NoError(t, err, "read excerpt %s from the reference", name)
				assert.NotContains(t, region, "//exercise:", "excerpt %s would show an exercise marker: put the exercise markers around the excerpt's, not inside", name)
				_, err = book.Region(stub, name)
				assert.NoError(t, err, "read excerpt %s from the stub", name)
			}
		})
	}
}

func TestStubsAreGofmtCleanNameTheExerciseAndKeepEverythingElse(t *testing.T) {
	root := repoRoot(t)
	for _, ex := range catalogue(t) {
		t.Run(ex.ID, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(root, ex.File))
			require.NoError(t, err)
			stub, line, err := Stub(src, ex)
			require.NoError(t, err, "make the stub")
			formatted, err := format.Source(stub)
			require.NoError(t, err, "gofmt the stub")
			assert.Equal(t, string(formatted), string(stub), "the stub is gofmt-clean")
			assert.Contains(t, string(stub), fmt.Sprintf("%q", NotWritten(ex.ID)), "the stub panics naming the exercise")
			assert.Contains(t, string(stub), "// TODO(exercise "+ex.ID+"): ", "the stub says what to write")

			m, err := findRegion(ex.File, src, ex.ID)
			require.NoError(t, err)
			ms, err := findRegion(ex.File, stub, ex.ID)
			require.NoError(t, err)
			lines, stubLines := strings.SplitAfter(string(src), "\n"), strings.SplitAfter(string(stub), "\n")
			assert.Equal(t, lines[:m.Begin], stubLines[:ms.Begin], "lines before the region are unchanged")
			assert.Equal(t, lines[m.End-1:], stubLines[ms.End-1:], "lines after the region are unchanged")
			assert.Greater(t, line, ms.Begin, "the line to open is inside the region")
			assert.Less(t, line, ms.End, "the line to open is inside the region")

			assert.Equal(t, ex.Functions, funcsIn(t, src, m), "the catalogue's Where names the region's functions, in order")
			written := linesToWrite(t, src, m)
			assert.GreaterOrEqual(t, written, 5, "lines the learner writes")
			assert.LessOrEqual(t, written, 45, "lines the learner writes")
		})
	}
}

func TestEveryStubCompilesAndPassesVet(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: vets a scratch copy of the stages")
	}
	root := repoRoot(t)
	scratch := scratchCopy(t, root)
	stages := map[string]bool{}
	for _, ex := range catalogue(t) {
		path := filepath.Join(scratch, filepath.FromSlash(ex.File))
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		stub, _, err := Stub(src, ex)
		require.NoError(t, err, "stub %s", ex.ID)
		require.NoError(t, os.WriteFile(path, stub, 0o644))
		stages["./"+ex.Stage()] = true
	}
	args := []string{"vet"}
	for s := range stages {
		args = append(args, s)
	}
	ctx, cancel := contextFor(t, Limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = scratch
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "go vet of every stage with every stub in place:\n%s", out)
}

// linesToWrite counts the lines of code in the bodies of the functions in
// region m of src: blank lines, comment lines and braces alone do not
// count.
func linesToWrite(t *testing.T, src []byte, m Marked) int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	require.NoError(t, err)
	lines := strings.Split(string(src), "\n")
	n := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		from, to := fset.Position(fd.Body.Lbrace).Line, fset.Position(fd.Body.Rbrace).Line
		if from <= m.Begin || to >= m.End {
			continue
		}
		if from == to {
			n++ // a one-line function
			continue
		}
		for _, l := range lines[from : to-1] {
			if t := strings.TrimSpace(l); t != "" && t != "}" && !strings.HasPrefix(t, "//") {
				n++
			}
		}
	}
	return n
}

// funcsIn names the functions declared in region m of src, in order.
func funcsIn(t *testing.T, src []byte, m Marked) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	require.NoError(t, err)
	var names []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fset.Position(fd.Pos()).Line > m.Begin && fset.Position(fd.End()).Line < m.End {
			names = append(names, funcName(fd))
		}
	}
	return names
}
