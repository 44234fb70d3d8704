// main hands the stage to internal/stagecli, the part every stage shares
// (flags, the embedded slow server, output, exit codes), with the flags
// only this stage has. Each run gets one loop, made and closed here;
// fetchAll, the lesson, or a demo runs on it.

package main

import (
	"errors"
	"flag"
	"os"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

// stageOptions are the flags only stage 4 has, filled in before runStage.
type stageOptions struct {
	debug       bool // debug mode: name every step that blocks the loop (aio_debug.go)
	rss         bool // report the peak resident memory at the end
	demoOptions      // -demo NAME runs a demo instead; see demo_run.go
}

// flags adds the stage's own flags to fs.
func (o *stageOptions) flags(fs *flag.FlagSet) {
	fs.BoolVar(&o.debug, "debug", false, "report every callback or task step that blocks the loop for more than 100ms")
	fs.BoolVar(&o.rss, "rss", false, "print the peak resident memory (getrusage ru_maxrss) at the end, to stderr")
	o.demoOptions.flags(fs)
}

func main() {
	opts := stageOptions{demoOptions: demoOptions{out: os.Stdout}}
	os.Exit(stagecli.Main("stage4-tasks", os.Args[1:], os.Stdout, os.Stderr, opts.runStage, opts.flags))
}

// runStage is the stage's stagecli.FetchFunc: it checks that run.N
// sockets fit, makes the loop, runs fetchAll or the demo on it, closes it.
func (o *stageOptions) runStage(run *stagecli.Run) error {
	if err := checkFileLimit(run); err != nil {
		return err
	}
	loop, err := NewEventLoop(run.Trace)
	if err != nil {
		return err
	}
	loop.Debug, loop.Stderr = o.debug, run.Stderr
	if o.demo != "" {
		err = o.runDemo(loop, run)
	} else {
		err = fetchAll(loop, run)
	}
	err = errors.Join(err, loop.Close())
	if o.rss {
		stagecli.ReportPeakRSS(run)
	}
	return err
}
