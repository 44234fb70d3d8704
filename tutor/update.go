// This file holds Update: a flat switch that hands each message to one
// small handler. Handlers change the model and return commands; they never
// do I/O themselves.

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/loopfromscratch/loop/internal/book"
	"github.com/loopfromscratch/loop/internal/exercise"
)

// Update handles one message, then stops watching a stage's files once
// the learner has left the exercises.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	return next.(model).settleWatch(cmd)
}

func (m model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.resized(msg)
	case tea.KeyMsg:
		return m.keyPressed(msg)
	case progressLoadedMsg:
		m.progress = msg.Progress
		m.home.progress = m.progress
		return m, nil
	case progressSavedMsg:
		return m, nil
	case progressFailedMsg:
		m.notice = msg.Error()
		return m, nil
	case progressResetMsg:
		return m.setProgress(progress{})
	case lessonChosenMsg:
		return m.openLesson(msg.File, msg.Anchor, nil)
	case lessonRenderedMsg:
		return m.lessonRendered(msg)
	case lessonFailedMsg:
		if msg.File == m.lesson.entry.File {
			m.lesson = m.lesson.setFailure(msg)
		}
		return m, nil
	case linkFollowedMsg:
		return m.followLink(msg)
	case chapterStepMsg:
		return m.stepChapter(msg)
	case docsChosenMsg:
		m.status = "opening the web book…"
		return m, openDocsCmd(m.cfg.Site, msg.Page)
	case browserOpenedMsg:
		m.status = "opened " + msg.URL + " in your browser (served by the tutor; go run ./tutor docs serves the same book)"
		return m, nil
	case browserMissingMsg:
		m.status = fmt.Sprintf("%s: run go run ./tutor docs and open %s", msg.Error(), pageURL(msg.Page))
		return m, nil
	case editorClosedMsg:
		m.status = "back from $EDITOR (" + msg.Path + ")"
		if msg.Err != nil {
			m.status = "$EDITOR on " + msg.Path + ": " + msg.Err.Error()
		}
		return m, nil
	case runChosenMsg:
		return m.startRun(msg.Stage, msg.Exercise, msg.Yours)
	case compareChosenMsg:
		m.active = screenCompare
		return m, nil
	case stageBuiltMsg:
		return m.stageBuilt(msg)
	case buildFailedMsg:
		return m.runFailed(msg.Run, runBuildFailed, msg.Err)
	case buildCancelledMsg:
		return m.buildCancelled(msg)
	case startFailedMsg:
		return m.runFailed(msg.Run, runStartFailed, msg.Err)
	case stageStartedMsg:
		return m.stageStarted(msg)
	case eventsReadMsg:
		return m.eventsRead(msg)
	case stageExitedMsg:
		return m.stageExited(msg)
	case stageStoppedMsg:
		return m, nil
	case tickedMsg:
		return m.ticked(msg)
	case spinner.TickMsg:
		return m.spun(msg)
	case exercisesChosenMsg:
		return m.openExercises(msg)
	case exercisesListedMsg:
		return m.exercisesListed(msg)
	case exercisesFailedMsg:
		m.exercises.failure = msg.Error()
		return m, nil
	case exerciseChosenMsg:
		return m.exerciseChosen(msg)
	case exerciseStartedMsg:
		return m.exerciseStarted(msg)
	case exerciseFailedMsg:
		m.exercises.note = msg.Error()
		return m, nil
	case hintShownMsg:
		return m.hintShown(msg)
	case solutionShownMsg:
		return m.solutionShown(msg)
	case exerciseResetMsg:
		return m.exerciseReset(msg)
	case exerciseRestoredMsg:
		return m.exerciseRestored(msg)
	case watchStartedMsg:
		return m.watchStarted(msg)
	case watchFailedMsg:
		return m.watchFailed(msg)
	case filesSavedMsg:
		return m.filesSaved(msg)
	case watchClosedMsg, checkCancelledMsg:
		return m, nil
	case exerciseCheckedMsg:
		return m.exerciseChecked(msg)
	}
	return m, nil
}

