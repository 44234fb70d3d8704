// These tests compare whole frames of the TUI with golden files in
// testdata, at fixed sizes with the colour profile pinned.

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/loopfromscratch/loop/internal/trace"
)

// The golden files hold the final frame (View) at a fixed size with the
// colour profile pinned in TestMain; go test ./tutor -update rewrites them.

var goldenSizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// golden runs the tutor in teatest at each size, lets prepare drive it, and
// compares the last frame with testdata/<test name>.golden.
func golden(t *testing.T, prepare func(t *testing.T, tm *teatest.TestModel)) {
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := newModel(config{
				Env:        env{Root: "/nowhere", Stages: testStages},
				Opts:       options{Delay: 300 * time.Millisecond, N: 10},
				ServerAddr: "127.0.0.1:8080",
				Docs:       testBook,
			})
			tm := teatest.NewTestModel(t, replayer{m}, teatest.WithInitialTermSize(size.w, size.h))
			prepare(t, tm)
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
			teatest.RequireEqualOutput(t, []byte(final.View()))
		})
	}
}

// waitFor waits until the program has drawn text.
func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(30*time.Second)) // a guard against a hang, not a timing claim
}

func TestGoldenHome(t *testing.T) {
	golden(t, func(t *testing.T, tm *teatest.TestModel) {
		waitFor(t, tm, "Stage 2")
	})
}

func TestGoldenLesson(t *testing.T) {
	golden(t, func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(lessonChosenMsg{File: "stage1-callbacks.md"})
		waitFor(t, tm, "one loop")
	})
}

func TestGoldenFinishedRun(t *testing.T) {
	golden(t, func(t *testing.T, tm *teatest.TestModel) {
		// A recorded trace, fed as a live run would feed it: the frame
		// does not depend on timing.
		tm.Send(replayMsg{events: readTrace(t, "stage1-callbacks.jsonl")})
		waitFor(t, tm, "What happened")
	})
}

// replayMsg asks the test model to show a finished run of a recorded trace.
type replayMsg struct{ events []trace.Event }

// replayer is the tutor with one addition for tests: on a replayMsg it
// plays a recorded run through the real Update, without building anything.
type replayer struct{ model }

func (r replayer) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	replay, ok := msg.(replayMsg)
	if !ok {
		next, cmd := r.model.Update(msg)
		return replayer{next.(model)}, cmd
	}
	next, _ := r.model.Update(runChosenMsg{Stage: 0}) // its build is dropped
	m := next.(model)
	m.run.state = runRunning
	next, _ = m.Update(eventsReadMsg{Run: m.run.id, Events: replay.events})
	next, _ = next.(model).Update(stageExitedMsg{Run: m.run.id})
	return replayer{next.(model)}, nil
}

// frozenBook is a copy of three chapters (testdata/book), so that these
// goldens change when the drawing does, not when the wording does.
var frozenBook = os.DirFS(filepath.Join("testdata", "book"))

// goldenChapter opens a chapter of the frozen book at a heading, at both
// sizes, and keeps the frame in which text shows.
func goldenChapter(t *testing.T, file, anchor, text string) {
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := newModel(config{
				Env:        env{Root: "/nowhere", Stages: testStages},
				Opts:       options{Delay: 300 * time.Millisecond, N: 10},
				ServerAddr: "127.0.0.1:8080",
				Docs:       frozenBook,
			})
			tm := teatest.NewTestModel(t, replayer{m}, teatest.WithInitialTermSize(size.w, size.h))
			tm.Send(lessonChosenMsg{File: file, Anchor: anchor})
			waitFor(t, tm, text)
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
			teatest.RequireEqualOutput(t, []byte(final.View()))
		})
	}
}

// The stage 1 lesson's first screen.
func TestGoldenStage1FirstScreen(t *testing.T) {
	goldenChapter(t, "stage1-callbacks.md", "", "The problem")
}

// Stage 3's diagram is never wrapped: clipped with → at 80 columns.
func TestGoldenStage3Diagram(t *testing.T) {
	goldenChapter(t, "stage3-futures.md", "what-happens-in-order", "ready queue")
}

// Stage 4's long command stays on one line.
func TestGoldenLongCommand(t *testing.T) {
	goldenChapter(t, "stage4-tasks.md", "epoll-instead-of-select", "10000")
}
