// This file holds the signals that stop the tutor: Ctrl-C where the input
// is not a terminal (SIGINT), kill(1) and system shutdown (SIGTERM), and a
// closed terminal window or a dropped ssh session (SIGHUP). Left to their
// default, SIGTERM and SIGHUP end the process at once and no deferred
// clean-up runs: the temp folder with the built stages stays behind.
// Caught, each of them ends the tutor the ordinary way instead, so its
// builds and stage processes are stopped and the folder is removed.

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals are the signals that end the tutor cleanly.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// notifyStop returns a context that the first stop signal cancels; its
// cause (context.Cause) names the signal. Call it before creating anything
// that must be cleaned up, and call stop when done, which restores the
// signals' default behaviour.
func notifyStop(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(parent, stopSignals...)
}

// stoppedBy says why ctx was cancelled, as a line for stderr: "hangup
// signal received", say.
func stoppedBy(ctx context.Context) string {
	if cause := context.Cause(ctx); cause != nil {
		return cause.Error()
	}
	return "stopped"
}