// bodyHeight is what is left for a screen under the header and above the
// help line.
func (m model) bodyHeight() int {
	return max(m.height-1-len(m.statusLines())-m.helpHeight(), 1)
}

func (m model) resized(msg tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	m.width, m.height = msg.Width, msg.Height
	m.help.Width = msg.Width
	m.lesson = m.lesson.resize(m.width, m.bodyHeight())
	if m.lesson.entry.File != "" && m.lesson.rendered != m.width {
		return m, renderLessonCmd(m.cfg.Docs, m.lesson.entry.File, m.width)
	}
	return m.markRead()
}

// keyPressed handles the keys every screen shares, then hands the key to
// the active screen.
func (m model) keyPressed(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.status = ""
	running := m.run.proc != nil && m.run.state == runRunning
	switch {
	case key.Matches(msg, global.Interrupt) && m.active == screenRun && (running || m.run.state == runBuilding):
		return m.cancelRun()
	case key.Matches(msg, global.Interrupt):
		return m.quit()
	case m.active == screenHome && m.home.confirming:
		// y/n only; q must not quit in the middle of a question.
	case m.active == screenExercises && m.exercises.captures(msg):
		// A question, or esc closing the solution.
	case key.Matches(msg, global.Quit):
		return m.quit()
	case key.Matches(msg, global.Help):
		m.fullHelp = !m.fullHelp
		m.lesson = m.lesson.resize(m.width, m.bodyHeight())
		return m, nil
	case key.Matches(msg, global.Docs):
		return m, chooseCmd(docsChosenMsg{Page: m.docsPage()})
	case key.Matches(msg, global.Back) && m.active == screenLesson && len(m.lesson.back) > 0:
		back := m.lesson.back
		p := back[len(back)-1]
		m.lesson.back = back[:len(back)-1]
		return m.openLesson(p.File, "", &p)
	case key.Matches(msg, global.Back) && m.active == screenRun && m.run.exercise != "":
		m.active = screenExercises
		return m, nil
	case key.Matches(msg, global.Back) && m.active != screenHome:
		m.active = screenHome
		return m, nil
	}
	var cmd tea.Cmd
	switch m.active {
	case screenHome:
		m.home, cmd = m.home.handleKey(msg)
	case screenLesson:
		m.lesson, cmd = m.lesson.handleKey(msg)
		next, save := m.markRead()
		return next, tea.Batch(cmd, save)
	case screenRun:
		m.run, cmd = m.run.handleKey(msg, m.width, m.bodyHeight())
	case screenExercises:
		m.exercises, cmd = m.exercises.handleKey(msg, m.bodyHeight())
	}
	return m, cmd
}

// quit stops a running stage and the watch first; the program's exit
// path stops any other process, check or watch as well.
func (m model) quit() (tea.Model, tea.Cmd) {
	m, unwatch := m.stopWatching()
	if m.run.proc != nil && !m.run.state.over() {
		return m, tea.Sequence(unwatch, stopStageCmd(m.run.id, m.run.proc, m.cfg.Procs), tea.Quit)
	}
	return m, tea.Sequence(unwatch, tea.Quit)
}

func (m model) setProgress(p progress) (tea.Model, tea.Cmd) {
	m.progress = p
	m.home.progress = p
	return m, saveProgressCmd(m.cfg.ProgressPath, p)
}

// docsPage is the web book's page for what the active screen shows.
func (m model) docsPage() string {
	switch m.active {
	case screenHome:
		return m.home.docsPage()
	case screenLesson:
		page := m.lesson.entry.webPage()
		if here := m.lesson.here(); here != "" {
			page += "#" + here
		}
		return page
	case screenRun:
		return m.run.stage.Dir + ".html"
	case screenExercises:
		return "exercises.html"
	}
	return ""
}

