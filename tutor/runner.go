// This file holds the stage processes: building a stage with go build and
// running its binary against the embedded server, reading its trace from
// stderr line by line. Both the TUI (through commands) and `tutor run` use
// it. Every child is the leader of its own process group, so stopping a run
// kills the whole group and then waits for it: no orphan is left behind.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loopfromscratch/loop/internal/procgroup"
	"github.com/loopfromscratch/loop/internal/trace"
)

// buildError is a stage that did not compile; Output is what go build said.
type buildError struct {
	Stage  string
	Output string
}

// Error names the stage and quotes go build.
func (e *buildError) Error() string {
	return fmt.Sprintf("%s does not build:\n%s", e.Stage, e.Output)
}

// buildStage compiles root/<stage> into dir and returns the binary's path.
// The go command runs in its own process group so that cancelling ctx also
// stops the compilers it started. A killed go command cannot remove its
// work folder, so GOTMPDIR puts that folder inside dir, which the caller
// removes.
func buildStage(ctx context.Context, root, dir string, s stage) (string, error) {
	return goBuild(ctx, root, dir, s, nil)
}

// goBuild is buildStage; started, if not nil, is told the go command's pid,
// which is also its process group's id.
func goBuild(ctx context.Context, root, dir string, s stage, started func(pid int)) (string, error) {
	bin := filepath.Join(dir, s.Dir)
	work := filepath.Join(dir, "gotmp")
	if err := os.MkdirAll(work, 0o700); err != nil {
		return "", fmt.Errorf("cannot build %s: %w", s.Dir, err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./"+s.Dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOTMPDIR="+work)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	procgroup.Own(cmd)
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Start()
	if err == nil {
		if started != nil {
			started(cmd.Process.Pid)
		}
		err = cmd.Wait()
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		text := bytes.TrimSpace(out.Bytes())
		if len(text) == 0 {
			text = []byte(err.Error())
		}
		return "", &buildError{Stage: s.Dir, Output: string(text)}
	}
	return bin, nil
}

// buildJob is one go build that the TUI started, so that a later run or a
// Ctrl-C can cancel it: every build writes the same binary, and two at once
// would race for it. Cancel kills the go command's whole process group
// (the compilers and the linker it started) and returns once it is gone.
type buildJob struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned (or never will run)
	pid    atomic.Int64  // the go command's pid and process group, once started
}

