// This file holds every message the tutor's Update handles, besides the
// ones Bubble Tea and Bubbles define (keys, window size, spinner ticks).
// Names are past tense: a message says what happened. Messages that carry a
// failure implement error.

package main

import (
	"time"

	"github.com/loopfromscratch/loop/internal/exercise"
	"github.com/loopfromscratch/loop/internal/trace"
)

// progressLoadedMsg carries the learner's progress read at start.
type progressLoadedMsg struct {
	Progress progress
}

// progressFailedMsg says progress could not be read or saved; the tutor
// works on without it and shows the reason.
type progressFailedMsg struct{ Err error }

// Error says what went wrong with the progress file.
func (m progressFailedMsg) Error() string { return "progress: " + m.Err.Error() }

// progressSavedMsg says the progress file was written.
type progressSavedMsg struct{}

// lessonChosenMsg says the learner asked for a chapter ("why-concurrency.md",
// "stage1-callbacks.md"), at a heading when Anchor is set.
type lessonChosenMsg struct {
	File   string
	Anchor string
}

// linkFollowedMsg says the learner pressed enter on a link of chapter From,
// read down to line Top.
type linkFollowedMsg struct {
	From string
	Top  int
	Link pageLink
}

// chapterStepMsg says the learner asked for the chapter Step places after
// (1) or before (-1) From in the reading order.
type chapterStepMsg struct {
	From string
	Step int
}

// docsChosenMsg says the learner asked for the web book at Page (such as
// "stage1-callbacks.html#the-idea"; "" is the index).
type docsChosenMsg struct{ Page string }

// browserOpenedMsg says the browser was asked to show URL.
type browserOpenedMsg struct{ URL string }

// browserMissingMsg says there is no browser to open Page in (or it could
// not be started, Err); the tutor says how to read it anyway.
type browserMissingMsg struct {
	Page string
	Err  error
}

// Error says why the page was not opened.
func (m browserMissingMsg) Error() string {
	if m.Err != nil {
		return m.Err.Error()
	}
	return "no browser here"
}

// editorClosedMsg says the learner's editor, opened on Path, has exited.
type editorClosedMsg struct {
	Path string
	Err  error
}

// runChosenMsg says the learner asked to run a stage (an index into the
// stages). With Exercise set it is the run of a stage whose tests just
// passed with that exercise written: "your loop" when Yours, else the
// reference the learner restored.
type runChosenMsg struct {
	Stage    int
	Exercise string
	Yours    bool
}

// compareChosenMsg says the learner asked for the comparison of runs.
type compareChosenMsg struct{}

// progressResetMsg says the learner confirmed resetting their progress.
type progressResetMsg struct{}

// lessonRenderedMsg carries a chapter drawn for one width.
type lessonRenderedMsg struct {
	File  string
	Width int
	Page  page
}

// lessonFailedMsg says a chapter could not be shown (it is missing); the
// lesson view says so instead.
type lessonFailedMsg struct {
	File string
	Err  error
}

// Error says why the chapter cannot be shown.
func (m lessonFailedMsg) Error() string { return m.Err.Error() }

// stageBuiltMsg says go build succeeded for run Run.
type stageBuiltMsg struct {
	Run int
	Bin string
}

// buildFailedMsg says go build failed for run Run (or could not run); Err
// is usually a *buildError with the compiler's message.
type buildFailedMsg struct {
	Run int
	Err error
}

// Error is the build's failure.
func (m buildFailedMsg) Error() string { return m.Err.Error() }

// buildCancelledMsg says the build of run Run was cancelled and its
// process group is gone.
type buildCancelledMsg struct{ Run int }

// stageStartedMsg says the stage binary of run Run is running.
type stageStartedMsg struct {
	Run  int
	Proc *stageProc
	At   time.Time
}

// startFailedMsg says the stage binary could not be started.
type startFailedMsg struct {
	Run int
	Err error
}

// Error is why the binary did not start.
func (m startFailedMsg) Error() string { return m.Err.Error() }

// eventsReadMsg carries the trace events and raw lines read from a running
// stage since the last one.
type eventsReadMsg struct {
	Run    int
	Events []trace.Event
	Raw    []string
}

// stageExitedMsg says the stage process of run Run has exited and all its
// output was read.
type stageExitedMsg struct {
	Run  int
	Code int
	Err  error
	At   time.Time // when the exit was seen, for the elapsed time of a run that did not finish
}

// stageStoppedMsg says a cancelled stage was killed (with its process
// group) and reaped.
type stageStoppedMsg struct{ Run int }

// tickedMsg moves the run's clock while nothing else happens.
type tickedMsg struct {
	Run int
	At  time.Time
}

// exercisesChosenMsg says the learner asked for the exercises, at the
// first one of stage folder Stage ("" for where the cursor was).
type exercisesChosenMsg struct{ Stage string }

// exercisesListedMsg carries every exercise with the learner's status.
type exercisesListedMsg struct{ Entries []exercise.Entry }

// exercisesFailedMsg says the exercises could not be read.
type exercisesFailedMsg struct{ Err error }

// Error says why.
func (m exercisesFailedMsg) Error() string { return m.Err.Error() }

// exerciseChosenMsg says the learner asked to do Action with exercise ID.
type exerciseChosenMsg struct {
	ID     string
	Action exerciseAction
}

// exerciseStartedMsg says exercise ID's stub was written (or it was
// started already) and where to begin writing.
type exerciseStartedMsg struct {
	ID      string
	Started exercise.Started
}

// exerciseFailedMsg says an operation on exercise ID failed.
type exerciseFailedMsg struct {
	ID  string
	Op  string // "start", "hint", …
	Err error
}

// Error names the operation and why it failed.
func (m exerciseFailedMsg) Error() string { return m.Op + " " + m.ID + ": " + m.Err.Error() }

// hintShownMsg says hint N of exercise ID was shown (and remembered).
type hintShownMsg struct {
	ID   string
	N    int
	Hint string
}

// solutionShownMsg carries the reference of exercise ID as a diff
// against the learner's file ("" when they are the same).
type solutionShownMsg struct {
	ID   string
	Diff string
}

// exerciseResetMsg says exercise ID's stub was written again.
type exerciseResetMsg struct{ ID string }

// exerciseRestoredMsg says exercise ID's reference was put back.
type exerciseRestoredMsg struct{ ID string }

// watchStartedMsg says the watcher of a stage's files is set up.
type watchStartedMsg struct{ Watch *fileWatcher }

// watchFailedMsg says watch Watch could not be set up, or stopped with an
// error.
type watchFailedMsg struct {
	Watch int
	Err   error
}

// Error says why the files are not watched.
func (m watchFailedMsg) Error() string { return "watching the files: " + m.Err.Error() }

// filesSavedMsg says the learner saved .go files of the watched stage
// (their names), once the folder was quiet again.
type filesSavedMsg struct {
	Watch int
	Files []string
}

// watchClosedMsg says watch Watch is closed.
type watchClosedMsg struct{ Watch int }

// exerciseCheckedMsg carries the verdict of check Check of exercise ID,
// and its status after it. Err is a check that could not run.
type exerciseCheckedMsg struct {
	Check  int
	ID     string
	Result exercise.Result
	Status exercise.Status
	Err    error
}

// checkCancelledMsg says check Check was cancelled (a newer save, or the
// learner left) and its go test is gone.
type checkCancelledMsg struct{ Check int }