// openLesson shows chapter file, at a heading (anchor) or back where the
// reader was (at); the chapter is drawn unless it already is.
func (m model) openLesson(file, anchor string, at *place) (tea.Model, tea.Cmd) {
	e, i, ok := m.entryOf(file)
	if !ok {
		e = tocEntry{File: file, Title: strings.TrimSuffix(file, ".md"), Stage: -1}
	}
	next := ""
	if ok && i+1 < len(m.toc) {
		next = m.toc[i+1].Title
	}
	m.active = screenLesson
	m.home = m.home.selectFile(file)
	if m.lesson.entry.File != file {
		back := m.lesson.back
		m.lesson = newLesson(e, next, m.width, m.bodyHeight())
		m.lesson.back = back
	}
	if at != nil {
		m.lesson.top = at.Top
		m.lesson = m.lesson.clamp()
	}
	if anchor != "" {
		m.lesson = m.lesson.show(anchor)
	}
	if m.lesson.rendered == m.width && m.lesson.failure == "" {
		return m.markRead()
	}
	return m, renderLessonCmd(m.cfg.Docs, file, m.width)
}

func (m model) lessonRendered(msg lessonRenderedMsg) (tea.Model, tea.Cmd) {
	if msg.File != m.lesson.entry.File {
		return m, nil
	}
	m.lesson = m.lesson.setPage(msg.Width, msg.Page)
	return m.markRead()
}

// markRead marks the open chapter read once the reader has reached its end
// (or most of it): not when it opens.
func (m model) markRead() (model, tea.Cmd) {
	name := m.lesson.entry.name()
	if m.active != screenLesson || !m.lesson.reachedEnd() || m.progress[name].Read {
		return m, nil
	}
	next, cmd := m.setProgress(m.progress.with(name, func(sp *stageProgress) { sp.Read = true }))
	return next.(model), cmd
}

// followLink does what a lesson's link points at: another chapter (the way
// back is esc), the code in $EDITOR, a picture in the browser.
func (m model) followLink(msg linkFollowedMsg) (tea.Model, tea.Cmd) {
	t := resolveLink(msg.From, msg.Link)
	switch t.kind {
	case linkChapter:
		if t.file == book.IndexFile {
			m.active = screenHome // the book's contents
			return m, nil
		}
		if t.file == m.lesson.entry.File {
			m.lesson.back = append(m.lesson.back, place{File: msg.From, Top: msg.Top})
			m.lesson = m.lesson.show(t.anchor)
			return m.markRead()
		}
		m.lesson.back = append(m.lesson.back, place{File: msg.From, Top: msg.Top})
		return m.openLesson(t.file, t.anchor, nil)
	case linkCode:
		if m.cfg.Editor == "" {
			m.status = t.path + " (in the repository; set $EDITOR to open it from here)"
			return m, nil
		}
		m.status = "opening " + t.path + " in " + m.cfg.Editor
		return m, editCmd(m.cfg.Editor, m.cfg.Env.Root, t.path)
	case linkWaterfall:
		m.status = t.path + " is a waterfall of a real run: the run screen draws one live"
		if _, _, ok := m.entryOf(t.stage + ".md"); ok && m.lesson.entry.Stage >= 0 {
			m.status += " (press r)"
		}
		return m, nil
	case linkPicture:
		return m, chooseCmd(docsChosenMsg{Page: t.path})
	}
	return m, chooseCmd(docsChosenMsg{Page: t.url})
}

// stepChapter opens the next or previous chapter in reading order.
func (m model) stepChapter(msg chapterStepMsg) (tea.Model, tea.Cmd) {
	_, i, ok := m.entryOf(msg.From)
	if !ok || i+msg.Step < 0 || i+msg.Step >= len(m.toc) {
		if msg.Step > 0 {
			m.status = "that was the last chapter"
		} else {
			m.status = "that was the first chapter"
		}
		return m, nil
	}
	m.lesson.back = nil
	return m.openLesson(m.toc[i+msg.Step].File, "", nil)
}