// newBuildJob makes a build that parent (the tutor's lifetime) also
// cancels. It starts nothing: run does.
func newBuildJob(parent context.Context) *buildJob {
	ctx, cancel := context.WithCancel(parent)
	return &buildJob{ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// run builds s; it is called once, from a command.
func (j *buildJob) run(root, dir string, s stage) (string, error) {
	defer close(j.done)
	defer j.cancel()
	return goBuild(j.ctx, root, dir, s, func(pid int) { j.pid.Store(int64(pid)) })
}

// skip marks a build that will never run as over.
func (j *buildJob) skip() {
	j.cancel()
	close(j.done)
}

// Cancel stops the build, if it is running, and waits until its process
// group has been killed and reaped. A build that has not started yet will
// not start.
func (j *buildJob) Cancel() {
	j.cancel()
	<-j.done
}

// Pid is the go command's pid, its process group's id; 0 until started.
func (j *buildJob) Pid() int { return int(j.pid.Load()) }

// item is one line of a stage's stderr: an event, or raw text (a panic, a
// usage message) when the line is not JSON.
type item struct {
	Event trace.Event
	Raw   string
	IsRaw bool
}

// batch is what one read of a running stage returns.
type batch struct {
	Events []trace.Event
	Raw    []string
}

// stageProc is a running stage program.
type stageProc struct {
	cmd   *exec.Cmd
	items chan item     // closed after the process has exited
	done  chan struct{} // closed once Wait has returned
	err   error         // Wait's result, readable after done

	stopOnce sync.Once
}

// startStage runs bin -addr addr -n n -trace - and streams its stderr.
func startStage(bin, addr string, n int) (*stageProc, error) {
	cmd := exec.Command(bin, "-addr", addr, "-n", strconv.Itoa(n), "-trace", "-")
	procgroup.Own(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &stageProc{cmd: cmd, items: make(chan item, 1024), done: make(chan struct{})}
	go p.read(stderr)
	return p, nil
}

// read turns stderr into items until EOF, then waits for the process.
func (p *stageProc) read(stderr io.Reader) {
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		p.items <- parseLine(sc.Bytes())
	}
	_, _ = io.Copy(io.Discard, stderr) // a line too long for the scanner
	p.err = p.cmd.Wait()
	close(p.done)
	close(p.items)
}

// parseLine reads one line as an event if it is one.
func parseLine(b []byte) item {
	var e trace.Event
	if len(b) > 0 && b[0] == '{' && json.Unmarshal(b, &e) == nil && e.Ev != "" {
		return item{Event: e}
	}
	return item{Raw: string(b), IsRaw: true}
}

// Next blocks for at least one item, then takes whatever else is already
// waiting, up to max: one batch per screen update keeps up with stage 4's
// many events. ok is false once the process has exited and all is read.
func (p *stageProc) Next(max int) (b batch, ok bool) {
	it, ok := <-p.items
	if !ok {
		return b, false
	}
	b.add(it)
	for range max - 1 {
		select {
		case it, ok := <-p.items:
			if !ok {
				return b, true
			}
			b.add(it)
		default:
			return b, true
		}
	}
	return b, true
}

func (b *batch) add(it item) {
	if it.IsRaw {
		b.Raw = append(b.Raw, it.Raw)
	} else {
		b.Events = append(b.Events, it.Event)
	}
}

// ExitCode waits for the process and returns its exit code (-1 if it was
// killed by a signal).
func (p *stageProc) ExitCode() (int, error) {
	<-p.done
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, p.err
}

// Stop kills the stage's whole process group and waits until it is gone.
// It is safe to call more than once and after the stage ended.
func (p *stageProc) Stop() {
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = procgroup.Kill(p.cmd)
	})
	// Drain so the reader can reach Wait even if nobody reads any more.
	for range p.items {
	}
	<-p.done
}

// procs remembers the stage processes that may be running, so the tutor can
// stop them all when it exits for any reason (quit, Ctrl-C, a panic). Bubble
// Tea does not wait for commands still running when the program ends, so
// builds and starts register too: StopAll waits for them, and a stage that
// starts after StopAll is stopped at once.
type procs struct {
	mu      sync.Mutex
	set     map[*stageProc]bool
	closed  bool           // StopAll has run: nothing new may start
	pending sync.WaitGroup // builds and starts under way
}

// begin registers a build or a start about to happen; it is false once
// StopAll has run. Every true begin is followed by one end.
func (ps *procs) begin() bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.closed {
		return false
	}
	ps.pending.Add(1)
	return true
}

// end says a build or a start is over.
func (ps *procs) end() { ps.pending.Done() }

// add registers a started process. After StopAll it stops p instead and
// returns false.
func (ps *procs) add(p *stageProc) bool {
	ps.mu.Lock()
	if ps.closed {
		ps.mu.Unlock()
		p.Stop()
		return false
	}
	defer ps.mu.Unlock()
	if ps.set == nil {
		ps.set = map[*stageProc]bool{}
	}
	ps.set[p] = true
	return true
}

func (ps *procs) remove(p *stageProc) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.set, p)
}

// StopAll stops every process still registered, waits for the builds and
// starts under way, and refuses any new one. Cancel the builds' context
// first, or it waits for them to finish.
func (ps *procs) StopAll() {
	ps.mu.Lock()
	ps.closed = true
	list := make([]*stageProc, 0, len(ps.set))
	for p := range ps.set {
		list = append(list, p)
	}
	ps.set = nil
	ps.mu.Unlock()
	for _, p := range list {
		p.Stop()
	}
	ps.pending.Wait()
}
