// These tests drive Update directly, message by message, and read the
// resulting model and View.

package main

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testStages are fixed, so tests do not change when stages are added.
var testStages = []stage{
	{Num: 1, Dir: "stage1-callbacks", Summary: "Stage 1 sends ten requests to a slow server at once, with select(2) and callbacks.", Story: story{Hurts: "What still hurts: each request's logic is chopped into callbacks nested three deep, the state it needs hides in captured variables, and an error in a callback has nowhere to go.", Next: "Next: stage 2 (stage2-statemachine) untangles the callbacks into a type with explicit states."}},
	{Num: 2, Dir: "stage2-statemachine", Summary: "Stage 2 sends the same ten requests, each one a Client with explicit, typed states."},
}

// testBook is a fixed chapter, so tests do not change when the docs do.
var testBook = fstest.MapFS{
	"README.md":              {Data: []byte("# The book\n\n1. [Why](why.md) — why a loop at all\n2. [Stage 1: callbacks](stage1-callbacks.md) — non-blocking sockets\n3. [Stage 2: a state machine](stage2-statemachine.md) — a client type\n4. [Patterns](patterns.md) — gather, timeouts\n")},
	"why.md":                 {Data: []byte("# Why\n\nWaiting is the work. Read [stage 1](stage1-callbacks.md#the-loop), the [code](../stage1-callbacks/loop.go) and [a picture](img/stage1-callbacks.svg).\n")},
	"patterns.md":            {Data: []byte("# Patterns\n\nGather them.\n")},
	"stage2-statemachine.md": {Data: []byte("# Stage 2\n\nA client.\n")},
	"stage1-callbacks.md":    {Data: []byte("# Stage 1: callbacks\n\nTen requests, one loop, **select(2)**.\n\n```go\nfor {\n\tready := sel.Select()\n}\n```\n\n- one goroutine\n- no threads\n\n## The loop\n\nIt waits.\n")},
}

func testModel() model {
	m := newModel(config{
		Env:        env{Root: "/nowhere", Stages: testStages},
		Opts:       options{Delay: 300e6, N: 10},
		ServerAddr: "127.0.0.1:8080",
		Docs:       testBook,
	})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return next.(model)
}