// startRun builds the stage; a run still going is stopped first. ex is
// the exercise whose pass the run follows, if any (see runModel).
func (m model) startRun(i int, ex string, yours bool) (tea.Model, tea.Cmd) {
	if i < 0 || i >= len(m.cfg.Env.Stages) {
		return m, nil
	}
	var stop tea.Cmd
	if m.run.proc != nil && !m.run.state.over() {
		stop = stopStageCmd(m.run.id, m.run.proc, m.cfg.Procs)
	}
	previous := m.run.building()
	m.runs++
	s := m.cfg.Env.Stages[i]
	m.run = newRun(m.runs, s, i)
	m.run.exercise, m.run.yours = ex, yours
	m.run.build = newBuildJob(m.cfg.Ctx)
	m.active = screenRun
	m.home = m.home.selectStage(i)
	return m, tea.Batch(stop, m.run.spinner.Tick, buildStageCmd(m.run.id, m.run.build, previous, m.cfg.Env.Root, m.cfg.BinDir, s, m.cfg.Procs))
}

func (m model) stageBuilt(msg stageBuiltMsg) (tea.Model, tea.Cmd) {
	if msg.Run != m.run.id || m.run.state != runBuilding {
		return m, nil
	}
	return m, startStageCmd(m.run.id, msg.Bin, m.cfg.ServerAddr, m.cfg.Opts.N, m.cfg.Procs)
}

func (m model) runFailed(run int, state runState, err error) (tea.Model, tea.Cmd) {
	if run != m.run.id || m.run.state.over() {
		return m, nil
	}
	if be, ok := err.(*buildError); ok {
		m.run.failure = be.Output
	} else {
		m.run.failure = err.Error()
	}
	if m.run.state == runCancelling {
		state = runCancelled
	}
	m.run.state = state
	return m, nil
}

func (m model) stageStarted(msg stageStartedMsg) (tea.Model, tea.Cmd) {
	if msg.Run != m.run.id || m.run.state != runBuilding {
		// A run the learner left or cancelled while it was building.
		return m, stopStageCmd(msg.Run, msg.Proc, m.cfg.Procs)
	}
	m.run.state, m.run.proc, m.run.started = runRunning, msg.Proc, msg.At
	return m, tea.Batch(readEventsCmd(m.run.id, msg.Proc, m.cfg.Procs), tickCmd(m.run.id))
}

func (m model) eventsRead(msg eventsReadMsg) (tea.Model, tea.Cmd) {
	if msg.Run != m.run.id {
		return m, nil
	}
	m.run = m.run.addEvents(msg.Events, msg.Raw)
	if m.run.proc == nil {
		return m, nil // a replayed trace (tests)
	}
	return m, readEventsCmd(m.run.id, m.run.proc, m.cfg.Procs)
}

// stageExited ends the run: explanation, compare record, progress.
func (m model) stageExited(msg stageExitedMsg) (tea.Model, tea.Cmd) {
	if msg.Run != m.run.id {
		return m, nil
	}
	state := runFinished
	if m.run.state == runCancelling {
		state = runCancelled
	}
	var wall time.Duration
	if !msg.At.IsZero() && !m.run.started.IsZero() {
		wall = msg.At.Sub(m.run.started)
	}
	o := judge(runFacts{
		Stage: m.run.stage.Dir, N: m.cfg.Opts.N, Events: m.run.events, Raw: m.run.raw, Code: msg.Code,
		Cancelled: state == runCancelled, Cause: "you pressed Ctrl-C", Wall: wall,
	})
	m.run = m.run.finish(state, msg.Code, o)
	if msg.Err != nil {
		m.notice = fmt.Sprintf("%s: cannot tell how it exited: %v", m.run.stage.Dir, msg.Err)
	}
	if !o.Explained() || m.run.expl == nil {
		return m, nil // only a run that finished is compared and counts as run
	}
	m.compare.runs = append(m.compare.runs, recordOf(*m.run.expl))
	return m.setProgress(m.progress.with(m.run.stage.Dir, func(sp *stageProgress) { sp.Run = true }))
}

// cancelRun is Ctrl-C during a run: kill the build's or the stage's
// process group. The run is cancelled once the group is gone.
func (m model) cancelRun() (tea.Model, tea.Cmd) {
	if build := m.run.building(); build != nil {
		m.run.state = runCancelling
		return m, cancelBuildCmd(m.run.id, build)
	}
	m.run.state = runCancelling
	return m, stopStageCmd(m.run.id, m.run.proc, m.cfg.Procs)
}

