// These tests drive the exercises screen through Update, message by
// message, with the catalogue frozen in testdata/workbook (so they change
// when the screen does, not when the wording does), and keep golden frames
// of the list and of a failing verdict.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/exercise"
)

// frozenEntries is the frozen catalogue with a learner's statuses: two
// passed, one failing after a hint, one in progress, the rest not started.
func frozenEntries(t testing.TB) []exercise.Entry {
	src, err := os.ReadFile(filepath.Join("testdata", "workbook", "exercises.md"))
	require.NoError(t, err)
	all, err := exercise.ParseCatalogue(src)
	require.NoError(t, err, "parse the frozen catalogue")
	status := map[string]exercise.Status{"s1-select": exercise.Passed, "s1-connect": exercise.Passed, "s1-receive": exercise.Failing, "s1-loop": exercise.InProgress}
	hints := map[string]int{"s1-receive": 1, "s1-loop": 3}
	var entries []exercise.Entry
	for _, ex := range all {
		entries = append(entries, exercise.Entry{Exercise: ex, Status: status[ex.ID], Hints: hints[ex.ID]})
	}
	return entries
}

var repoStages = []stage{
	{Num: 1, Dir: "stage1-callbacks"}, {Num: 2, Dir: "stage2-statemachine"},
	{Num: 3, Dir: "stage3-futures"}, {Num: 4, Dir: "stage4-tasks"},
}

// failingReceive is a check of s1-receive that failed.
var failingReceive = exercise.Result{
	Exercise: "s1-receive", Stage: "stage1-callbacks", Verdict: exercise.Fail,
	Test:    "TestContract/reads_a_reply_that_arrives_in_pieces",
	Message: "contract_test.go:141: request 1: got reply \"HTTP/1.1 200 OK\\r\\n\", want the whole reply (it came in 3 writes)",
	Elapsed: 2100 * time.Millisecond,
}

// exercisesModel is the tutor on the exercises screen with the frozen
// entries, at 80×24, with a workbook (wb may be nil).
func exercisesTestModel(t *testing.T, wb *exercise.Workbook) model {
	m := newModel(config{
		Env:        env{Root: "/nowhere", Stages: repoStages},
		Opts:       options{Delay: 300e6, N: 10},
		ServerAddr: "127.0.0.1:8080",
		Docs:       testBook,
		Workbook:   wb,
	})
	m, _ = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m, _ = update(t, m, exercisesChosenMsg{})
	m, _ = update(t, m, exercisesListedMsg{Entries: frozenEntries(t)})
	return m
}

// selectID puts the cursor on exercise id.
func selectID(t *testing.T, m model, id string) model {
	_, i := m.exercises.entry(id)
	require.GreaterOrEqual(t, i, 0, "exercise %s", id)
	m.exercises.cursor = i
	return m
}

// checkedMsg is a verdict for the check under way, as the command would
// deliver it.
func checkedMsg(m model, r exercise.Result, st exercise.Status) exerciseCheckedMsg {
	return exerciseCheckedMsg{Check: m.exercises.checks, ID: r.Exercise, Result: r, Status: st}
}

