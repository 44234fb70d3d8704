// main hands the lesson, fetchAll, to the part every stage shares (flags,
// the embedded slow server, output and exit codes: internal/stagecli) and
// adds the flags only this stage has.

package main

import (
	"flag"
	"os"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

// stageOptions are the flags only stage 4 has. Main fills them in before
// it calls fetchAll.
type stageOptions struct {
	debug bool
}

// flags adds the stage's own flags to fs.
func (o *stageOptions) flags(fs *flag.FlagSet) {
	fs.BoolVar(&o.debug, "debug", false, "report every callback or task step that blocks the loop for more than 100ms")
}

func main() {
	var opts stageOptions
	fetch := func(run *stagecli.Run) error { return opts.fetchAll(run) }
	os.Exit(stagecli.Main("stage4-tasks", os.Args[1:], os.Stdout, os.Stderr, fetch, opts.flags))
}