// buildCancelled ends a run cancelled while it was building.
func (m model) buildCancelled(msg buildCancelledMsg) (tea.Model, tea.Cmd) {
	if msg.Run != m.run.id || m.run.state != runCancelling {
		return m, nil
	}
	m.run.state = runCancelled
	return m, nil
}

func (m model) ticked(msg tickedMsg) (tea.Model, tea.Cmd) {
	if msg.Run != m.run.id || m.run.state != runRunning {
		return m, nil
	}
	m.run.clockUS = max(m.run.clockUS, msg.At.Sub(m.run.started).Microseconds())
	return m, tickCmd(m.run.id)
}

// spun moves the spinners that are turning: the run's while it builds or
// runs, the exercises' while a check runs. Each ignores the other's ticks.
func (m model) spun(msg spinner.TickMsg) (tea.Model, tea.Cmd) {
	var run, check tea.Cmd
	if !m.run.state.over() {
		m.run.spinner, run = m.run.spinner.Update(msg)
	}
	if m.exercises.checking {
		m.exercises.spinner, check = m.exercises.spinner.Update(msg)
	}
	return m, tea.Batch(run, check)
}

// openExercises shows the exercises, at a stage's first one, and reads
// their status again.
func (m model) openExercises(msg exercisesChosenMsg) (tea.Model, tea.Cmd) {
	m.active = screenExercises
	if msg.Stage != "" {
		m.exercises = m.exercises.selectStage(msg.Stage)
	}
	return m, listExercisesCmd(m.cfg.Workbook)
}

func (m model) exercisesListed(msg exercisesListedMsg) (tea.Model, tea.Cmd) {
	first := !m.exercises.loaded
	stage := ""
	if e, ok := m.exercises.selected(); ok && !first {
		stage = e.Stage()
	} else if _, e, ok := m.home.selected(); ok && e.Stage >= 0 {
		stage = m.cfg.Env.Stages[e.Stage].Dir
	}
	m.exercises = m.exercises.setEntries(msg.Entries)
	if first && stage != "" {
		m.exercises = m.exercises.selectStage(stage)
	}
	m.home.exercises = exerciseCounts(m.cfg.Workbook, msg.Entries, m.cfg.Env.Stages)
	return m, nil
}

// exerciseChosen does what the learner asked with an exercise.
func (m model) exerciseChosen(msg exerciseChosenMsg) (tea.Model, tea.Cmd) {
	wb := m.cfg.Workbook
	e, i := m.exercises.entry(msg.ID)
	if wb == nil || i < 0 {
		m.exercises.note = "The exercises cannot be read here."
		return m, nil
	}
	switch msg.Action {
	case actStart:
		m.exercises.note = "starting " + msg.ID + " …"
		return m, startExerciseCmd(wb, msg.ID)
	case actEdit:
		line := m.exercises.lines[msg.ID]
		if m.cfg.Editor == "" {
			where := e.File
			if line > 0 {
				where = fmt.Sprintf("%s:%d", e.File, line)
			}
			m.exercises.note = "Open " + where + " in your editor (set $EDITOR and e opens it from here)."
			return m, nil
		}
		return m, editAtCmd(m.cfg.Editor, m.cfg.Env.Root, e.File, line)
	case actHint:
		return m, nextHintCmd(wb, msg.ID)
	case actSolution:
		return m, solutionCmd(wb, msg.ID)
	case actCheck:
		if e.Status == exercise.NotStarted && m.exercises.watching != msg.ID {
			m.exercises.note = msg.ID + " is not started: s writes the stub and watches the file."
			return m, nil
		}
		m, watch := m.watchExercise(msg.ID)
		m, check := m.checkExercise(msg.ID)
		return m, tea.Batch(watch, check)
	case actReset:
		return m, resetExerciseCmd(wb, msg.ID)
	case actRestore:
		return m, restoreExerciseCmd(wb, msg.ID)
	}
	return m, nil
}

