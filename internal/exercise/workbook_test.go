package exercise

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A tiny repository: one stage whose test checks Double, and a catalogue
// with one exercise on it.
const (
	fakeCatalogue = "# Exercises\n\n### s1-double — Double a number\n\n" +
		"- **Where:** `stage1-fake/double.go`, `Double`\n" +
		"- **Write:** Return twice n.\n" +
		"- **The tests check:** that 2 doubles to 4.\n" +
		"- **Hints:**\n  1. Multiply.\n  2. By two.\n  3. `return 2 * n`\n"
	fakeSource = `// Package main doubles.
package main

import (
	"fmt"
	"strconv"
)

func main() { fmt.Println(Double(2)) }

//exercise:begin s1-double

// Double returns twice n.
func Double(n int) int {
	s := strconv.Itoa(n) // the only use of strconv
	_ = s
	return 2 * n
}

//exercise:end s1-double
`
	fakeTest = `package main

import "testing"

func TestDouble(t *testing.T) {
	if got := Double(2); got != 4 {
		t.Fatalf("Double(2) = %d, want 4", got)
	}
}
`
)

// fakeRepo writes the tiny repository and returns its root.
func fakeRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":                     "module example.com/fake\n\ngo 1.23\n",
		CataloguePath:                fakeCatalogue,
		"stage1-fake/double.go":      fakeSource,
		"stage1-fake/double_test.go": fakeTest,
	}
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestStartResetRestoreAndSolution(t *testing.T) {
	root := fakeRepo(t)
	file := filepath.Join(root, "stage1-fake", "double.go")
	w, err := OpenIn(root, t.TempDir())
	require.NoError(t, err, "open")

	status, err := w.Status("s1-double")
	require.NoError(t, err)
	assert.Equal(t, NotStarted, status)
	diff, err := w.Solution("s1-double")
	require.NoError(t, err)
	assert.Empty(t, diff, "no solution to show before the start: the reference is in place")
	assert.ErrorContains(t, w.Restore("s1-double"), "not started", "restore before start")

	started, err := w.Start("s1-double")
	require.NoError(t, err, "start")
	assert.Equal(t, "stage1-fake/double.go", started.File)
	assert.Equal(t, 14, started.Line, "the line of func Double")
	stub := readFile(t, file)
	assert.Contains(t, stub, "// TODO(exercise s1-double): Return twice n.")
	assert.Contains(t, stub, "_ = strconv.Itoa", "the import only the body used is kept in use")
	assert.Contains(t, stub, "// Double returns twice n.\nfunc Double(n int) int {", "doc comment and signature kept")
	status, err = w.Status("s1-double")
	require.NoError(t, err)
	assert.Equal(t, InProgress, status)

	again, err := w.Start("s1-double")
	require.NoError(t, err, "start again")
	assert.True(t, again.Already, "a second start writes nothing")
	assert.Equal(t, stub, readFile(t, file))

	mine := strings.Replace(stub, `	panic("exercise s1-double is not written yet — go run ./tutor exercise hint s1-double")`, "\treturn n + n", 1)
	require.NoError(t, os.WriteFile(file, []byte(mine), 0o644))
	diff, err = w.Solution("s1-double")
	require.NoError(t, err)
	assert.Contains(t, diff, "--- stage1-fake/double.go (yours)\n+++ stage1-fake/double.go (reference)\n")
	assert.Contains(t, diff, "\n-\treturn n + n\n")
	assert.Contains(t, diff, "\n+\treturn 2 * n\n")

	require.NoError(t, w.Reset("s1-double"), "reset")
	assert.Equal(t, stub, readFile(t, file), "reset writes the stub again")
	backups, err := filepath.Glob(filepath.Join(w.Dir, "backup", "s1-double-*"))
	require.NoError(t, err)
	require.Len(t, backups, 1, "reset kept the learner's code")
	assert.Contains(t, readFile(t, backups[0]), "return n + n")

	require.NoError(t, w.Restore("s1-double"), "restore")
	assert.Equal(t, fakeSource, readFile(t, file), "restore puts the reference back byte for byte")
	status, err = w.Status("s1-double")
	require.NoError(t, err)
	assert.Equal(t, NotStarted, status)
}

func TestStartRefusesARegionThatIsAStubWithoutAReference(t *testing.T) {
	root := fakeRepo(t)
	w, err := OpenIn(root, t.TempDir())
	require.NoError(t, err)
	_, err = w.Start("s1-double")
	require.NoError(t, err)
	lost, err := OpenIn(root, t.TempDir()) // the state folder is gone
	require.NoError(t, err)
	_, err = lost.Start("s1-double")
	assert.ErrorContains(t, err, "is a stub already")
}

func TestHintsAreRememberedOneMoreEachTime(t *testing.T) {
	w, err := OpenIn(fakeRepo(t), t.TempDir())
	require.NoError(t, err)
	for want := 1; want <= 4; want++ {
		n, hint, err := w.NextHint("s1-double")
		require.NoError(t, err)
		assert.Equal(t, min(want, 3), n, "hint number")
		assert.NotEmpty(t, hint)
	}
	_, err = w.Hint("s1-double", 4)
	assert.ErrorContains(t, err, "hints 1 to 3")
	list, err := w.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, 3, list[0].Hints, "hints shown")
	_, err = w.Exercise("s9-nothing")
	assert.ErrorContains(t, err, "no exercise")
}

func TestTwoClonesKeepTheirStateApart(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	a, err := StateDir(filepath.Join(t.TempDir(), "loop"))
	require.NoError(t, err)
	b, err := StateDir(filepath.Join(t.TempDir(), "loop"))
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "two clones with the same folder name")
	config, err := os.UserConfigDir()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(a, filepath.Join(config, "loopfromscratch", "exercises")+string(filepath.Separator)), "beside the tutor's progress: %s", a)
}

func TestCheckReadsEveryKindOfVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs go test four times")
	}
	tests := []struct {
		name    string
		body    string // Double's body
		limit   time.Duration
		verdict Verdict
		test    string
		message string
	}{
		{"the reference passes", "return 2 * n", Limit, Pass, "", "every test of stage1-fake passes"},
		{"a wrong answer fails naming the test and its message", "return n", Limit, Fail, "TestDouble", "Double(2) = 2, want 4"},
		{"the stub fails naming the exercise", `panic("` + NotWritten("s1-double") + `")`, Limit, Fail, "TestDouble", NotWritten("s1-double")},
		{"code that does not compile shows the compiler's words", "return m", Limit, BuildFailed, "", "undefined: m"},
		{"code that never returns is cut at the limit", "select {}", 8 * time.Second, NoVerdict, "TestDouble", "no verdict after 8s — your code never returned"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := fakeRepo(t)
			file := filepath.Join(root, "stage1-fake", "double.go")
			src := strings.Replace(fakeSource, "return 2 * n", tc.body, 1)
			require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
			ctx, cancel := context.WithTimeout(context.Background(), 2*Limit)
			defer cancel()
			r, err := RunStage(ctx, root, "stage1-fake", tc.limit)
			require.NoError(t, err, "run the tests")
			assert.Equal(t, tc.verdict, r.Verdict, "verdict; output:\n%s", r.Output)
			assert.Equal(t, tc.test, r.Test, "failing test")
			assert.Contains(t, r.Message, tc.message, "message")
			if tc.verdict == NoVerdict {
				assert.Less(t, r.Elapsed, tc.limit+10*time.Second, "killed at the limit, group and all")
			}
		})
	}
}
