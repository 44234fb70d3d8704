// The tutor runs each stage of Loop from Scratch live, draws what its event
// loop did, and explains it with numbers from that very run.
//
//	go run ./tutor [-delay 5s] [-n 10] [-plain]
//
// starts the slow server in-process on a free loopback port and opens the
// home screen: the course's table of contents in the book's reading order
// (docs/README.md's numbered list: the why chapters, then each stage found
// in the repository — every folder named stage<N>-<name> with a doc.go —
// with a row for its lesson and one for a run, then patterns, anti-patterns,
// Go's runtime, performance, the workshop), each with the learner's progress
// (read, run), which is kept in <user config dir>/loopfromscratch/progress.json.
// A chapter counts as read once the reader reaches its end (90 % of it),
// not when it opens.
//
// From there:
//
//   - a lesson (enter) is the chapter, drawn for the window's width from the
//     same Markdown the web book serves (markdown.go): prose wrapped between
//     words, code and diagrams never wrapped (←/→ scroll them sideways; a cut
//     shows ← or →), commands kept whole. tab and shift+tab select links,
//     enter follows one: a chapter opens at its heading (esc comes back), a
//     file of the code opens in $EDITOR, a picture in the browser; n and p
//     step through the chapters in reading order;
//   - a run (r) builds the stage with go build, as it is on disk (edits
//     included: a compile error is shown and the tutor stays up), runs it
//     with -addr, -n and -trace -, and draws its trace live: one row per
//     request on a shared time axis (connecting, sent, waiting, answered
//     or failed), a clock, counters, and the loop's own events (wake-ups,
//     callbacks, state changes, futures, task steps) in a pane beside it,
//     kept whole: tab gives the pane the arrow keys (g goes back to the
//     first event), [ and ] narrow it to one request.
//     When it ends, the explanation: total time against one at a time,
//     how long the loop slept in its poller (select(2), epoll or kqueue)
//     against how long it worked, wake-ups, the order of answers, what the
//     stage added, and what still hurts and what comes next, quoted from
//     the end of the stage's doc.go;
//   - compare (c) shows this session's runs as bars against their
//     one-at-a-time estimates;
//   - exercises (e, or a stage's exercises row) lists every exercise of
//     docs/exercises.md by stage with its status. s writes the stub and
//     says where to write (e opens $EDITOR there); from then on every save
//     of the stage's .go files runs its tests under a 60 s limit and shows
//     the first failing test, the compiler's errors or "no verdict"; a pass
//     runs the stage as it is on disk, live, headed "Your loop". h shows
//     one more hint, v the solution as a diff (after a pass, or after the
//     last hint when asked), x writes the stub again and b restores the
//     reference (each after a y/n).
//
// Keys: ↑/↓ (or k/j), pgup/pgdn, g/G move; r runs; c compares; esc goes
// back; R resets the progress (after a y/n); ? shows every key; q quits.
// o, on every screen, opens the page being shown in the web book (served by
// the tutor on a free loopback port, as `go run ./tutor docs` would) when
// there is a browser, and otherwise says to run `go run ./tutor docs`.
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
//	go run ./tutor exercise list|start|check|hint|solution|reset|restore [ID]
//
// is the workbook without a terminal (exercisecli.go); check exits 1 while
// a started exercise fails, and reset -all and restore -all reset a room.
//
// The code: messages.go, commands.go (all I/O), update.go and view.go are
// the Elm architecture's four parts; home.go, lesson.go, run.go,
// compare.go and exercises.go are the screens; watch.go watches a stage's
// files and holds the check under way; markdown.go draws a chapter, links.go says
// where its links lead, browser.go serves the web book to the browser. What does not need a screen is apart and
// tested on its own: timeline.go (a run built from trace events),
// explain.go (the explanation), waterfall.go and svg.go (drawing), runner.go
// (building, running and stopping stages) and plain.go (the text output).
package main