// exerciseStarted says where to write and watches the stage; an exercise
// started before is checked at once, so the learner sees where they are.
func (m model) exerciseStarted(msg exerciseStartedMsg) (tea.Model, tea.Cmd) {
	st := msg.Started
	m.exercises.lines[msg.ID] = st.Line
	e, _ := m.exercises.entry(msg.ID)
	edit := ""
	if m.cfg.Editor != "" {
		edit = " (e opens it)"
	}
	if st.Already {
		m.exercises.note = fmt.Sprintf("%s was started before: %s:%d%s. Checking it now; every save checks it again.", msg.ID, st.File, st.Line, edit)
	} else {
		m.exercises.note = fmt.Sprintf("Started: open %s:%d%s and write %s. Every save runs the tests of ./%s.",
			st.File, st.Line, edit, strings.Join(e.Functions, ", "), e.Stage())
	}
	if st.Warning != "" {
		m.exercises.note += " Note: " + st.Warning
	}
	delete(m.exercises.results, msg.ID)
	m, watch := m.watchExercise(msg.ID)
	cmds := []tea.Cmd{listExercisesCmd(m.cfg.Workbook), watch}
	if st.Already {
		var check tea.Cmd
		m, check = m.checkExercise(msg.ID)
		cmds = append(cmds, check)
	}
	return m, tea.Batch(cmds...)
}

func (m model) hintShown(msg hintShownMsg) (tea.Model, tea.Cmd) {
	e, i := m.exercises.entry(msg.ID)
	if i < 0 {
		return m, nil
	}
	m.exercises.entries[i].Hints = max(e.Hints, msg.N)
	m.exercises.note = fmt.Sprintf("Hint %d of %d: %s", msg.N, len(e.Exercise.Hints), plainMarkdown(msg.Hint))
	if msg.N == len(e.Exercise.Hints) {
		m.exercises.note += " (That was the last hint: v shows the solution, and asks first.)"
	}
	return m, nil
}

func (m model) solutionShown(msg solutionShownMsg) (tea.Model, tea.Cmd) {
	if msg.Diff == "" {
		m.exercises.note = "Your file holds the reference already: nothing to show."
		return m, nil
	}
	if msg.ID == m.exercises.selectedID() {
		m.exercises.diff, m.exercises.diffTop = msg.Diff, 0
	}
	return m, nil
}

// exerciseReset watches the exercise again: the stub's save checks it.
func (m model) exerciseReset(msg exerciseResetMsg) (tea.Model, tea.Cmd) {
	e, _ := m.exercises.entry(msg.ID)
	m.exercises.note = "The stub of " + msg.ID + " is back in " + e.File + " (what you wrote is kept in a backup)."
	delete(m.exercises.results, msg.ID)
	m, watch := m.watchExercise(msg.ID)
	return m, tea.Batch(watch, listExercisesCmd(m.cfg.Workbook))
}

// exerciseRestored ends the exercise, and its watch.
func (m model) exerciseRestored(msg exerciseRestoredMsg) (tea.Model, tea.Cmd) {
	e, _ := m.exercises.entry(msg.ID)
	m.exercises.note = "The reference of " + msg.ID + " is back in " + e.File + ", and the exercise has ended (what you wrote is kept in a backup)."
	delete(m.exercises.results, msg.ID)
	var unwatch tea.Cmd
	if m.exercises.watching == msg.ID {
		m, unwatch = m.stopWatching()
	}
	return m, tea.Batch(unwatch, listExercisesCmd(m.cfg.Workbook))
}

// watchExercise watches exercise id's stage, instead of what was watched.
func (m model) watchExercise(id string) (model, tea.Cmd) {
	x := m.exercises
	if x.watching == id {
		return m, nil
	}
	e, i := x.entry(id)
	if i < 0 {
		return m, nil
	}
	m, unwatch := m.stopWatching()
	m.exercises.watches++
	m.exercises.watching = id
	return m, tea.Batch(unwatch, watchStageCmd(m.cfg.Watches, m.exercises.watches, id, m.cfg.Env.Root, e.Stage()))
}

