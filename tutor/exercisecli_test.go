// These tests run `tutor exercise` in a scratch copy of the repository:
// the working tree they run in is never written.

package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scratchRepo copies the repository (all but .git) into a temporary
// folder, makes it the working directory for the test, and returns it.
func scratchRepo(t *testing.T) string {
	t.Helper()
	e, err := loadEnv()
	require.NoError(t, err, "find the repository from the test's folder")
	dst := t.TempDir()
	err = filepath.WalkDir(e.Root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(e.Root, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	require.NoError(t, err, "copy the repository to %s", dst)
	t.Chdir(dst)
	return dst
}

// exerciseRun runs `tutor exercise args…` and returns its exit code and
// output.
func exerciseRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := tutorMain(append([]string{"exercise"}, args...), &stdout, &stderr)
	assert.NotContains(t, stdout.String(), "\x1b", "no escape codes in plain output")
	return code, stdout.String(), stderr.String()
}

func TestExerciseCommandLine(t *testing.T) {
	scratchRepo(t)
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{name: "list prints every exercise, its id first, by stage", args: []string{"list"}, code: exitOK, out: "Stage 1 · callbacks\ns1-select "},
		{name: "an unknown id is bad usage, in one line", args: []string{"start", "s9-nothing"}, code: exitUsage, err: `no exercise "s9-nothing"`},
		{name: "an unknown command is bad usage", args: []string{"frob"}, code: exitUsage, err: `unknown command "frob"`},
		{name: "no command is bad usage", args: nil, code: exitUsage, err: "which command?"},
		{name: "start wants an id", args: []string{"start"}, code: exitUsage, err: "start takes one exercise id"},
		{name: "-all goes with reset and restore only", args: []string{"hint", "-all"}, code: exitUsage, err: "-all goes with reset or restore"},
		{name: "reset -all with nothing started says so", args: []string{"reset", "-all"}, code: exitOK, out: "no exercise is started"},
		{name: "check with nothing started says so", args: []string{"check"}, code: exitOK, out: "no exercise is started"},
		{name: "a solution before passing wants -yes without a terminal", args: []string{"solution", "s1-loop"}, code: exitUsage, err: "add -yes"},
		{name: "hint shows the first hint first", args: []string{"hint", "s2-transition"}, code: exitOK, out: "hint 1 of 3 for s2-transition:"},
		{name: "reset of an exercise not started is an error", args: []string{"reset", "s1-loop"}, code: exitFail, err: "is not started"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := exerciseRun(t, tt.args...)
			assert.Equal(t, tt.code, code, "tutor exercise %v: %s", tt.args, errOut)
			assert.Contains(t, out, tt.out)
			assert.Contains(t, errOut, tt.err)
			if tt.code == exitUsage {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line for bad usage: %q", errOut)
			}
		})
	}

	t.Run("list has one line per exercise, id first", func(t *testing.T) {
		_, out, _ := exerciseRun(t, "list")
		lines := regexp.MustCompile(`(?m)^(s[1-4]|cap)-[a-z0-9-]+ +(not started|in progress|failing|passed) `).FindAllString(out, -1)
		assert.GreaterOrEqual(t, len(lines), 14, "exercises listed:\n%s", out)
	})
}

// Start, check (fails naming the exercise, exit 1), restore, check
// (passes, exit 0): the judge's exit codes, in a scratch copy.
func TestExerciseStartCheckRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a stage twice")
	}
	root := scratchRepo(t)
	code, out, errOut := exerciseRun(t, "start", "s1-loop")
	require.Equal(t, exitOK, code, "start s1-loop: %s", errOut)
	assert.Regexp(t, `open stage1-callbacks/loop\.go:\d+`, out)
	src, err := os.ReadFile(filepath.Join(root, "stage1-callbacks", "loop.go"))
	require.NoError(t, err)
	assert.Contains(t, string(src), "exercise s1-loop is not written yet", "the file holds the stub")

	code, out, _ = exerciseRun(t, "start", "s1-loop")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "started already", "a second start writes nothing")

	code, out, errOut = exerciseRun(t, "check")
	assert.Equal(t, exitFail, code, "check fails while s1-loop is a stub: %s", out)
	assert.Contains(t, out, "s1-loop (stage1-callbacks): fail")
	assert.Contains(t, out, "s1-loop is not written yet")
	assert.Contains(t, errOut, "checking the started exercises…", "progress on stderr")

	code, out, _ = exerciseRun(t, "list")
	assert.Equal(t, exitOK, code)
	assert.Regexp(t, `(?m)^s1-loop +failing `, out)

	code, out, errOut = exerciseRun(t, "restore", "s1-loop")
	require.Equal(t, exitOK, code, "restore s1-loop: %s", errOut)
	assert.Contains(t, out, "the reference is back in stage1-callbacks/loop.go")

	code, out, errOut = exerciseRun(t, "check", "s1-loop")
	assert.Equal(t, exitOK, code, "check passes with the reference back: %s %s", out, errOut)
	assert.Contains(t, out, "s1-loop (stage1-callbacks): pass")
}
