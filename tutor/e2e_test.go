// These tests build and run real stages of the repository: the run
// subcommand end to end, the command line, stopping a stage and its process
// group, readable build errors, and what the tutor cleans up.

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
)

// repoStage finds a real stage of this repository, or skips.
func repoStage(t *testing.T, num string) (env, stage) {
	t.Helper()
	e, err := loadEnv()
	require.NoError(t, err, "find the repository from the test's folder")
	s, err := findStage(e.Stages, num)
	if err != nil {
		t.Skipf("stage %s not in the repository yet: %v", num, err)
	}
	return e, s
}

func TestRunOneEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a stage")
	}
	repoStage(t, "1")
	svg := filepath.Join(t.TempDir(), "run.svg")
	var stdout, stderr bytes.Buffer
	code := tutorMain([]string{"run", "1", "-delay", "300ms", "-svg", svg}, &stdout, &stderr)
	out := stdout.String()
	require.Equal(t, exitOK, code, "tutor run 1: stdout:\n%s\nstderr:\n%s", out, stderr.String())
	assert.Contains(t, out, "10 requests, all answered")
	assert.Contains(t, out, "Order answered:")
	// On a busy machine row 10 may start a column or more late (blank),
	// its connect may last a column or not, and its answer may come before
	// the last one (blank after it).
	assert.Regexp(t, `(?m)^  10 \| *\.*>-*\* +\d+\.\d\ds$`, out, "row 10 drawn: blank until its socket, connecting, sent, waiting, answered")
	assert.NotContains(t, out, "\x1b", "no escape codes in plain output")
	b, err := os.ReadFile(svg)
	require.NoError(t, err, "the -svg file")
	assert.Contains(t, string(b), "stage1-callbacks: 10 requests")
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{name: "help lists the subcommands", args: []string{"-help"}, code: exitOK, err: "tutor run STAGE"},
		{name: "an unknown subcommand is bad usage", args: []string{"frobnicate"}, code: exitUsage, err: `unknown command "frobnicate"`},
		{name: "an unknown stage lists the stages found", args: []string{"run", "99"}, code: exitUsage, err: "the stages are: 1 (stage1-callbacks)"},
		{name: "run without a stage is bad usage", args: []string{"run"}, code: exitUsage, err: "which stage?"},
		{name: "a negative delay is bad usage", args: []string{"-delay", "-1s"}, code: exitUsage, err: "cannot be negative"},
		{name: "without a terminal the tutor prints a walkthrough", args: nil, code: exitOK, out: "go run ./tutor run 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := tutorMain(tt.args, &stdout, &stderr)
			assert.Equal(t, tt.code, code, "tutor %v: %s", tt.args, stderr.String())
			assert.Contains(t, stdout.String(), tt.out)
			assert.Contains(t, stderr.String(), tt.err)
			assert.NotContains(t, stdout.String(), "\x1b")
		})
	}
}

func TestStopKillsTheStage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a stage")
	}
	e, s := repoStage(t, "1")
	bin, err := buildStage(context.Background(), e.Root, t.TempDir(), s)
	require.NoError(t, err, "build %s", s.Dir)
	srv, err := slowserver.Start(slowserver.Config{Addr: "127.0.0.1:0", Delay: time.Minute})
	require.NoError(t, err)
	defer srv.Close()

	p, err := startStage(bin, srv.Addr(), 3)
	require.NoError(t, err, "start %s", s.Dir)
	eventually(t, time.Minute, func() bool { return srv.Stats().InFlight == 3 }, "the stage never had its 3 requests in flight")
	began := time.Now()
	p.Stop()
	assert.Less(t, time.Since(began), 30*time.Second, "Stop does not wait for the replies, a minute away")
	assert.ErrorIs(t, syscall.Kill(-p.cmd.Process.Pid, 0), syscall.ESRCH, "no process of the group is left")
	code, _ := p.ExitCode()
	assert.Equal(t, -1, code, "killed by a signal")
}

func TestBuildErrorIsReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/x\n\ngo 1.26\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "stage1-broken"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "stage1-broken", "main.go"), []byte("package main\n\nfunc main() {\n\tx :=\n}\n"), 0o644))
	_, err := buildStage(context.Background(), root, t.TempDir(), stage{Num: 1, Dir: "stage1-broken"})
	var be *buildError
	require.ErrorAs(t, err, &be)
	assert.Contains(t, be.Output, "main.go:5")
	assert.Contains(t, be.Output, "syntax error")
}

func TestCancelledBuildLeavesNothingOutsideItsFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	e, s := repoStage(t, "1")
	t.Setenv("GOCACHE", t.TempDir()) // a cold cache: the build is still compiling when cancelled
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	built := make(chan error, 1)
	go func() {
		_, err := buildStage(ctx, e.Root, dir, s)
		built <- err
	}()
	work := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, "gotmp", "go-build*"))
		return m
	}
	for deadline := time.Now().Add(time.Minute); len(work()) == 0; {
		require.True(t, time.Now().Before(deadline), "go build never made its work folder in %s", dir)
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-built:
		assert.ErrorIs(t, err, context.Canceled, "a cancelled build says so")
	case <-time.After(time.Minute):
		t.Fatal("the cancelled build did not return")
	}
	assert.NotEmpty(t, work(), "the killed go command's work folder is inside the build folder, removed with it")
}

