// This file runs a stage's tests, the judge of every exercise, and reads
// their verdict back in plain words.

package exercise

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/loopfromscratch/loop/internal/procgroup"
)

// Limit is how long a stage's tests may take before Check gives up on
// them. Every stage test that runs a loop has its own, shorter deadline;
// this one catches code that never returns at all.
const Limit = 60 * time.Second

// A Verdict is what a stage's tests said.
type Verdict int

const (
	// Pass: every test of the stage passed.
	Pass Verdict = iota
	// Fail: a test failed (or the test binary crashed).
	Fail
	// BuildFailed: the stage does not compile (or go vet refused it).
	BuildFailed
	// NoVerdict: the tests ran past the limit and were killed.
	NoVerdict
)

// String names the verdict in a word or two.
func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case BuildFailed:
		return "does not compile"
	case NoVerdict:
		return "no verdict"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// NoVerdictMessage is the Message of a NoVerdict result.
func NoVerdictMessage(limit time.Duration) string {
	return fmt.Sprintf("no verdict after %s — your code never returned: often a future never resolved or an fd never unregistered", limit.Round(time.Second))
}

// A Result is the verdict of one run of a stage's tests.
type Result struct {
	Exercise string // the exercise checked; "" for a stage checked on its own
	Stage    string // "stage1-callbacks"
	Verdict  Verdict
	// Test is the first failing test, "TestStage/reports_a_refused_connection"
	// (Fail only; "" when the binary failed outside any test).
	Test string
	// Message says what went wrong in a few plain lines: the failing
	// test's message, the compiler's errors, or why there is no verdict.
	// For Pass it says so.
	Message string
	// Output is everything go test printed, as text.
	Output  string
	Elapsed time.Duration
}

// String is the verdict as the tutor's plain output prints it.
func (r Result) String() string {
	head := r.Stage
	if r.Exercise != "" {
		head = r.Exercise + " (" + r.Stage + ")"
	}
	switch r.Verdict {
	case Pass:
		return fmt.Sprintf("%s: pass — %s", head, r.Message)
	case Fail:
		if r.Test != "" {
			return fmt.Sprintf("%s: fail — %s\n%s", head, r.Test, indent(r.Message))
		}
		return fmt.Sprintf("%s: fail\n%s", head, indent(r.Message))
	case BuildFailed:
		return fmt.Sprintf("%s: does not compile\n%s", head, indent(r.Message))
	}
	return fmt.Sprintf("%s: %s", head, r.Message)
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// RunStage runs `go test -count=1 -failfast -json ./STAGE` in root, the repository
// root, in a process group of its own, and reads the verdict. After limit
// (or when ctx ends) the whole group is killed: the go command, the
// compiler, the test binary and anything it started. err is for a test
// run that could not start, or was cancelled by ctx; a test that failed
// is a Result.
func RunStage(ctx context.Context, root, stage string, limit time.Duration) (Result, error) {
	r := Result{Stage: stage}
	runCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(runCtx, "go", "test", "-count=1", "-failfast", "-json", "./"+stage)
	cmd.Dir = root
	procgroup.Own(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return r, err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("go test: %w", err)
	}
	rd := newReading()
	rd.read(stdout)
	err = cmd.Wait()
	_ = procgroup.Kill(cmd) // anything the tests started and left behind
	r.Elapsed = time.Since(began)
	r.Output = rd.out.String() + stderr.String()
	switch {
	case ctx.Err() != nil:
		return r, ctx.Err()
	case runCtx.Err() != nil:
		r.Verdict, r.Message = NoVerdict, NoVerdictMessage(limit)
		if running := rd.running(); running != "" {
			r.Test = running
			r.Message += "\n(still running: " + running + ")"
		}
		return r, nil
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return r, fmt.Errorf("go test: %w", err)
	}
	switch {
	case err == nil:
		r.Verdict, r.Message = Pass, "every test of "+stage+" passes"
	case rd.build.Len() > 0 || rd.failedBuild:
		r.Verdict = BuildFailed
		r.Message = firstLines(compileErrors(rd.build.String()+stderr.String()), 12)
	default:
		r.Verdict = Fail
		r.Test = rd.firstFail
		if r.Test == "" {
			r.Test = rd.running()
		}
		// A panic is often printed outside the test that caused it (the
		// binary dies): when the test's own lines say nothing, or a stub
		// panicked anywhere, the whole output speaks.
		all := rd.out.String() + stderr.String()
		r.Message = plainWords(rd.tests[r.Test])
		if r.Message == "" || (!strings.Contains(r.Message, "is not written yet") && strings.Contains(all, "is not written yet")) {
			r.Message = plainWords(all)
		}
	}
	return r, nil
}

// reading collects the events of go test -json.
type reading struct {
	out         strings.Builder   // every output line
	build       strings.Builder   // the compiler's and vet's output
	failedBuild bool              // a package failed to build
	tests       map[string]string // test → its output
	started     []string          // tests that started, in order
	ended       map[string]bool
	firstFail   string
}

func newReading() *reading {
	return &reading{tests: map[string]string{}, ended: map[string]bool{}}
}

// event is one line of go test -json (test2json's TestEvent, plus the
// build events of the go command).
type event struct {
	Action      string
	Test        string
	Output      string
	FailedBuild string
}

func (rd *reading) read(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var e event
			if json.Unmarshal(line, &e) != nil {
				rd.out.Write(line) // not an event: keep it as text
			} else {
				rd.add(e)
			}
		}
		if err != nil {
			return
		}
	}
}

