// These tests run `tutor exercise`, and a learner in the TUI's model, in a
// scratch copy of the repository: the working tree they run in is never
// written.

package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/exercise"
	"github.com/loopfromscratch/loop/internal/slowserver"
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

// TestExerciseInTheTutorEndToEnd plays a learner in the TUI's model, on a
// scratch copy of the repository: start s1-loop, check (fails naming it),
// paste the reference back as the learner would, and the save checks it,
// passes, and runs the stage live as "your loop" against a slow server.
func TestExerciseInTheTutorEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on stage 1 twice, then builds and runs it")
	}
	root := scratchRepo(t)
	e, err := loadEnv()
	require.NoError(t, err)
	wb, err := exercise.OpenIn(root, t.TempDir())
	require.NoError(t, err)
	srv, err := slowserver.Start(slowserver.Config{Addr: "127.0.0.1:0", Delay: 300 * time.Millisecond})
	require.NoError(t, err)
	defer srv.Close()
	m := newModel(config{
		Env: e, Opts: options{Delay: 300 * time.Millisecond, N: 10}, ServerAddr: srv.Addr(),
		BinDir: t.TempDir(), Workbook: wb, Ctx: t.Context(),
	})
	defer m.cfg.Procs.StopAll()
	defer m.cfg.Watches.CloseAll()
	loop := filepath.Join(root, "stage1-callbacks", "loop.go")
	reference, err := os.ReadFile(loop)
	require.NoError(t, err)

	d := newDriver(t, m)
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.send(exercisesChosenMsg{Stage: "stage1-callbacks"})
	d.until("the exercises are listed", func(m model) bool { return m.exercises.loaded })
	d.m = selectID(t, d.m, "s1-loop")
	d.send(keyMsg("s"))
	d.until("s1-loop is started and watched", func(m model) bool { return m.exercises.watch != nil })
	src, err := os.ReadFile(loop)
	require.NoError(t, err)
	assert.Contains(t, string(src), "exercise s1-loop is not written yet", "the file holds the stub")

	d.send(keyMsg("c"))
	d.until("the check of the stub is over", func(m model) bool { _, ok := m.exercises.results["s1-loop"]; return ok })
	r := d.m.exercises.results["s1-loop"]
	assert.Equal(t, exercise.Fail, r.Verdict)
	assert.Contains(t, r.Message, "s1-loop is not written yet", "the failure names the exercise")
	assert.Contains(t, d.m.View(), "✗ fails:")

	require.NoError(t, os.WriteFile(loop, reference, 0o644), "paste the reference back")
	d.until("the save is checked and passes", func(m model) bool { return m.active == screenRun })
	assert.Equal(t, exercise.Pass, d.m.exercises.results["s1-loop"].Verdict)
	d.until("the live run is over", func(m model) bool { return m.run.state.over() })
	require.NotNil(t, d.m.run.expl, "the run is explained: %s", d.m.run.failure)
	assert.Equal(t, 10, d.m.run.expl.OK, "your loop answered 10 requests")
	body := strings.Join(d.m.run.bodyLines(120), "\n")
	assert.Contains(t, body, "Your loop")
	assert.Contains(t, body, "10 requests, all answered")
	assert.Contains(t, d.m.run.title(), "your loop (s1-loop)")
	st, err := wb.Status("s1-loop")
	require.NoError(t, err)
	assert.Equal(t, exercise.Passed, st, "the exercise is marked passed")
}

// driver plays the Bubble Tea runtime for a test: every command runs on
// its own goroutine and its message goes back through Update.
type driver struct {
	t    *testing.T
	m    model
	msgs chan tea.Msg
}

func newDriver(t *testing.T, m model) *driver {
	return &driver{t: t, m: m, msgs: make(chan tea.Msg, 64)}
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				d.run(c)
			}
			return
		}
		if msg != nil {
			d.msgs <- msg
		}
	}()
}

// send delivers msg to Update now.
func (d *driver) send(msg tea.Msg) {
	next, cmd := d.m.Update(msg)
	d.m = next.(model)
	d.run(cmd)
}

// until delivers messages until done holds.
func (d *driver) until(what string, done func(model) bool) {
	d.t.Helper()
	deadline := time.After(2 * time.Minute) // a guard against a hang, not a timing claim
	for !done(d.m) {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("%s: not within 2 minutes; the screen:\n%s", what, d.m.View())
		}
	}
}