// stopWatching closes the watch and cancels the check under way.
func (m model) stopWatching() (model, tea.Cmd) {
	x := m.exercises
	var cmds []tea.Cmd
	if x.watch != nil {
		cmds = append(cmds, closeWatchCmd(x.watch))
	}
	if x.checking && x.check != nil {
		cmds = append(cmds, cancelCheckCmd(x.check))
	}
	m.exercises.watching, m.exercises.watch, m.exercises.checking, m.exercises.saved = "", nil, false, nil
	return m, tea.Batch(cmds...)
}

// settleWatch stops watching once the learner is neither on the
// exercises screen nor on the run of the exercise watched.
func (m model) settleWatch(cmd tea.Cmd) (tea.Model, tea.Cmd) {
	if m.exercises.watching == "" || m.watchWanted() {
		return m, cmd
	}
	m, unwatch := m.stopWatching()
	return m, tea.Batch(cmd, unwatch)
}

func (m model) watchWanted() bool {
	return m.active == screenExercises || (m.active == screenRun && m.run.exercise == m.exercises.watching)
}

// watchStarted keeps the watcher if it is still wanted, and waits for a
// save.
func (m model) watchStarted(msg watchStartedMsg) (tea.Model, tea.Cmd) {
	fw := msg.Watch
	if fw.id != m.exercises.watches || fw.exercise != m.exercises.watching {
		return m, closeWatchCmd(fw) // the learner has moved on
	}
	m.exercises.watch = fw
	return m, waitForSaveCmd(fw)
}

func (m model) watchFailed(msg watchFailedMsg) (tea.Model, tea.Cmd) {
	if msg.Watch != m.exercises.watches || m.exercises.watching == "" {
		return m, nil
	}
	m.exercises.note = msg.Error() + " — c checks by hand."
	m, unwatch := m.stopWatching()
	return m, unwatch
}

// filesSaved checks the watched exercise, cancelling a check under way;
// on the run of the exercise it stops the run and comes back here.
func (m model) filesSaved(msg filesSavedMsg) (tea.Model, tea.Cmd) {
	fw := m.exercises.watch
	if fw == nil || msg.Watch != fw.id {
		return m, nil
	}
	m.exercises.saved, m.exercises.note = msg.Files, ""
	var stop tea.Cmd
	if m.active == screenRun {
		if m.run.state == runRunning || m.run.state == runBuilding {
			next, cmd := m.cancelRun()
			m, stop = next.(model), cmd
		}
		m.active = screenExercises
	}
	m, check := m.checkExercise(fw.exercise)
	return m, tea.Batch(stop, check, waitForSaveCmd(fw))
}

// checkExercise runs exercise id's stage tests; a check under way is
// cancelled first.
func (m model) checkExercise(id string) (model, tea.Cmd) {
	x := &m.exercises
	var previous *checkJob
	if x.checking {
		previous = x.check
	}
	x.checks++
	x.check = newCheckJob(m.cfg.Ctx)
	x.checking = true
	return m, tea.Batch(x.spinner.Tick, checkExerciseCmd(x.checks, x.check, previous, m.cfg.Workbook, id, m.cfg.Procs))
}

// exerciseChecked shows the verdict; a pass of the watched exercise runs
// its stage live: the learner's loop.
func (m model) exerciseChecked(msg exerciseCheckedMsg) (tea.Model, tea.Cmd) {
	if msg.Check != m.exercises.checks || !m.exercises.checking {
		return m, nil // a check since cancelled
	}
	m.exercises.checking = false
	list := listExercisesCmd(m.cfg.Workbook)
	if msg.Err != nil {
		m.exercises.note = "check " + msg.ID + ": " + msg.Err.Error()
		return m, list
	}
	m.exercises.results[msg.ID] = msg.Result
	if msg.Result.Verdict != exercise.Pass || msg.ID != m.exercises.watching || m.active != screenExercises {
		return m, list
	}
	for i, s := range m.cfg.Env.Stages {
		if s.Dir == msg.Result.Stage {
			next, run := m.startRun(i, msg.ID, msg.Status == exercise.Passed)
			return next, tea.Batch(list, run)
		}
	}
	return m, list
}
