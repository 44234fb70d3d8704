// This file holds the root model, what it is made of, and startTUI, which
// sets up what the TUI needs (the embedded server, a folder for the built
// stages, the Glamour style), runs the Bubble Tea program, and cleans up
// whatever way it ends.

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
	"github.com/charmbracelet/lipgloss"

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
	GlamourStyle string          // a Glamour style name or a JSON style path
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
	home     homeModel
	lesson   lessonModel
	run      runModel
	runs     int // runs started, for run ids
	compare  compareModel
	progress progress
	help     help.Model
	fullHelp bool
	notice   string // a one-line problem to show (progress not saved…)
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
	return model{
		cfg:      cfg,
		width:    80,
		height:   24,
		home:     homeModel{stages: cfg.Env.Stages, footer: footerText(cfg.ServerAddr, cfg.Opts), progress: progress{}},
		progress: progress{},
		help:     h,
	}
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
	m := newModel(config{
		Env: e, Opts: opts, ServerAddr: srv.Addr(), BinDir: binDir, ProgressPath: path,
		GlamourStyle: glamourStyle(), Ctx: ctx, Procs: ps,
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

// glamourStyle is GLAMOUR_STYLE if set, else dark or light after the
// terminal's background, asked once, before the TUI owns the terminal.
func glamourStyle() string {
	if s := os.Getenv("GLAMOUR_STYLE"); s != "" {
		return s
	}
	if lipgloss.HasDarkBackground() {
		return "dark"
	}
	return "light"
}

// docsCommand is `tutor docs`: the book in a browser.
func docsCommand(args []string, stdout, stderr io.Writer) int {
	return book.Main(args, stdout, stderr)
}

// recordOf summarises a finished run for the compare screen.
func recordOf(x explanation) runRecord {
	return runRecord{Stage: x.Stage, N: x.N, OK: x.OK, Failed: x.Failed, Elapsed: x.Elapsed, OneByOne: x.OneByOne}
}