func TestUpdateExercises(t *testing.T) {
	t.Run("home has an exercises row per stage with the passed ones counted", func(t *testing.T) {
		root, wb := tinyModule(t)
		m := tinyModel(t, root, wb)
		m, _ = update(t, m, keyMsg("esc"))
		assert.Equal(t, rowExercises, m.home.rows[len(m.home.rows)-1].kind, "the stage's last row")
		assert.Contains(t, m.View(), "○ 0/1")
		m.home.cursor = len(m.home.rows) - 1 // the exercises row
		_, cmd := update(t, m, keyMsg("enter"))
		assert.Equal(t, exercisesChosenMsg{Stage: "stage1-tiny"}, msgOf(t, cmd))
	})
	t.Run("the list shows every exercise by stage with its status", func(t *testing.T) {
		m := exercisesTestModel(t, nil)
		m, _ = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		v := m.View()
		for _, want := range []string{"Stage 1 · callbacks 2/4 passed", "s1-select", "● passed", "✗ failing", "◐ in progress", "○ not started", "Capstone 0/1 passed", "cap-minitask"} {
			assert.Contains(t, v, want)
		}
		assert.Equal(t, exerciseCount{Passed: 2, Total: 4}, m.home.exercises[0], "home counts the passed ones")
	})
	t.Run("s asks to start the selected exercise, and a start says where to write and watches it", func(t *testing.T) {
		root, wb := tinyModule(t)
		m := tinyModel(t, root, wb)
		_, cmd := update(t, m, keyMsg("s"))
		assert.Equal(t, exerciseChosenMsg{ID: "s1-add", Action: actStart}, msgOf(t, cmd))
		m, _ = update(t, m, exerciseStartedMsg{ID: "s1-add", Started: exercise.Started{File: "stage1-tiny/add.go", Line: 7}})
		assert.Contains(t, m.exercises.note, "open stage1-tiny/add.go:7")
		assert.Equal(t, "s1-add", m.exercises.watching)
		assert.Contains(t, m.View(), "watching ./stage1-tiny")
	})
	t.Run("h asks for one more hint, and the hint is shown and counted", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		_, cmd := update(t, m, keyMsg("h"))
		assert.Equal(t, exerciseChosenMsg{ID: "s1-receive", Action: actHint}, msgOf(t, cmd))
		m, _ = update(t, m, hintShownMsg{ID: "s1-receive", N: 2, Hint: "Keep reading until EOF."})
		e, _ := m.exercises.entry("s1-receive")
		assert.Equal(t, 2, e.Hints)
		assert.Contains(t, m.View(), "Hint 2 of 3: Keep reading until EOF.")
	})
	t.Run("v before passing and before the last hint says when the solution comes", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		m, cmd := update(t, m, keyMsg("v"))
		assert.Nil(t, cmd)
		assert.Contains(t, m.exercises.note, "once you pass, or after the last hint: 1 of 3 shown")
	})
	t.Run("v after the last hint asks first; q does not quit while asking; y shows it", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-loop")
		m, _ = update(t, m, keyMsg("v"))
		assert.Equal(t, confirmSolution, m.exercises.confirm)
		assert.Contains(t, m.View(), "have seen every hint. Show the")
		m, cmd := update(t, m, keyMsg("q"))
		assert.False(t, isQuit(cmd), "q answers nothing and does not quit")
		_, cmd = update(t, m, keyMsg("y"))
		assert.Equal(t, exerciseChosenMsg{ID: "s1-loop", Action: actSolution}, msgOf(t, cmd))
	})
	t.Run("v after a pass shows the diff at once; esc closes it and stays on the screen", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-select")
		_, cmd := update(t, m, keyMsg("v"))
		assert.Equal(t, exerciseChosenMsg{ID: "s1-select", Action: actSolution}, msgOf(t, cmd))
		m, _ = update(t, m, solutionShownMsg{ID: "s1-select", Diff: "--- a (yours)\n+++ a (reference)\n@@ -1 +1 @@\n-mine\n+theirs\n"})
		v := m.View()
		assert.Contains(t, v, "-mine")
		assert.Contains(t, v, "+theirs")
		m, _ = update(t, m, keyMsg("esc"))
		assert.Equal(t, screenExercises, m.active)
		assert.Empty(t, m.exercises.diff)
	})
	t.Run("x and b ask before they write; n leaves the file alone", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-loop")
		m, _ = update(t, m, keyMsg("x"))
		assert.Contains(t, m.View(), "Write the stub of s1-loop again?")
		m, cmd := update(t, m, keyMsg("n"))
		assert.Nil(t, cmd)
		m, _ = update(t, m, keyMsg("b"))
		assert.Contains(t, m.View(), "Put the reference of s1-loop back")
		_, cmd = update(t, m, keyMsg("y"))
		assert.Equal(t, exerciseChosenMsg{ID: "s1-loop", Action: actRestore}, msgOf(t, cmd))
	})
	t.Run("a failing check shows the first failing test in words and its message", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		m.exercises.watching, m.exercises.checking, m.exercises.checks = "s1-receive", true, 3
		m, _ = update(t, m, checkedMsg(m, failingReceive, exercise.Failing))
		v := m.View()
		assert.Contains(t, v, "✗ fails: TestContract › reads a reply that arrives in pieces")
		assert.Contains(t, v, "request 1: got reply")
		assert.Equal(t, screenExercises, m.active)
	})
	t.Run("a check that was cancelled since is ignored", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		m.exercises.watching, m.exercises.checking, m.exercises.checks = "s1-receive", true, 3
		stale := checkedMsg(m, failingReceive, exercise.Failing)
		stale.Check = 2
		m, _ = update(t, m, stale)
		assert.True(t, m.exercises.checking, "still waiting for check 3")
		assert.NotContains(t, m.View(), "✗ fails")
	})
	t.Run("compile errors and a hang are shown as such", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		m.exercises.watching, m.exercises.checking = "s1-receive", true
		m, _ = update(t, m, checkedMsg(m, exercise.Result{Exercise: "s1-receive", Stage: "stage1-callbacks", Verdict: exercise.BuildFailed, Message: "stage1-callbacks/request.go:80:2: declared and not used: n"}, exercise.Failing))
		assert.Contains(t, m.View(), "./stage1-callbacks does not compile")
		assert.Contains(t, m.View(), "declared and not used: n")
		m.exercises.checking = true
		m, _ = update(t, m, checkedMsg(m, exercise.Result{Exercise: "s1-receive", Stage: "stage1-callbacks", Verdict: exercise.NoVerdict, Message: exercise.NoVerdictMessage(time.Minute)}, exercise.Failing))
		assert.Contains(t, m.View(), "no verdict after 1m0s — your code never returned")
	})
	t.Run("a pass of the watched exercise runs its stage live as your loop; esc comes back", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		m.exercises.watching, m.exercises.checking = "s1-receive", true
		pass := exercise.Result{Exercise: "s1-receive", Stage: "stage1-callbacks", Verdict: exercise.Pass, Message: "every test of stage1-callbacks passes"}
		m, cmd := update(t, m, checkedMsg(m, pass, exercise.Passed))
		require.NotNil(t, cmd)
		m.run.build.skip() // not built here
		assert.Equal(t, screenRun, m.active)
		assert.Equal(t, "s1-receive", m.run.exercise)
		assert.True(t, m.run.yours)
		assert.Contains(t, m.View(), "your loop (s1-receive)")
		assert.Equal(t, "s1-receive", m.exercises.watching, "the run of the watched exercise keeps the watch")
		m, _ = update(t, m, keyMsg("esc"))
		assert.Equal(t, screenExercises, m.active, "back to the exercises, not the contents")
	})
	t.Run("the run of a pass with the reference restored says it is not the learner's", func(t *testing.T) {
		m := selectID(t, exercisesTestModel(t, nil), "s1-receive")
		m.exercises.watching, m.exercises.checking = "s1-receive", true
		pass := exercise.Result{Exercise: "s1-receive", Stage: "stage1-callbacks", Verdict: exercise.Pass}
		m, _ = update(t, m, checkedMsg(m, pass, exercise.NotStarted))
		m.run.build.skip()
		assert.False(t, m.run.yours)
		assert.Contains(t, m.run.banner(120), "reference restored (not counted as yours)")
	})
	t.Run("c on an exercise not started says to start it", func(t *testing.T) {
		m := exercisesTestModel(t, nil)
		m = selectID(t, m, "s2-transition")
		_, cmd := update(t, m, keyMsg("c"))
		m, _ = update(t, m, msgOf(t, cmd))
		m.cfg.Workbook = nil
		assert.Contains(t, m.exercises.note, "cannot be read", "no workbook in this test")
	})
}

