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
	"github.com/loopfromscratch/loop/internal/slowserver"
)

// config is what the root model is built from; tests fill it by hand.
type config struct {
	Env          env
	Opts         options
	ServerAddr   string
	BinDir       string          // where stages are built
	ProgressPath string          // "" keeps progress in memory only
	Editor       string          // $EDITOR: opens the code a lesson links to
	Site         *site           // the web book served by the tutor; nil: none
	Ctx          context.Context // cancelled when the tutor exits
	Procs        *procs          // every stage process started
	Docs         fs.FS           // where the chapters are: docs.FS
}

// model is the root model: the screens, what they share, and the window.
type model struct {
	cfg      config
	width    int
	height   int
	active   screenID
	toc      []tocEntry // the course, in the book's reading order
	home     homeModel
	lesson   lessonModel
	run      runModel
	runs     int // runs started, for run ids
	compare  compareModel
	progress progress
	help     help.Model
	fullHelp bool
	notice   string // a one-line problem to show (progress not saved…)
	status   string // the answer to the last thing asked (a link, the browser), above the help
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
	m.home = newHome(m.toc, cfg.Env.Stages, footerText(cfg.ServerAddr, cfg.Opts))
	return m
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

// Init reads the progress file.
func (m model) Init() tea.Cmd {
	return loadProgressCmd(m.cfg.ProgressPath)
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
	// Runs after the program ends for any reason, a panic included, and
	// before binDir is removed: builds are cancelled and waited for, and no
	// stage process outlives the tutor.
	defer func() {
		cancel()
		ps.StopAll()
	}()

	path, err := progressPath()
	if err != nil {
		path = "" // no config dir: progress lives for this session only
	}
	web := &site{}
	defer web.Close()
	m := newModel(config{
		Env: e, Opts: opts, ServerAddr: srv.Addr(), BinDir: binDir, ProgressPath: path,
		Editor: os.Getenv("EDITOR"), Site: web, Ctx: ctx, Procs: ps,
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
