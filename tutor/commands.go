// This file holds every tea.Cmd the tutor issues. All I/O happens here:
// reading and saving progress, drawing chapters, opening the browser and
// the editor, building and running stages, reading their traces, the
// clock, and the exercises: the workbook's operations, watching a stage's
// files and checking it.

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/loopfromscratch/loop/internal/exercise"
)

// loadProgressCmd reads the progress file.
func loadProgressCmd(path string) tea.Cmd {
	return func() tea.Msg {
		if path == "" {
			return progressLoadedMsg{Progress: progress{}}
		}
		p, err := loadProgress(path)
		if err != nil {
			return progressFailedMsg{Err: err}
		}
		return progressLoadedMsg{Progress: p}
	}
}

// saveProgressCmd writes p; the caller hands over a copy it no longer
// changes.
func saveProgressCmd(path string, p progress) tea.Cmd {
	return func() tea.Msg {
		if path == "" {
			return progressSavedMsg{}
		}
		if err := saveProgress(path, p); err != nil {
			return progressFailedMsg{Err: err}
		}
		return progressSavedMsg{}
	}
}

// chooseCmd turns a choice into a message, so that screens ask the root
// model to navigate rather than doing it themselves.
func chooseCmd(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}

// renderLessonCmd reads a chapter from book (docs.FS, or a test's own) and
// draws it for a window width columns wide.
func renderLessonCmd(book fs.FS, file string, width int) tea.Cmd {
	return func() tea.Msg {
		md, err := fs.ReadFile(book, file)
		if errors.Is(err, fs.ErrNotExist) {
			return lessonFailedMsg{File: file, Err: fmt.Errorf("there is no chapter %s yet (docs/%s is missing)", strings.TrimSuffix(file, ".md"), file)}
		}
		if err != nil {
			return lessonFailedMsg{File: file, Err: err}
		}
		return lessonRenderedMsg{File: file, Width: width, Page: renderPage(md, pageWidth(width))}
	}
}

// openDocsCmd opens page of the web book in the learner's browser, served
// by s; without a browser (or a site) it says so, and the tutor shows how
// to read the page anyway.
func openDocsCmd(s *site, page string) tea.Cmd {
	return func() tea.Msg {
		browser := browserCommand()
		if s == nil || browser == "" {
			return browserMissingMsg{Page: page}
		}
		url, err := s.URL(page)
		if err != nil {
			return browserMissingMsg{Page: page, Err: err}
		}
		if err := exec.Command(browser, url).Run(); err != nil {
			return browserMissingMsg{Page: page, Err: fmt.Errorf("%s %s: %w", filepath.Base(browser), url, err)}
		}
		return browserOpenedMsg{URL: url}
	}
}

// editCmd hands the terminal to the learner's editor on path (editor is
// $EDITOR, which may carry flags), and takes it back when it exits.
func editCmd(editor, root, path string) tea.Cmd {
	return editAtCmd(editor, root, path, 0)
}

// editAtCmd is editCmd at a line (from 1; 0 for none), for the editors
// known to take +LINE before the file.
func editAtCmd(editor, root, path string, line int) tea.Cmd {
	args := strings.Fields(editor)
	file := filepath.Join(root, filepath.FromSlash(path))
	switch filepath.Base(args[0]) {
	case "vi", "vim", "nvim", "nano", "emacs", "emacsclient", "micro", "kak", "mg", "joe", "ne":
		if line > 0 {
			args = append(args, fmt.Sprintf("+%d", line))
		}
	}
	c := exec.Command(args[0], append(args[1:], file)...)
	return tea.ExecProcess(c, func(err error) tea.Msg { return editorClosedMsg{Path: path, Err: err} })
}

// errExiting is why a build or a start asked for as the tutor quits does
// not happen.
var errExiting = errors.New("the tutor is exiting")

// buildStageCmd compiles the stage, as the learner may have edited it.
// The build before it, if any, is cancelled first and waited for, process
// group and all, so that only one go build ever writes the binary.
func buildStageCmd(run int, job, previous *buildJob, root, binDir string, s stage, ps *procs) tea.Cmd {
	return func() tea.Msg {
		if previous != nil {
			previous.Cancel()
		}
		if !ps.begin() {
			job.skip()
			return buildFailedMsg{Run: run, Err: errExiting}
		}
		defer ps.end()
		bin, err := job.run(root, binDir, s)
		if err != nil {
			return buildFailedMsg{Run: run, Err: err}
		}
		return stageBuiltMsg{Run: run, Bin: bin}
	}
}

// cancelBuildCmd is Ctrl-C during a build: it kills the build's process
// group and reports once it is gone.
func cancelBuildCmd(run int, job *buildJob) tea.Cmd {
	return func() tea.Msg {
		job.Cancel()
		return buildCancelledMsg{Run: run}
	}
}

// startStageCmd starts the built stage against the embedded server and
// registers it so the tutor can stop it whatever happens.
func startStageCmd(run int, bin, addr string, n int, ps *procs) tea.Cmd {
	return func() tea.Msg {
		if !ps.begin() {
			return startFailedMsg{Run: run, Err: errExiting}
		}
		defer ps.end()
		p, err := startStage(bin, addr, n)
		if err != nil {
			return startFailedMsg{Run: run, Err: err}
		}
		if !ps.add(p) {
			return startFailedMsg{Run: run, Err: errExiting}
		}
		return stageStartedMsg{Run: run, Proc: p, At: time.Now()}
	}
}