// sleeper writes a stand-in stage binary that ignores its flags and sleeps.
func sleeper(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sleeper")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755))
	return bin
}

func TestProcs(t *testing.T) {
	t.Run("a stage started while the tutor exits is stopped at once", func(t *testing.T) {
		ps := &procs{}
		ps.StopAll()
		msg := startStageCmd(1, sleeper(t), "127.0.0.1:1", 1, ps)()
		failed, ok := msg.(startFailedMsg)
		require.True(t, ok, "start after StopAll: got %T", msg)
		assert.ErrorIs(t, failed.Err, errExiting)
		assert.False(t, ps.begin(), "nothing new begins after StopAll")
	})
	t.Run("StopAll stops a registered stage and its group", func(t *testing.T) {
		ps := &procs{}
		msg := startStageCmd(1, sleeper(t), "127.0.0.1:1", 1, ps)()
		started, ok := msg.(stageStartedMsg)
		require.True(t, ok, "start: got %v", msg)
		ps.StopAll()
		assert.ErrorIs(t, syscall.Kill(-started.Proc.cmd.Process.Pid, 0), syscall.ESRCH, "no process of the group is left")
	})
	t.Run("a stopped stage is forgotten", func(t *testing.T) {
		ps := &procs{}
		started := startStageCmd(1, sleeper(t), "127.0.0.1:1", 1, ps)().(stageStartedMsg)
		stopStageCmd(1, started.Proc, ps)()
		assert.Empty(t, ps.set)
	})
}

// liveMembers lists the processes of group pgid that are not zombies: a
// compiler killed with go build is dead at once, but its exit status waits
// for init to collect it, and kill(-pgid, 0) still counts it meanwhile.
// Without /proc it falls back on kill(2).
func liveMembers(pgid int) []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	if len(stats) == 0 {
		if errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH) {
			return nil
		}
		return []string{"group " + strconv.Itoa(pgid)}
	}
	var live []string
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // it has just exited
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		fields := strings.Fields(string(b[i+1:]))
		if i < 0 || len(fields) < 3 || fields[2] != strconv.Itoa(pgid) || fields[0] == "Z" {
			continue
		}
		live = append(live, string(b[:i+1]))
	}
	return live
}

// runCmd runs a command as Bubble Tea would, batches concurrently, and
// sends what it returns to msgs; wg counts the goroutines.
func runCmd(cmd tea.Cmd, msgs chan<- tea.Msg, wg *sync.WaitGroup) {
	if cmd == nil {
		return
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				runCmd(c, msgs, wg)
			}
			return
		}
		msgs <- msg
	}()
}

func TestCancellingABuildKillsItsProcessGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	e, s := repoStage(t, "1")
	t.Setenv("GOCACHE", t.TempDir()) // a cold cache: each build is still compiling when cancelled
	binDir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ps := &procs{}
	msgs := make(chan tea.Msg, 100)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		ps.StopAll()
		wg.Wait()
	}()
	m := newModel(config{Env: env{Root: e.Root, Stages: []stage{s}}, Opts: options{Delay: time.Second, N: 10},
		ServerAddr: "127.0.0.1:1", BinDir: binDir, Ctx: ctx, Procs: ps, Docs: testBook})

	// started waits until the run's go build is running and returns its
	// process group.
	started := func(m model) int {
		t.Helper()
		require.NotNil(t, m.run.build, "the run has a build")
		eventually(t, time.Minute, func() bool { return m.run.build.Pid() != 0 }, "go build never started")
		return m.run.build.Pid()
	}
	gone := func(pgid int) bool { return len(liveMembers(pgid)) == 0 }

	t.Run("r then Ctrl-C five times leaves no build running", func(t *testing.T) {
		for i := range 5 {
			var cmd tea.Cmd
			m, cmd = update(t, m, runChosenMsg{Stage: 0})
			runCmd(cmd, msgs, &wg)
			pgid := started(m)
			require.False(t, gone(pgid), "round %d: the build's process group exists", i+1)

			m, cmd = update(t, m, keyMsg("ctrl+c"))
			require.Equal(t, runCancelling, m.run.state, "round %d: Ctrl-C during the build", i+1)
			msg := msgOf(t, cmd) // returns once the group is gone
			assert.True(t, gone(pgid), "round %d: no process of go build's group %d is left: %v", i+1, pgid, liveMembers(pgid))
			m, _ = update(t, m, msg)
			assert.Equal(t, runCancelled, m.run.state, "round %d", i+1)
			assert.NotContains(t, m.View(), "0.00s", "round %d: a cancelled build is not a run of 0.00s", i+1)
		}
		assert.Empty(t, processesMentioning(binDir), "no go build writes into the build folder")
	})

	t.Run("a new run cancels the build under way before building", func(t *testing.T) {
		var cmd tea.Cmd
		m, cmd = update(t, m, runChosenMsg{Stage: 0})
		runCmd(cmd, msgs, &wg)
		first := started(m)

		m, cmd = update(t, m, runChosenMsg{Stage: 0})
		runCmd(cmd, msgs, &wg)
		second := started(m)
		assert.NotEqual(t, first, second)
		assert.True(t, gone(first), "the first build's group %d was gone before the second started", first)
	})
}