func (rd *reading) add(e event) {
	switch e.Action {
	case "build-output":
		rd.build.WriteString(e.Output)
		rd.out.WriteString(e.Output)
	case "build-fail":
		rd.failedBuild = true
	case "run":
		rd.started = append(rd.started, e.Test)
	case "output":
		rd.out.WriteString(e.Output)
		if e.Test != "" {
			rd.tests[e.Test] += e.Output
		}
	case "pass", "skip":
		rd.ended[e.Test] = true
	case "fail":
		if e.FailedBuild != "" {
			rd.failedBuild = true
		}
		rd.ended[e.Test] = true
		if e.Test != "" && rd.firstFail == "" {
			rd.firstFail = e.Test
		}
	}
}

// running is the last test that started and never ended: the one a crash
// or a hang happened in.
func (rd *reading) running() string {
	for i := len(rd.started) - 1; i >= 0; i-- {
		if !rd.ended[rd.started[i]] {
			return rd.started[i]
		}
	}
	return ""
}

// compileErrors keeps the lines that say what is wrong, without the go
// command's "# package" headers.
func compileErrors(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "# ") || strings.HasPrefix(t, "FAIL") {
			continue
		}
		keep = append(keep, t)
	}
	return strings.Join(keep, "\n")
}

// plainWords turns a failing test's output into a few lines a learner can
// read: the stub's own panic message if there is one; else testify's
// Error and Messages; else the first lines, without the test framework's
// own lines and without goroutine dumps.
func plainWords(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "goroutine ") && strings.HasSuffix(t, ":") {
			break // a stack dump follows: not plain words
		}
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") ||
			t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "exit status") {
			continue
		}
		lines = append(lines, t)
	}
	for _, l := range lines {
		if m := stubPanic.FindString(l); m != "" {
			return m
		}
	}
	var said []string
	for i, l := range lines {
		for _, key := range []string{"Error:", "Messages:"} {
			if strings.HasPrefix(l, key) {
				said = append(said, strings.TrimSpace(strings.TrimPrefix(l, key)))
				// testify continues a message on the lines that follow,
				// up to the next key.
				for _, next := range lines[i+1:] {
					if strings.HasSuffix(strings.SplitN(next, " ", 2)[0], ":") && strings.Contains(next, ":\t") ||
						strings.HasPrefix(next, "Error") || strings.HasPrefix(next, "Test:") || strings.HasPrefix(next, "Messages:") {
						break
					}
					said = append(said, next)
				}
			}
		}
	}
	if len(said) > 0 {
		return firstLines(strings.Join(said, "\n"), 12)
	}
	return firstLines(strings.Join(lines, "\n"), 12)
}

// stubPanic is a stub's panic message (see NotWritten) in a line of output.
var stubPanic = regexp.MustCompile(`exercise \S+ is not written yet — go run \./tutor exercise hint \S+`)

// firstLines keeps at most n lines of s.
func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}
