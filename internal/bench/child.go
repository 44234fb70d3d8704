// This file runs one measured program in a fresh process: in a process
// group of its own, with a deadline after which the whole group is killed,
// its output captured (bounded), and its peak RSS read from the rusage
// wait4 returns, or from /proc when that rusage is the bench's own (see
// peakOf). Every run of every case goes through runChild.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/loopfromscratch/loop/internal/procgroup"
)

// child is one program to run: path and args, and the longest it may take.
type child struct {
	path  string
	args  []string
	dir   string        // working directory; "" for ours
	limit time.Duration // after this, its process group is killed
}

// exited is what a finished child left: its output, exit code and peak RSS.
type exited struct {
	stdout []byte
	stderr string // the last bytes of it, for an error message
	code   int    // exit code; -1 when killed by a signal
	rss    uint64 // peak resident memory, bytes (getrusage ru_maxrss)
	wall   time.Duration
}

// maxOutput bounds what is kept of a child's stdout: stage 4 prints a line
// per answer, about 50 bytes each, so 19,000 requests are about 1 MB.
const maxOutput = 16 << 20

// errDeadline is wrapped by runChild's error when a child outlived its limit.
var errDeadline = errors.New("deadline")

// runChild runs c to the end and reports how it exited. Its error is for a
// child that could not start, that outlived c.limit (errDeadline), or that
// was stopped because ctx ended (Ctrl-C); a non-zero exit is not an error
// here, the caller reads code. The child's process group is killed on the
// way out in every case, so nothing it started survives it.
func runChild(ctx context.Context, c child) (exited, error) {
	runCtx, cancel := context.WithTimeout(ctx, c.limit)
	defer cancel()
	cmd := exec.CommandContext(runCtx, c.path, c.args...)
	cmd.Dir = c.dir
	procgroup.Own(cmd)
	cmd.WaitDelay = 2 * time.Second // then its pipes are closed even if a grandchild holds them
	stdout := &cappedBuffer{limit: maxOutput}
	stderr := &tailBuffer{limit: 4 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	began := time.Now()
	err := cmd.Start()
	var hwm *hwmSampler
	if err == nil {
		hwm = sampleHWM(cmd.Process.Pid)
		err = cmd.Wait()
	}
	_ = procgroup.Kill(cmd) // anything it left behind
	sampled := hwm.finish()
	e := exited{stdout: stdout.Bytes(), stderr: stderr.String(), code: -1, wall: time.Since(began)}
	if cmd.ProcessState != nil {
		e.code = cmd.ProcessState.ExitCode()
		e.rss = ownPeak(peakRSS(cmd.ProcessState.SysUsage()), sampled)
	}
	switch {
	case ctx.Err() != nil:
		return e, ctx.Err()
	case runCtx.Err() != nil:
		return e, fmt.Errorf("killed after %v: %w", c.limit, errDeadline)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return e, err
	}
	return e, nil
}

// peakRSS reads ru_maxrss from a finished process's rusage: KiB on Linux,
// bytes on macOS.
func peakRSS(usage any) uint64 {
	ru, ok := usage.(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return uint64(ru.Maxrss)
	}
	return uint64(ru.Maxrss) * 1024
}

// hwmSampler reads a running child's VmHWM, the peak resident memory of
// its own image, from /proc every hwmEvery (Linux only), together with the
// bench's own VmHWM once the child has started.
//
// It is needed because ru_maxrss is not the child's alone. Go starts a
// child with vfork: until its exec, the child runs in the bench's memory,
// and Linux keeps that memory's peak in the child's ru_maxrss. A child
// smaller than the bench was reported as big as the bench: /bin/true
// started from a process holding 50 MiB reports 53 MiB.
type hwmSampler struct {
	self uint64 // the bench's VmHWM after the child's exec, bytes
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

// hwmEvery is how often a child's VmHWM is read. VmHWM only grows, so a
// sample taken after the peak still says it; only what a child gains in
// its last hwmEvery is missed.
const hwmEvery = 5 * time.Millisecond

// sampleHWM starts sampling process pid's VmHWM; nil where /proc has no
// VmHWM (not Linux).
func sampleHWM(pid int) *hwmSampler {
	self, ok := readHWM("self")
	if !ok {
		return nil
	}
	h := &hwmSampler{self: self, stop: make(chan struct{}), done: make(chan struct{})}
	path := strconv.Itoa(pid)
	go func() {
		defer close(h.done)
		tick := time.NewTicker(hwmEvery)
		defer tick.Stop()
		for {
			if v, ok := readHWM(path); ok && v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// hwmSamples is what a sampler saw: the bench's own VmHWM and the
// child's highest, in bytes; zero where there was none.
type hwmSamples struct{ self, child uint64 }

// finish stops the sampling and returns what it saw; a nil sampler saw
// nothing.
func (h *hwmSampler) finish() hwmSamples {
	if h == nil {
		return hwmSamples{}
	}
	close(h.stop)
	<-h.done
	return hwmSamples{self: h.self, child: h.peak.Load()}
}

// ownPeak is a child's peak RSS: rusage, its ru_maxrss, when it is above
// the bench's own peak (then it can only be the child's); otherwise the
// highest VmHWM sampled, since the rusage figure may be the bench's.
// Without samples (not Linux, or a child gone before the first), rusage.
func ownPeak(rusage uint64, s hwmSamples) uint64 {
	if s.child > 0 && rusage <= s.self {
		return s.child
	}
	return rusage
}

// readHWM reads the VmHWM line of /proc/<pid>/status ("VmHWM:  1234
// kB"), in bytes; false when there is none (not Linux, a process gone or
// a zombie).
func readHWM(pid string) (uint64, bool) {
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err == nil && kb > 0
		}
	}
	return 0, false
}

// failure describes a run that went wrong in one line: the error, or the
// exit code and the last line of stderr.
func (e exited) failure(err error) string {
	if err != nil {
		return err.Error()
	}
	msg := fmt.Sprintf("exit code %d", e.code)
	if last := lastLine(e.stderr); last != "" {
		msg += ": " + last
	}
	return msg
}

// lastLine is the last non-empty line of s, cut to 200 bytes.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	return line
}

// cappedBuffer keeps the first limit bytes written to it and drops the
// rest. exec copies into it from one goroutine; Bytes is read after Wait.
type cappedBuffer struct {
	buf   bytes.Buffer
	limit int
}

// Write keeps what fits and always reports success, so the child never
// blocks or fails on a full pipe.
func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Bytes is everything kept.
func (b *cappedBuffer) Bytes() []byte { return b.buf.Bytes() }

// tailBuffer keeps the last limit bytes written to it.
type tailBuffer struct {
	mu    sync.Mutex
	buf   []byte
	limit int
}

// Write appends p and drops what is older than the last limit bytes.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.limit; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// String is the bytes kept.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
