// The tutor runs each stage of Loop from Scratch live, draws what its event
// loop did, and explains it with numbers from that very run.
//
//	go run ./tutor [-delay 5s] [-n 10] [-plain]
//
// starts the slow server in-process on a free loopback port and opens the
// home screen: the stages found in the repository (every folder named
// stage<N>-<name> with a doc.go, in order of N), each with the first
// sentence of its package comment and the learner's progress (read, run),
// which is kept in <user config dir>/loopfromscratch/progress.json.
//
// From there:
//
//   - the lesson (enter or l) is the stage's chapter, docs/<stage>.md,
//     rendered by Glamour for the window's width; its style follows the
//     terminal's background unless GLAMOUR_STYLE names one;
//   - a run (r) builds the stage with go build, as it is on disk (edits
//     included: a compile error is shown and the tutor stays up), runs it
//     with -addr, -n and -trace -, and draws its trace live: one row per
//     request on a shared time axis (connecting, sent, waiting, answered
//     or failed), a clock, counters, and the loop's own events (wake-ups,
//     callbacks, state changes, futures, task steps) in a pane beside it.
//     When it ends, the explanation: total time against one at a time,
//     how long the loop slept in its poller (select(2), epoll or kqueue)
//     against how long it worked, wake-ups, the order of answers, what the
//     stage added, and what still hurts and what comes next, quoted from
//     the end of the stage's doc.go;
//   - compare (c) shows this session's runs as bars against their
//     one-at-a-time estimates.
//
// Keys: ↑/↓ (or k/j), pgup/pgdn, g/G move; r runs; c compares; esc goes
// back; R resets the progress (after a y/n); ? shows every key; q quits.
// Ctrl-C during a run kills the stage's process group and shows the run as
// cancelled; anywhere else it quits. The terminal is restored however the
// tutor ends, a panic included, and no stage process outlives it.
//
// Without a terminal (stdout piped) or with -plain, the tutor prints a
// plain walkthrough instead. Subcommands:
//
//	go run ./tutor run STAGE [-delay 5s] [-n 10] [-svg FILE]
//
// builds and runs one stage (STAGE is its number or its folder name)
// against the embedded server and prints its timeline and explanation as
// plain text, with no escape codes; -svg also writes the run as an SVG
// waterfall, as the docs show them.
//
//	go run ./tutor docs [-addr host:port]
//
// serves the lessons in a browser, on 127.0.0.1:6060 unless -addr says
// otherwise.
//
// The code: messages.go, commands.go (all I/O), update.go and view.go are
// the Elm architecture's four parts; home.go, lesson.go, run.go and
// compare.go are the screens. What does not need a screen is apart and
// tested on its own: timeline.go (a run built from trace events),
// explain.go (the explanation), waterfall.go and svg.go (drawing), runner.go
// (building, running and stopping stages) and plain.go (the text output).
package main