// update applies msg and returns the new model and command.
func update(t *testing.T, m model, msg tea.Msg) (model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(msg)
	return next.(model), cmd
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// msgOf runs a command that must produce exactly one message.
func msgOf(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	require.NotNil(t, cmd, "a command")
	return cmd()
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestUpdateHome(t *testing.T) {
	t.Run("a window size reflows every screen", func(t *testing.T) {
		m, _ := update(t, testModel(), tea.WindowSizeMsg{Width: 120, Height: 40})
		assert.Equal(t, 120, m.width)
		assert.Equal(t, 120, m.lesson.width)
	})
	t.Run("home is the contents in the book's reading order, a stage with its lesson and run", func(t *testing.T) {
		m := testModel()
		var files []string
		for _, e := range m.toc {
			files = append(files, e.File)
		}
		assert.Equal(t, []string{"why.md", "stage1-callbacks.md", "stage2-statemachine.md", "patterns.md"}, files)
		assert.Equal(t, []homeRow{{rowChapter, 0}, {rowLesson, 1}, {rowRun, 1}, {rowLesson, 2}, {rowRun, 2}, {rowChapter, 3}}, m.home.rows)
		v := m.View()
		assert.Less(t, strings.Index(v, "Why"), strings.Index(v, "Stage 1: callbacks"))
		assert.Less(t, strings.Index(v, "Stage 2: a state machine"), strings.Index(v, "Patterns"))
		assert.Contains(t, v, "why a loop at all", "the selected chapter's summary")
	})
	t.Run("down moves the cursor and stops at the last row", func(t *testing.T) {
		m := testModel()
		for range 10 {
			m, _ = update(t, m, keyMsg("down"))
		}
		m, _ = update(t, m, keyMsg("j"))
		assert.Equal(t, 5, m.home.cursor)
	})
	t.Run("enter opens the chapter under the cursor", func(t *testing.T) {
		_, cmd := update(t, testModel(), keyMsg("enter"))
		assert.Equal(t, lessonChosenMsg{File: "why.md"}, msgOf(t, cmd))
	})
	t.Run("enter on a stage's run row runs it; r runs from its lesson row", func(t *testing.T) {
		m, _ := update(t, testModel(), keyMsg("down"))
		_, cmd := update(t, m, keyMsg("enter"))
		assert.Equal(t, lessonChosenMsg{File: "stage1-callbacks.md"}, msgOf(t, cmd))
		_, cmd = update(t, m, keyMsg("r"))
		assert.Equal(t, runChosenMsg{Stage: 0}, msgOf(t, cmd))
		m, _ = update(t, m, keyMsg("down"))
		_, cmd = update(t, m, keyMsg("enter"))
		assert.Equal(t, runChosenMsg{Stage: 0}, msgOf(t, cmd))
	})
	t.Run("r on a chapter that is not a stage does nothing", func(t *testing.T) {
		_, cmd := update(t, testModel(), keyMsg("r"))
		assert.Nil(t, cmd)
	})
	t.Run("q quits", func(t *testing.T) {
		_, cmd := update(t, testModel(), keyMsg("q"))
		assert.True(t, isQuit(cmd))
	})
	t.Run("ctrl+c outside a run quits", func(t *testing.T) {
		_, cmd := update(t, testModel(), keyMsg("ctrl+c"))
		assert.True(t, isQuit(cmd))
	})
	t.Run("? toggles the full help", func(t *testing.T) {
		m, _ := update(t, testModel(), keyMsg("?"))
		assert.True(t, m.fullHelp)
		assert.Contains(t, m.View(), "reset progress")
	})
	t.Run("R asks, n keeps the progress, y resets it", func(t *testing.T) {
		m, _ := update(t, testModel(), progressLoadedMsg{Progress: progress{"stage1-callbacks": {Read: true}}})
		m, _ = update(t, m, keyMsg("R"))
		assert.True(t, m.home.confirming)
		m, cmd := update(t, m, keyMsg("q"))
		assert.False(t, isQuit(cmd), "q does not quit during the question")
		m, _ = update(t, m, keyMsg("n"))
		assert.False(t, m.home.confirming)
		assert.True(t, m.progress["stage1-callbacks"].Read)
		m, _ = update(t, m, keyMsg("R"))
		m, cmd = update(t, m, keyMsg("y"))
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Empty(t, m.progress)
	})
	t.Run("progress that cannot be read is a notice, not a crash", func(t *testing.T) {
		m, _ := update(t, testModel(), progressFailedMsg{Err: errors.New("bad json")})
		assert.Contains(t, m.View(), "progress: bad json")
	})
	t.Run("the home screen fits 80x24 with every row reachable", func(t *testing.T) {
		m := testModel()
		for range len(m.home.rows) {
			v := m.View()
			assert.LessOrEqual(t, strings.Count(v, "\n")+1, 24)
			assert.Contains(t, v, "›", "the cursor is in view")
			m, _ = update(t, m, keyMsg("down"))
		}
	})
}

// openChapter opens file in the lesson screen and draws it.
func openChapter(t *testing.T, m model, file string) model {
	t.Helper()
	m, cmd := update(t, m, lessonChosenMsg{File: file})
	require.Equal(t, screenLesson, m.active)
	m, _ = update(t, m, msgOf(t, cmd))
	return m
}

func TestUpdateLesson(t *testing.T) {
	long := "# Long\n\n" + strings.Repeat("A line of the chapter.\n\n", 60) + "The end.\n"
	book := fstest.MapFS{"README.md": testBook["README.md"], "stage1-callbacks.md": {Data: []byte(long)}}
	longModel := func() model {
		m := newModel(config{Env: env{Root: "/nowhere", Stages: testStages}, Opts: options{Delay: 300e6, N: 10}, Docs: book})
		next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		return next.(model)
	}
	t.Run("choosing a chapter opens and draws it", func(t *testing.T) {
		m := openChapter(t, testModel(), "stage1-callbacks.md")
		assert.Contains(t, m.View(), "Ten requests, one loop")
	})
	t.Run("a chapter is read when its end is reached, not when it opens", func(t *testing.T) {
		m := openChapter(t, longModel(), "stage1-callbacks.md")
		assert.False(t, m.progress["stage1-callbacks"].Read, "not on opening")
		m, _ = update(t, m, keyMsg("f"))
		assert.False(t, m.progress["stage1-callbacks"].Read, "not after one page")
		m, cmd := update(t, m, keyMsg("G"))
		assert.True(t, m.progress["stage1-callbacks"].Read, "at the end")
		assert.NotNil(t, cmd, "saved")
		m, _ = update(t, m, keyMsg("esc"))
		assert.Contains(t, m.View(), "● read")
	})
	t.Run("a short chapter that fits the window is read at once", func(t *testing.T) {
		m := openChapter(t, testModel(), "patterns.md")
		assert.True(t, m.progress["patterns"].Read)
	})
	t.Run("a missing chapter is said, not a crash", func(t *testing.T) {
		m := openChapter(t, testModel(), "nowhere.md")
		assert.Contains(t, m.View(), "there is no chapter nowhere yet")
	})
	t.Run("a resize re-renders for the new width", func(t *testing.T) {
		m := openChapter(t, testModel(), "stage1-callbacks.md")
		_, cmd := update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
		got, ok := msgOf(t, cmd).(lessonRenderedMsg)
		require.True(t, ok)
		assert.Equal(t, 100, got.Width)
	})
	t.Run("esc goes back home", func(t *testing.T) {
		m := openChapter(t, testModel(), "stage1-callbacks.md")
		m, _ = update(t, m, keyMsg("esc"))
		assert.Equal(t, screenHome, m.active)
	})
	t.Run("n and p step through the chapters in reading order", func(t *testing.T) {
		m := openChapter(t, testModel(), "why.md")
		m, cmd := update(t, m, keyMsg("n"))
		m, cmd = update(t, m, msgOf(t, cmd))
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Equal(t, "stage1-callbacks.md", m.lesson.entry.File)
		assert.Contains(t, m.View(), "Ten requests")
		m, cmd = update(t, m, keyMsg("p"))
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Equal(t, "why.md", m.lesson.entry.File)
	})
	t.Run("tab selects a link, enter follows it to the heading, esc comes back", func(t *testing.T) {
		m := openChapter(t, testModel(), "why.md")
		m, _ = update(t, m, tea.KeyMsg{Type: tea.KeyTab})
		assert.Equal(t, 0, m.lesson.focus)
		assert.Contains(t, m.View(), "enter: open stage1-callbacks at #the-loop")
		m, cmd := update(t, m, keyMsg("enter"))
		m, cmd = update(t, m, msgOf(t, cmd))
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Equal(t, "stage1-callbacks.md", m.lesson.entry.File)
		assert.Equal(t, min(m.lesson.page.anchors["the-loop"], m.lesson.maxTop()), m.lesson.top, "at the heading (or as near as the end allows)")
		assert.Positive(t, m.lesson.page.anchors["the-loop"])
		m, cmd = update(t, m, keyMsg("esc"))
		if cmd != nil {
			m, _ = update(t, m, msgOf(t, cmd))
		}
		assert.Equal(t, screenLesson, m.active)
		assert.Equal(t, "why.md", m.lesson.entry.File)
	})
	t.Run("a link into the code names the file without $EDITOR and opens it with one", func(t *testing.T) {
		m := openChapter(t, testModel(), "why.md")
		m, _ = update(t, m, tea.KeyMsg{Type: tea.KeyTab})
		m, _ = update(t, m, tea.KeyMsg{Type: tea.KeyTab})
		m, cmd := update(t, m, keyMsg("enter"))
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Contains(t, m.View(), "stage1-callbacks/loop.go (in the repository; set $EDITOR")
		m.cfg.Editor = "true"
		_, cmd = update(t, m, msgOf(t, chooseCmd(linkFollowedMsg{From: "why.md", Link: m.lesson.page.links[1]})))
		assert.NotNil(t, cmd, "the editor runs as a command")
	})
	t.Run("a stage's waterfall picture is drawn live on the run screen", func(t *testing.T) {
		m := openChapter(t, testModel(), "why.md")
		m, _ = update(t, m, linkFollowedMsg{From: "why.md", Link: m.lesson.page.links[2]})
		assert.Contains(t, strings.Join(strings.Fields(m.View()), " "), "img/stage1-callbacks.svg is a waterfall of a real run: the run screen draws one live")
	})
	t.Run("o without a browser says how to read the page", func(t *testing.T) {
		m := openChapter(t, testModel(), "why.md")
		m, cmd := update(t, m, keyMsg("o"))
		m, cmd = update(t, m, msgOf(t, cmd))
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Contains(t, strings.Join(strings.Fields(m.View()), " "), "run go run ./tutor docs and open http://127.0.0.1:6060/why.html")
	})
}

// finishedRun feeds a recorded trace to a run, as a live run would.
func finishedRun(t *testing.T, m model, file string) model {
	t.Helper()
	m, _ = update(t, m, runChosenMsg{Stage: 0})
	m.run.state = runRunning
	m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Events: readTrace(t, file)})
	m, _ = update(t, m, stageExitedMsg{Run: m.run.id, Code: 0})
	return m
}