// readEventsCmd waits for the next batch of the stage's output, or for its
// end. Update issues it again after each batch.
func readEventsCmd(run int, p *stageProc, ps *procs) tea.Cmd {
	return func() tea.Msg {
		b, ok := p.Next(2048)
		if ok {
			return eventsReadMsg{Run: run, Events: b.Events, Raw: b.Raw}
		}
		code, err := p.ExitCode()
		ps.remove(p)
		return stageExitedMsg{Run: run, Code: code, Err: err, At: time.Now()}
	}
}

// stopStageCmd kills a running stage's process group, waits for it and
// forgets it.
func stopStageCmd(run int, p *stageProc, ps *procs) tea.Cmd {
	return func() tea.Msg {
		p.Stop()
		ps.remove(p)
		return stageStoppedMsg{Run: run}
	}
}

// tickCmd moves the clock ten times a second.
func tickCmd(run int) tea.Cmd {
	return tea.Tick(100*time.Millisecond, func(t time.Time) tea.Msg { return tickedMsg{Run: run, At: t} })
}

// listExercisesCmd reads every exercise's status; without a workbook
// there is nothing to list.
func listExercisesCmd(wb *exercise.Workbook) tea.Cmd {
	if wb == nil {
		return nil
	}
	return func() tea.Msg {
		entries, err := wb.List()
		if err != nil {
			return exercisesFailedMsg{Err: err}
		}
		return exercisesListedMsg{Entries: entries}
	}
}

// startExerciseCmd writes exercise id's stub (nothing, if started).
func startExerciseCmd(wb *exercise.Workbook, id string) tea.Cmd {
	return func() tea.Msg {
		st, err := wb.Start(id)
		if err != nil {
			return exerciseFailedMsg{ID: id, Op: "start", Err: err}
		}
		return exerciseStartedMsg{ID: id, Started: st}
	}
}

// nextHintCmd shows, and remembers, one more hint.
func nextHintCmd(wb *exercise.Workbook, id string) tea.Cmd {
	return func() tea.Msg {
		n, h, err := wb.NextHint(id)
		if err != nil {
			return exerciseFailedMsg{ID: id, Op: "hint", Err: err}
		}
		return hintShownMsg{ID: id, N: n, Hint: h}
	}
}

// solutionCmd diffs the learner's file against the reference.
func solutionCmd(wb *exercise.Workbook, id string) tea.Cmd {
	return func() tea.Msg {
		d, err := wb.Solution(id)
		if err != nil {
			return exerciseFailedMsg{ID: id, Op: "solution", Err: err}
		}
		return solutionShownMsg{ID: id, Diff: d}
	}
}

// resetExerciseCmd writes the stub again.
func resetExerciseCmd(wb *exercise.Workbook, id string) tea.Cmd {
	return func() tea.Msg {
		if err := wb.Reset(id); err != nil {
			return exerciseFailedMsg{ID: id, Op: "reset", Err: err}
		}
		return exerciseResetMsg{ID: id}
	}
}

// restoreExerciseCmd puts the reference back.
func restoreExerciseCmd(wb *exercise.Workbook, id string) tea.Cmd {
	return func() tea.Msg {
		if err := wb.Restore(id); err != nil {
			return exerciseFailedMsg{ID: id, Op: "restore", Err: err}
		}
		return exerciseRestoredMsg{ID: id}
	}
}

// watchStageCmd starts watching a stage's folder for exercise ex, as
// watch number id.
func watchStageCmd(set *watchSet, id int, ex, root, stage string) tea.Cmd {
	return func() tea.Msg {
		fw, err := watchStage(set, id, ex, root, stage)
		if err != nil {
			return watchFailedMsg{Watch: id, Err: err}
		}
		return watchStartedMsg{Watch: fw}
	}
}

// waitForSaveCmd waits for the next save in the watched folder. Update
// issues it again after each one; it ends when the watcher is closed.
func waitForSaveCmd(fw *fileWatcher) tea.Cmd {
	return func() tea.Msg {
		files, err, ok := fw.nextSave(debounce)
		switch {
		case !ok:
			return watchClosedMsg{Watch: fw.id}
		case err != nil:
			return watchFailedMsg{Watch: fw.id, Err: err}
		}
		return filesSavedMsg{Watch: fw.id, Files: files}
	}
}

// closeWatchCmd stops a watch.
func closeWatchCmd(fw *fileWatcher) tea.Cmd {
	return func() tea.Msg {
		fw.Close()
		return watchClosedMsg{Watch: fw.id}
	}
}

// checkExerciseCmd runs exercise id's stage tests as check number check.
// The check before it, if any, is cancelled first and waited for, so only
// one go test runs at a time.
func checkExerciseCmd(check int, job, previous *checkJob, wb *exercise.Workbook, id string, ps *procs) tea.Cmd {
	return func() tea.Msg {
		if previous != nil {
			previous.Cancel()
		}
		if !ps.begin() {
			job.skip()
			return checkCancelledMsg{Check: check}
		}
		defer ps.end()
		r, err := job.run(wb, id)
		if errors.Is(err, context.Canceled) {
			return checkCancelledMsg{Check: check}
		}
		st, serr := wb.Status(id)
		if err == nil {
			err = serr
		}
		return exerciseCheckedMsg{Check: check, ID: id, Result: r, Status: st, Err: err}
	}
}

// cancelCheckCmd stops a check under way and waits for its go test to go.
func cancelCheckCmd(job *checkJob) tea.Cmd {
	return func() tea.Msg {
		job.Cancel()
		return nil
	}
}
