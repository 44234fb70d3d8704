// This file is the command line: the flags, the subcommands (none = the
// TUI, run, docs), and the choice between the TUI and the plain
// walkthrough when there is no terminal.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

const usage = `The tutor for Loop from Scratch: run each stage live, see it, read why.

Usage:
  go run ./tutor [-delay 5s] [-n 10] [-plain]
        the interactive tutor (a plain walkthrough when stdout is not a terminal or with -plain)
  go run ./tutor run STAGE [-delay 5s] [-n 10] [-svg FILE]
        build and run one stage against the embedded slow server, print its
        timeline and the explanation as plain text (STAGE: 1, 2, … or the folder name)
  go run ./tutor docs [-addr host:port]
        serve the lessons in a browser (on 127.0.0.1:6060 unless -addr says otherwise)
  go run ./tutor exercise list|start|check|hint|solution|reset|restore [ID]
        the exercises without a terminal (go run ./tutor exercise -help)

Flags:
`

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	os.Exit(tutorMain(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the flags the TUI and the run subcommand share.
type options struct {
	Delay time.Duration
	N     int
	Plain bool
	SVG   string
}

// tutorMain parses args and runs what they ask for; it returns the exit code.
func tutorMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tutor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	var opts options
	fs.DurationVar(&opts.Delay, "delay", 5*time.Second, "how long the embedded slow server takes to answer")
	fs.IntVar(&opts.N, "n", 10, "requests each run sends")
	fs.BoolVar(&opts.Plain, "plain", false, "print a plain walkthrough instead of the interactive tutor")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := checkOptions(opts); err != nil {
		fmt.Fprintf(stderr, "tutor: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		switch fs.Arg(0) {
		case "run":
			return runCommand(fs.Args()[1:], opts, stdout, stderr)
		case "docs":
			return docsCommand(fs.Args()[1:], stdout, stderr)
		case "exercise":
			return exerciseCommand(fs.Args()[1:], stdout, stderr)
		case "help":
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		fmt.Fprintf(stderr, "tutor: unknown command %q (want run, docs or exercise; see -help)\n", fs.Arg(0))
		return exitUsage
	}

	env, err := loadEnv()
	if err != nil {
		fmt.Fprintf(stderr, "tutor: %v\n", err)
		return exitFail
	}
	if opts.Plain || !isTerminal(stdout) {
		return walkthrough(env, stdout)
	}
	return startTUI(env, opts, stderr)
}

func checkOptions(o options) error {
	switch {
	case o.Delay < 0:
		return fmt.Errorf("-delay %v: a delay cannot be negative", o.Delay)
	case o.N < 1:
		return fmt.Errorf("-n %d: need at least one request", o.N)
	case o.N > 1000:
		return fmt.Errorf("-n %d: at most 1000 requests (select(2) cannot watch more)", o.N)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// env is what every mode needs: the repository and its stages.
type env struct {
	Root   string
	Stages []stage
}

func loadEnv() (env, error) {
	wd, err := os.Getwd()
	if err != nil {
		return env{}, err
	}
	root, err := findRoot(wd)
	if err != nil {
		return env{}, err
	}
	stages, err := discoverStages(root)
	if err != nil {
		return env{}, err
	}
	return env{Root: root, Stages: stages}, nil
}

// runCommand is `tutor run STAGE [flags]`: flags may come before or after
// STAGE.
func runCommand(args []string, opts options, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tutor run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: go run ./tutor run STAGE [-delay 5s] [-n 10] [-svg FILE]")
		fs.PrintDefaults()
	}
	fs.DurationVar(&opts.Delay, "delay", opts.Delay, "how long the embedded slow server takes to answer")
	fs.IntVar(&opts.N, "n", opts.N, "requests to send")
	fs.StringVar(&opts.SVG, "svg", "", "also write the run as an SVG waterfall to `file`")
	var stageArg string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		if stageArg != "" {
			fmt.Fprintf(stderr, "tutor run: unexpected argument %q (one stage at a time)\n", fs.Arg(0))
			return exitUsage
		}
		stageArg, args = fs.Arg(0), fs.Args()[1:]
	}
	if stageArg == "" {
		fmt.Fprintln(stderr, "tutor run: which stage? (go run ./tutor run 1)")
		return exitUsage
	}
	if err := checkOptions(opts); err != nil {
		fmt.Fprintf(stderr, "tutor run: %v\n", err)
		return exitUsage
	}
	e, err := loadEnv()
	if err != nil {
		fmt.Fprintf(stderr, "tutor: %v\n", err)
		return exitFail
	}
	s, err := findStage(e.Stages, stageArg)
	if err != nil {
		fmt.Fprintf(stderr, "tutor run: %v\n", err)
		return exitUsage
	}
	ctx, stop := notifyStop(context.Background())
	defer stop()
	return plainRun(ctx, e, s, opts, stdout, stderr)
}