func TestUpdateRun(t *testing.T) {
	t.Run("choosing a run starts a build", func(t *testing.T) {
		m, cmd := update(t, testModel(), runChosenMsg{Stage: 0})
		assert.Equal(t, screenRun, m.active)
		assert.Equal(t, runBuilding, m.run.state)
		assert.NotNil(t, cmd)
		assert.Contains(t, m.View(), "building ./stage1-callbacks")
	})
	t.Run("a compile error is shown and the tutor stays up", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m, cmd := update(t, m, buildFailedMsg{Run: m.run.id, Err: &buildError{Stage: "stage1-callbacks", Output: "./loop.go:12:2: syntax error: unexpected }"}})
		assert.Nil(t, cmd)
		assert.Equal(t, runBuildFailed, m.run.state)
		assert.Contains(t, m.View(), "syntax error: unexpected }")
	})
	t.Run("a binary that will not start says so, not that it does not compile", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m, _ = update(t, m, startFailedMsg{Run: m.run.id, Err: errors.New("fork/exec ./stage1-callbacks: permission denied")})
		assert.Equal(t, runStartFailed, m.run.state)
		view := m.View()
		assert.Contains(t, view, "could not start")
		assert.Contains(t, view, "permission denied")
		assert.NotContains(t, view, "Fix it in your editor")
	})
	t.Run("messages of an older run are ignored", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m, _ = update(t, m, runChosenMsg{Stage: 0})
		m, cmd := update(t, m, stageBuiltMsg{Run: m.run.id - 1, Bin: "/old"})
		assert.Nil(t, cmd)
		assert.Equal(t, runBuilding, m.run.state)
	})
	t.Run("events fill the rows, the exit brings the explanation", func(t *testing.T) {
		m := finishedRun(t, testModel(), "stage1-callbacks.jsonl")
		assert.Equal(t, runFinished, m.run.state)
		require.NotNil(t, m.run.expl)
		assert.Len(t, m.run.tl.Rows, 10)
		assert.True(t, m.progress["stage1-callbacks"].Run, "progress marks the stage as run")
		require.Len(t, m.compare.runs, 1, "the run is kept for compare")
		assert.Equal(t, m.run.expl.Elapsed, m.compare.runs[0].Elapsed)
	})
	t.Run("ctrl+c during a run stops it instead of quitting", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m.run.state, m.run.proc = runRunning, &stageProc{}
		m, cmd := update(t, m, keyMsg("ctrl+c"))
		assert.Equal(t, runCancelling, m.run.state)
		require.NotNil(t, cmd)
		m, _ = update(t, m, stageExitedMsg{Run: m.run.id, Code: -1})
		assert.Equal(t, runCancelled, m.run.state)
		assert.Contains(t, m.View(), "cancelled")
		assert.Empty(t, m.compare.runs, "a cancelled run is not compared")
	})
	t.Run("a run cancelled with ctrl+c tells the real time and the counts, not a measure", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		start := time.Unix(100, 0)
		m.run.state, m.run.proc, m.run.started = runRunning, &stageProc{}, start
		m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Events: readTrace(t, "stage1-callbacks.jsonl")[:25]})
		m, _ = update(t, m, keyMsg("ctrl+c"))
		m, _ = update(t, m, stageExitedMsg{Run: m.run.id, Code: -1, At: start.Add(2500 * time.Millisecond)})
		assert.Equal(t, runCancelled, m.run.state)
		m, _ = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		view := m.View()
		assert.Regexp(t, `cancelled +⏱ 2\.50s`, view, "the header")
		_, told, ok := strings.Cut(view, "What happened")
		require.True(t, ok, "the run is told: %s", view)
		assert.Contains(t, told, "Interrupted after 2.50s (you pressed Ctrl-C)")
		assert.Contains(t, told, "0 failed")
		assert.Contains(t, told, "still pending")
		for _, lie := range []string{"all answered", "slept", "0.00s"} {
			assert.NotContains(t, told, lie)
		}
		assert.Empty(t, m.compare.runs, "a cancelled run is not compared")
		assert.False(t, m.progress["stage1-callbacks"].Run, "nor counted as run")
	})
	t.Run("a stage that crashed (exit 3) is told as a crash with its counts", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		start := time.Unix(100, 0)
		m.run.state, m.run.proc, m.run.started = runRunning, &stageProc{}, start
		m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Events: readTrace(t, "stage1-callbacks.jsonl")[:25],
			Raw: []string{"stage1-callbacks: the stage has a bug: panic: boom"}})
		m, _ = update(t, m, stageExitedMsg{Run: m.run.id, Code: 3, At: start.Add(time.Second)})
		m, _ = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		view := m.View()
		assert.Contains(t, view, "crashed (exit status 3)", "the header")
		_, told, ok := strings.Cut(view, "What happened")
		require.True(t, ok, "the run is told: %s", view)
		assert.Contains(t, told, "The stage crashed after 1.00s: it panicked")
		assert.Contains(t, told, "still pending")
		assert.NotContains(t, told, "all answered")
		assert.NotContains(t, told, "slept")
		assert.Empty(t, m.compare.runs, "a crashed run is not compared")
	})
	t.Run("ctrl+c during the build cancels the build, and says nothing ran", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		require.NotNil(t, m.run.build)
		m, cmd := update(t, m, keyMsg("ctrl+c"))
		assert.Equal(t, runCancelling, m.run.state, "until the build's process group is gone")
		m.run.build.skip() // the build command never ran in this test
		m, _ = update(t, m, msgOf(t, cmd))
		assert.Equal(t, runCancelled, m.run.state)
		view := m.View()
		assert.Contains(t, view, "cancelled while building")
		assert.Contains(t, view, "nothing ran")
		assert.NotContains(t, view, "0.00s")
	})
	t.Run("ticks move the clock only while running", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		_, cmd := update(t, m, tickedMsg{Run: m.run.id})
		assert.Nil(t, cmd, "no tick while building")
		m.run.state, m.run.started = runRunning, time.Unix(100, 0)
		m, cmd = update(t, m, tickedMsg{Run: m.run.id, At: time.Unix(101, 500e6)})
		assert.NotNil(t, cmd, "the next tick while running")
		assert.Equal(t, int64(1_500_000), m.run.clockUS, "the clock is the time since the stage started")
	})
	t.Run("an exit that cannot be read is a notice", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m.run.state = runRunning
		m, _ = update(t, m, stageExitedMsg{Run: m.run.id, Err: errors.New("wait: no child processes")})
		assert.Equal(t, "stage1-callbacks: cannot tell how it exited: wait: no child processes", m.notice)
		assert.Contains(t, m.View(), "stage1-callbacks: cannot tell how", "the notice is in the header")
	})
	t.Run("raw stderr lines (a panic) are shown", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m.run.state = runRunning
		m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Raw: []string{"panic: oops"}})
		assert.Contains(t, m.View(), "panic: oops")
	})
	t.Run("a hundred requests scroll", func(t *testing.T) {
		m, _ := update(t, testModel(), runChosenMsg{Stage: 0})
		m.run.state = runRunning
		m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Events: readTrace(t, "stage1-callbacks.jsonl")[:1]})
		m.run.tl.row(100)
		view := m.View()
		assert.Contains(t, view, "more lines")
		m, _ = update(t, m, keyMsg("G"))
		assert.Contains(t, m.View(), " 100 │")
	})
}

func TestUpdateCompare(t *testing.T) {
	m := finishedRun(t, testModel(), "stage1-callbacks.jsonl")
	m, cmd := update(t, m, keyMsg("c"))
	m, _ = update(t, m, msgOf(t, cmd))
	assert.Equal(t, screenCompare, m.active)
	view := m.View()
	assert.Contains(t, view, "one at a time")
	assert.Contains(t, view, "faster")
}
