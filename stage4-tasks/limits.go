// How many sockets fit. epoll has no limit of its own, but the process
// does: RLIMIT_NOFILE caps the fds it may hold open. The soft limit can be
// raised to the hard one without privileges (Go's runtime does that at
// start-up; this file does it again in plain sight), and a run that cannot
// fit is refused up front with the numbers, rather than failing halfway
// with EMFILE on request 19,994.

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

// spareFDs are kept free for what a run opens besides its sockets: the
// trace file, the embedded server's listener and poller, a debug report.
const spareFDs = 32

// raiseFileLimit sets the soft open-file limit to the hard one and returns
// the limit now in force.
func raiseFileLimit() (uint64, error) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("getrlimit RLIMIT_NOFILE: %w", err)
	}
	if lim.Cur < lim.Max {
		raised := unix.Rlimit{Cur: lim.Max, Max: lim.Max}
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &raised); err == nil {
			lim = raised
		}
	}
	return lim.Cur, nil
}

//docs:begin checkFileLimit

// checkFileLimit raises the soft limit and says, before anything starts,
// whether run.N requests fit: each needs a socket (two with the embedded
// server), and the fds open already are taken.
func checkFileLimit(run *stagecli.Run) error {
	limit, err := raiseFileLimit()
	if err != nil {
		return err
	}
	perRequest, why := 1, "each request needs one socket"
	if run.Embedded {
		perRequest, why = 2, "each request needs two sockets (the embedded server's end is in this process too)"
	}
	open := openFDs()
	fit := (int(min(limit, 1<<30)) - open - spareFDs) / perRequest
	if run.N <= fit {
		return nil
	}
	return fmt.Errorf("-n %d: this process may open %d files (RLIMIT_NOFILE, raised to the hard limit), "+
		"%d are open already and %d are kept spare, and %s; at most %d requests fit. "+
		"Raise the hard limit (ulimit -Hn) or lower -n", run.N, limit, open, spareFDs, why, max(fit, 0))
}

//docs:end checkFileLimit

// openFDs counts the fds open now: /proc/self/fd on Linux, /dev/fd on
// macOS. If neither can be read it guesses a few.
func openFDs() int {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		if entries, err := os.ReadDir(dir); err == nil {
			return len(entries)
		}
	}
	return 16
}
