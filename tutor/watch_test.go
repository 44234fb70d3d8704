// These tests drive the watch loop for real: a scratch module with one
// exercise, an fsnotify watcher on its stage, saves written to disk, and
// the stage's tests run by the workbook under a short limit.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/exercise"
)

const tinyCatalogue = `# Exercises

### s1-add — Add two numbers

- **Where:** ` + "`stage1-tiny/add.go`, `Add`" + `
- **Write:** Return a plus b.
- **The tests check:** that two and two make four.
- **Hints:**
  1. One operator does it.
  2. The operator is +.
  3. return a + b
`

const tinyAdd = `// Package tiny is a stage with one exercise.
package tiny

//exercise:begin s1-add

// Add returns a plus b.
func Add(a, b int) int {
	return a + b
}

//exercise:end s1-add
`

const tinyTest = `package tiny

import "testing"

func TestAdd(t *testing.T) {
	if got := Add(2, 2); got != 4 {
		t.Fatalf("Add(2, 2) = %d, want 4", got)
	}
}
`

// tinyModule writes a module with one stage and one exercise and returns
// its root and workbook (state in a temporary folder).
func tinyModule(t *testing.T) (string, *exercise.Workbook) {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":                   "module example.com/tiny\n\ngo 1.26\n",
		"docs/exercises.md":        tinyCatalogue,
		"stage1-tiny/add.go":       tinyAdd,
		"stage1-tiny/add_test.go":  tinyTest,
		"stage1-tiny/doc_notes.md": "not Go: saving it checks nothing\n",
	}
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	wb, err := exercise.OpenIn(root, t.TempDir())
	require.NoError(t, err, "open the tiny module's workbook")
	return root, wb
}

// tinyModel is the tutor on the tiny module, on its exercises screen.
func tinyModel(t *testing.T, root string, wb *exercise.Workbook) model {
	t.Helper()
	m := newModel(config{
		Env:        env{Root: root, Stages: []stage{{Num: 1, Dir: "stage1-tiny"}}},
		Opts:       options{Delay: 300e6, N: 10},
		ServerAddr: "127.0.0.1:8080",
		Docs:       testBook,
		Workbook:   wb,
		Ctx:        t.Context(),
	})
	m, _ = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m, _ = update(t, m, exercisesChosenMsg{})
	entries, err := wb.List()
	require.NoError(t, err)
	m, _ = update(t, m, exercisesListedMsg{Entries: entries})
	return m
}

// commands runs cmd and every command of its batches, each on its own
// goroutine, and delivers their messages on the channel returned.
func commands(cmd tea.Cmd) <-chan tea.Msg {
	out := make(chan tea.Msg, 16)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					run(c)
				}
				return
			}
			out <- msg
		}()
	}
	run(cmd)
	return out
}

// await waits for the first message of type T, dropping the others
// (spinner ticks…).
func await[T tea.Msg](t *testing.T, msgs <-chan tea.Msg, within time.Duration) T {
	t.Helper()
	deadline := time.After(within) // a guard against a hang, not a timing claim
	for {
		select {
		case msg := <-msgs:
			if m, ok := msg.(T); ok {
				return m
			}
		case <-deadline:
			var zero T
			t.Fatalf("no %T within %s", zero, within)
			return zero
		}
	}
}

// watched starts exercise s1-add and its watch, and returns the model and
// the messages of the watch's first wait for a save.
func watched(t *testing.T, m model) (model, <-chan tea.Msg) {
	t.Helper()
	start := msgOf(t, startExerciseCmd(m.cfg.Workbook, "s1-add"))
	started, ok := start.(exerciseStartedMsg)
	require.True(t, ok, "start s1-add: %v", start)
	m, _ = update(t, m, started)
	require.Equal(t, "s1-add", m.exercises.watching, "starting an exercise watches it")
	ws := watchStageCmd(m.cfg.Watches, m.exercises.watches, "s1-add", m.cfg.Env.Root, "stage1-tiny")()
	m, cmd := update(t, m, ws)
	require.NotNil(t, m.exercises.watch, "the watch is set up: %v", ws)
	return m, commands(cmd)
}

// save writes the exercise's function with body in place of the stub.
func save(t *testing.T, root, body string) {
	t.Helper()
	src := strings.Replace(tinyAdd, "return a + b", body, 1)
	if strings.Contains(body, "os.") {
		src = strings.Replace(src, "package tiny\n", "package tiny\n\nimport \"os\"\n", 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "stage1-tiny", "add.go"), []byte(src), 0o644))
}

func TestWatchLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test in a scratch module")
	}
	t.Run("a saved file triggers a check, and a pass runs the stage live", func(t *testing.T) {
		root, wb := tinyModule(t)
		m, saves := watched(t, tinyModel(t, root, wb))
		defer m.cfg.Watches.CloseAll()

		save(t, root, "return a + b // mine")
		saved := await[filesSavedMsg](t, saves, 30*time.Second)
		assert.Equal(t, []string{"add.go"}, saved.Files)
		m, cmd := update(t, m, saved)
		assert.True(t, m.exercises.checking, "a save starts a check")
		assert.Contains(t, m.View(), "checking: go test ./stage1-tiny")

		checked := await[exerciseCheckedMsg](t, commands(cmd), 60*time.Second)
		require.NoError(t, checked.Err)
		assert.Equal(t, exercise.Pass, checked.Result.Verdict, "%s", checked.Result.Output)
		assert.Equal(t, exercise.Passed, checked.Status, "the pass is recorded")
		m, _ = update(t, m, checked)
		assert.Equal(t, screenRun, m.active, "a pass runs the stage live")
		assert.Equal(t, "s1-add", m.run.exercise)
		assert.True(t, m.run.yours, "the learner's code")
		assert.Contains(t, m.run.title(), "your loop")
		m.run.build.skip() // its build never runs: the tiny stage has no main
	})

	t.Run("a failing save names the test; a file that is not Go checks nothing", func(t *testing.T) {
		root, wb := tinyModule(t)
		m, saves := watched(t, tinyModel(t, root, wb))
		defer m.cfg.Watches.CloseAll()

		require.NoError(t, os.WriteFile(filepath.Join(root, "stage1-tiny", "doc_notes.md"), []byte("changed\n"), 0o644))
		save(t, root, "return a - b")
		saved := await[filesSavedMsg](t, saves, 30*time.Second)
		assert.Equal(t, []string{"add.go"}, saved.Files, "only .go files count")
		m, cmd := update(t, m, saved)
		checked := await[exerciseCheckedMsg](t, commands(cmd), 60*time.Second)
		m, _ = update(t, m, checked)
		assert.Equal(t, exercise.Fail, checked.Result.Verdict)
		assert.Equal(t, screenExercises, m.active, "a failure stays on the verdict")
		view := m.View()
		assert.Contains(t, view, "✗ fails: TestAdd")
		assert.Contains(t, view, "Add(2, 2) = 0, want 4")
	})

	t.Run("a hanging test is cut at the limit: no verdict", func(t *testing.T) {
		root, wb := tinyModule(t)
		wb.Limit = 3 * time.Second
		m, saves := watched(t, tinyModel(t, root, wb))
		defer m.cfg.Watches.CloseAll()

		save(t, root, "select {} // never returns")
		m, cmd := update(t, m, await[filesSavedMsg](t, saves, 30*time.Second))
		began := time.Now()
		checked := await[exerciseCheckedMsg](t, commands(cmd), 60*time.Second)
		assert.Less(t, time.Since(began), 40*time.Second, "cut near the limit, not at Go's 10 minutes")
		assert.Equal(t, exercise.NoVerdict, checked.Result.Verdict)
		m, _ = update(t, m, checked)
		assert.Contains(t, m.View(), "no verdict after 3s")
	})

	t.Run("a new save cancels the check under way", func(t *testing.T) {
		root, wb := tinyModule(t)
		m, saves := watched(t, tinyModel(t, root, wb))
		defer m.cfg.Watches.CloseAll()

		// The hanging code says when its test runs: only then is the
		// check surely testing it, and not the next save.
		marker := filepath.Join(t.TempDir(), "running")
		save(t, root, fmt.Sprintf("_ = os.WriteFile(%q, nil, 0o644)\n\tselect {} // never returns", marker))
		m, first := update(t, m, await[filesSavedMsg](t, saves, 30*time.Second))
		firstMsgs := commands(first)
		require.Eventually(t, func() bool { _, err := os.Stat(marker); return err == nil }, time.Minute, 10*time.Millisecond, "the hanging test runs")
		save(t, root, "return a + b")
		m, second := update(t, m, await[filesSavedMsg](t, firstMsgs, 30*time.Second))
		began := time.Now()
		secondMsgs := commands(second) // the second check cancels the first as it begins
		await[checkCancelledMsg](t, firstMsgs, 30*time.Second)
		checked := await[exerciseCheckedMsg](t, secondMsgs, 60*time.Second)
		assert.Less(t, time.Since(began), 50*time.Second, "the hanging check was cancelled, not waited for (its limit is 60s)")
		assert.Equal(t, exercise.Pass, checked.Result.Verdict)
		m, _ = update(t, m, checked)
		assert.Equal(t, screenRun, m.active)
		m.run.build.skip()
	})
}

func TestWatchIsClosedOnEveryWayOut(t *testing.T) {
	root, wb := tinyModule(t)
	tests := []struct {
		name  string
		leave func(t *testing.T, m model) (model, tea.Cmd)
	}{
		{name: "esc back to the contents", leave: func(t *testing.T, m model) (model, tea.Cmd) { return update(t, m, keyMsg("esc")) }},
		{name: "opening a chapter", leave: func(t *testing.T, m model) (model, tea.Cmd) {
			return update(t, m, lessonChosenMsg{File: "why.md"})
		}},
		{name: "running another stage", leave: func(t *testing.T, m model) (model, tea.Cmd) {
			return update(t, m, runChosenMsg{Stage: 0}) // its build fails: no main
		}},
		{name: "restoring the reference", leave: func(t *testing.T, m model) (model, tea.Cmd) {
			return update(t, m, exerciseRestoredMsg{ID: "s1-add"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			save(t, root, "return a + b")
			_ = wb.Restore("s1-add") // from the row before, if started
			m, waiting := watched(t, tinyModel(t, root, wb))
			require.Equal(t, 1, m.cfg.Watches.Len())
			m, cmd := tt.leave(t, m)
			assert.Empty(t, m.exercises.watching, "no longer watching")
			commands(cmd)
			assert.Eventually(t, func() bool { return m.cfg.Watches.Len() == 0 }, 30*time.Second, 10*time.Millisecond, "the watcher is closed")
			await[watchClosedMsg](t, waiting, 10*time.Second) // its wait for a save has ended
		})
	}

	t.Run("the tutor's exit closes whatever is open", func(t *testing.T) {
		m, waiting := watched(t, tinyModel(t, root, wb))
		m.cfg.Watches.CloseAll() // startTUI's deferred clean-up
		assert.Equal(t, 0, m.cfg.Watches.Len())
		await[watchClosedMsg](t, waiting, 10*time.Second)
		_, err := watchStage(m.cfg.Watches, 99, "s1-add", root, "stage1-tiny")
		assert.ErrorIs(t, err, errExiting, "no new watch once closed")
	})
}
