// main only hands the lesson, fetchAll, to the part every stage shares:
// flags, the embedded slow server, output and exit codes (internal/stagecli).

package main

import (
	"os"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

func main() {
	os.Exit(stagecli.Main("stage3-futures", os.Args[1:], os.Stdout, os.Stderr, fetchAll))
}
