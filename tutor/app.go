// This file holds the root model, what it is made of, and startTUI, which
// sets up what the TUI needs (the embedded server, a folder for the built
// stages, the web book for the browser), runs the Bubble Tea program, and
// cleans up whatever way it ends.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/loopfromscratch/loop/docs"
	"github.com/loopfromscratch/loop/internal/book"
	"github.com/loopfromscratch/loop/internal/exercise"
	"github.com/loopfromscratch/loop/internal/slowserver"
)

// config is what the root model is built from; tests fill it by hand.
type config struct {
	Env          env
	Opts         options
	ServerAddr   string
	BinDir       string             // where stages are built
	ProgressPath string             // "" keeps progress in memory only
	Editor       string             // $EDITOR: opens the code a lesson links to
	Site         *site              // the web book served by the tutor; nil: none
	Ctx          context.Context    // cancelled when the tutor exits
	Procs        *procs             // every stage process started, every check under way
	Docs         fs.FS              // where the chapters are: docs.FS
	Workbook     *exercise.Workbook // the exercises; nil: none
	WorkbookErr  error              // why there is no workbook, if there is none
	Watches      *watchSet          // every watch on a stage's files
}

// model is the root model: the screens, what they share, and the window.
type model struct {
	cfg       config
	width     int
	height    int
	active    screenID
	toc       []tocEntry // the course, in the book's reading order
	home      homeModel
	lesson    lessonModel
	run       runModel
	runs      int // runs started, for run ids
	compare   compareModel
	exercises exercisesModel
	progress  progress
	help      help.Model
	fullHelp  bool
	notice    string // a one-line problem to show (progress not saved…)
	status    string // the answer to the last thing asked (a link, the browser), above the help
}

func newModel(cfg config) model {
	if cfg.Ctx == nil {
		cfg.Ctx = context.Background()
	}
	if cfg.Docs == nil {
		cfg.Docs = docs.FS
	}
	if cfg.Procs == nil {
		cfg.Procs = &procs{}
	}
	if cfg.Watches == nil {
		cfg.Watches = &watchSet{}
	}
	h := help.New()
	m := model{
		cfg:      cfg,
		width:    80,
		height:   24,
		progress: progress{},
		help:     h,
	}
	// The book is embedded (or a test's map): reading it is no I/O.
	b, err := book.Load(cfg.Docs)
	if err != nil {
		b = nil
		m.notice = "the book's contents: " + err.Error()
	}
	m.toc = buildTOC(b, cfg.Env.Stages)
	m.exercises = newExercises(cfg.Env.Stages, cfg.Editor != "")
	if cfg.WorkbookErr != nil {
		m.exercises.failure = cfg.WorkbookErr.Error()
	}
	m.home = newHome(m.toc, cfg.Env.Stages, footerText(cfg.ServerAddr, cfg.Opts), exerciseCounts(cfg.Workbook, nil, cfg.Env.Stages))
	return m
}

// exerciseCounts counts the exercises of each stage (an index into
// stages), from the catalogue, and the passed ones among entries. The
// capstone belongs to no stage.
func exerciseCounts(wb *exercise.Workbook, entries []exercise.Entry, stages []stage) map[int]exerciseCount {
	counts := map[int]exerciseCount{}
	var all []exercise.Exercise
	if wb != nil {
		all = wb.Exercises()
	}
	passed := map[string]bool{}
	for _, e := range entries {
		passed[e.ID] = e.Status == exercise.Passed
		if wb == nil {
			all = append(all, e.Exercise)
		}
	}
	for _, ex := range all {
		for i, s := range stages {
			if exerciseGroup(ex, stages) == s.Title() {
				c := counts[i]
				c.Total++
				if passed[ex.ID] {
					c.Passed++
				}
				counts[i] = c
			}
		}
	}
	return counts
}

// entryOf is the course's entry for a chapter file, or false.
func (m model) entryOf(file string) (tocEntry, int, bool) {
	for i, e := range m.toc {
		if e.File == file {
			return e, i, true
		}
	}
	return tocEntry{}, -1, false
}

// Init reads the progress file and the exercises' status.
func (m model) Init() tea.Cmd {
	return tea.Batch(loadProgressCmd(m.cfg.ProgressPath), listExercisesCmd(m.cfg.Workbook))
}

// current is the active screen.
func (m model) current() screen {
	switch m.active {
	case screenLesson:
		return m.lesson
	case screenRun:
		return m.run
	case screenCompare:
		return m.compare
	case screenExercises:
		return m.exercises
	}
	return m.home
}

// startTUI runs the interactive tutor until the learner quits.
func startTUI(e env, opts options, stderr io.Writer) int {
	// Caught from here on, SIGHUP (the terminal closed) and SIGTERM end the
	// program through the defers below, like a quit: see signals.go.
	signalled, stopWatching := notifyStop(context.Background())
	defer stopWatching()
	srv, err := slowserver.Start(slowserver.Config{Addr: "127.0.0.1:0", Delay: opts.Delay})
	if err != nil {
		fmt.Fprintf(stderr, "tutor: cannot start the slow server: %v\n", err)
		return exitFail
	}
	defer srv.Close()
	binDir, err := os.MkdirTemp("", "loopfromscratch-tutor-")
	if err != nil {
		fmt.Fprintf(stderr, "tutor: %v\n", err)
		return exitFail
	}
	defer os.RemoveAll(binDir)
	ctx, cancel := context.WithCancel(signalled)
	ps := &procs{}
	ws := &watchSet{}
	// Runs after the program ends for any reason, a panic included, and
	// before binDir is removed: builds and checks are cancelled and waited
	// for, no stage process outlives the tutor, and no watcher stays open.
	defer func() {
		cancel()
		ws.CloseAll()
		ps.StopAll()
	}()
	wb, wbErr := exercise.Open(e.Root)

	path, err := progressPath()
	if err != nil {
		path = "" // no config dir: progress lives for this session only
	}
	web := &site{}
	defer web.Close()
	m := newModel(config{
		Env: e, Opts: opts, ServerAddr: srv.Addr(), BinDir: binDir, ProgressPath: path,
		Editor: os.Getenv("EDITOR"), Site: web, Ctx: ctx, Procs: ps,
		Workbook: wb, WorkbookErr: wbErr, Watches: ws,
	})
	// tea.Program recovers a panic in Update, View or a command, restores
	// the terminal and returns ErrProgramPanic; the defers above then stop
	// the stages. It stops the same way, terminal restored, when a stop
	// signal cancels its context: Bubble Tea's own handler misses SIGHUP.
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(signalled), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		switch {
		case errors.Is(err, tea.ErrProgramPanic):
			fmt.Fprintln(stderr, "tutor: crashed (a bug in the tutor); the terminal was restored")
		case signalled.Err() != nil:
			fmt.Fprintf(stderr, "tutor: %s; stopped\n", stoppedBy(signalled))
		default:
			fmt.Fprintf(stderr, "tutor: %v\n", err)
		}
		return exitFail
	}
	return exitOK
}

// docsCommand is `tutor docs`: the book in a browser.
func docsCommand(args []string, stdout, stderr io.Writer) int {
	return book.Main(args, stdout, stderr)
}

// recordOf summarises a finished run for the compare screen.
func recordOf(x explanation) runRecord {
	return runRecord{Stage: x.Stage, N: x.N, OK: x.OK, Failed: x.Failed, Elapsed: x.Elapsed, OneByOne: x.OneByOne}
}
