// This file holds Update: a flat switch that hands each message to one
// small handler. Handlers change the model and return commands; they never
// do I/O themselves.

package main

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// Update handles one message.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
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
		return m.openLesson(msg.Stage)
	case lessonRenderedMsg:
		return m.lessonRendered(msg)
	case lessonFailedMsg:
		if msg.Stage == m.lesson.stage.Dir {
			m.lesson = m.lesson.setFailure(msg)
		}
		return m, nil
	case runChosenMsg:
		return m.startRun(msg.Stage)
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
	}
	return m, nil
}

// bodyHeight is what is left for a screen under the header and above the
// help line.
func (m model) bodyHeight() int {
	return max(m.height-2-m.helpHeight(), 1)
}

func (m model) resized(msg tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	m.width, m.height = msg.Width, msg.Height
	m.help.Width = msg.Width
	m.lesson = m.lesson.resize(m.width, m.bodyHeight())
	if m.lesson.stage.Dir != "" && m.lesson.rendered != m.width {
		return m, renderLessonCmd(m.cfg.Docs, m.lesson.stage.Dir, m.width, m.cfg.GlamourStyle)
	}
	return m, nil
}

// keyPressed handles the keys every screen shares, then hands the key to
// the active screen.
func (m model) keyPressed(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	running := m.run.proc != nil && m.run.state == runRunning
	switch {
	case key.Matches(msg, global.Interrupt) && m.active == screenRun && (running || m.run.state == runBuilding):
		return m.cancelRun()
	case key.Matches(msg, global.Interrupt):
		return m.quit()
	case m.active == screenHome && m.home.confirming:
		// y/n only; q must not quit in the middle of a question.
	case key.Matches(msg, global.Quit):
		return m.quit()
	case key.Matches(msg, global.Help):
		m.fullHelp = !m.fullHelp
		m.lesson = m.lesson.resize(m.width, m.bodyHeight())
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
	case screenRun:
		m.run, cmd = m.run.handleKey(msg, m.bodyHeight())
	}
	return m, cmd
}

// quit stops a running stage first; the program's exit path stops any
// other process as well.
func (m model) quit() (tea.Model, tea.Cmd) {
	if m.run.proc != nil && !m.run.state.over() {
		return m, tea.Sequence(stopStageCmd(m.run.id, m.run.proc, m.cfg.Procs), tea.Quit)
	}
	return m, tea.Quit
}

func (m model) setProgress(p progress) (tea.Model, tea.Cmd) {
	m.progress = p
	m.home.progress = p
	return m, saveProgressCmd(m.cfg.ProgressPath, p)
}

func (m model) openLesson(i int) (tea.Model, tea.Cmd) {
	if i < 0 || i >= len(m.cfg.Env.Stages) {
		return m, nil
	}
	s := m.cfg.Env.Stages[i]
	m.active = screenLesson
	m.home.cursor = i
	if m.lesson.stage.Dir != s.Dir {
		m.lesson = newLesson(s, i, m.width, m.bodyHeight())
	}
	p := m.progress.with(s.Dir, func(sp *stageProgress) { sp.Read = true })
	next, save := m.setProgress(p)
	return next, tea.Batch(save, renderLessonCmd(m.cfg.Docs, s.Dir, m.width, m.cfg.GlamourStyle))
}

func (m model) lessonRendered(msg lessonRenderedMsg) (tea.Model, tea.Cmd) {
	if msg.Stage == m.lesson.stage.Dir {
		m.lesson = m.lesson.setText(msg.Width, msg.Text)
	}
	return m, nil
}

// startRun builds the stage; a run still going is stopped first.
func (m model) startRun(i int) (tea.Model, tea.Cmd) {
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
	m.run.build = newBuildJob(m.cfg.Ctx)
	m.active = screenRun
	m.home.cursor = i
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

func (m model) spun(msg spinner.TickMsg) (tea.Model, tea.Cmd) {
	if m.run.state.over() {
		return m, nil
	}
	var cmd tea.Cmd
	m.run.spinner, cmd = m.run.spinner.Update(msg)
	return m, cmd
}