// exerciseFrame is a test-only message: show the exercises screen with the
// frozen entries, the cursor on ID, and Verdict as the watched exercise's
// last check when set.
type exerciseFrame struct {
	ID      string
	Verdict *exercise.Result
}

// exerciseReplayer is the tutor with one addition for tests: it shows an
// exerciseFrame through the real Update.
type exerciseReplayer struct {
	model
	entries []exercise.Entry
}

func (r exerciseReplayer) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	f, ok := msg.(exerciseFrame)
	if !ok {
		next, cmd := r.model.Update(msg)
		r.model = next.(model)
		return r, cmd
	}
	m := r.model
	next, _ := m.Update(exercisesChosenMsg{})
	next, _ = next.(model).Update(exercisesListedMsg{Entries: r.entries})
	m = next.(model)
	_, i := m.exercises.entry(f.ID)
	m.exercises.cursor = i
	if f.Verdict != nil {
		m.exercises.watching, m.exercises.checking = f.ID, true
		next, _ = m.Update(checkedMsg(m, *f.Verdict, exercise.Failing))
		m = next.(model)
	}
	r.model = m
	return r, nil
}

// goldenExercises draws frame at both sizes and compares the last frame
// with testdata/<test name>.golden.
func goldenExercises(t *testing.T, frame exerciseFrame, text string) {
	entries := frozenEntries(t)
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := newModel(config{
				Env:        env{Root: "/nowhere", Stages: repoStages},
				Opts:       options{Delay: 300 * time.Millisecond, N: 10},
				ServerAddr: "127.0.0.1:8080",
				Docs:       testBook,
			})
			tm := teatest.NewTestModel(t, exerciseReplayer{model: m, entries: entries}, teatest.WithInitialTermSize(size.w, size.h))
			tm.Send(frame)
			waitFor(t, tm, text)
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
			teatest.RequireEqualOutput(t, []byte(final.View()))
		})
	}
}

func TestGoldenExerciseList(t *testing.T) {
	goldenExercises(t, exerciseFrame{ID: "s1-loop"}, "s1-loop")
}

func TestGoldenFailingVerdict(t *testing.T) {
	r := failingReceive
	goldenExercises(t, exerciseFrame{ID: "s1-receive", Verdict: &r}, "TestContract")
}
