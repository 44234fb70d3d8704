//go:build stackdepth

// The stack-depth guard, kept out of the usual test run: it measures how
// deep a request's calls go, which is not what an exercise is judged on
// (a correct Await with a debug print in it would fail it), and a race or
// debugger build changes the depth. CI runs it on its own:
//
//	go test -count=1 -tags stackdepth -run TestARequestKeepsTheStackItsCoroutineStartsWith ./stage4-tasks

package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

// TestARequestKeepsTheStackItsCoroutineStartsWith guards the peak memory
// of a big run (docs/performance.md, "Keeping each coroutine in its first
// 2 KiB"): a coroutine starts with a 2 KiB stack, and a call chain deeper
// than its first 1,120 bytes makes the runtime copy it into one twice the
// size, kept while the request lives. A stack that grew was copied, so
// each request notes where a variable of its own lies before fetch and
// after. A few move whatever we do (an allocation that needs a new span
// takes a deeper path): 8 to 14 of 100. With the fmt.Errorf of both ctl
// and watch back in their frames, all 100 of a big run moved.
func TestARequestKeepsTheStackItsCoroutineStartsWith(t *testing.T) {
	if why := depthChangedBy(); why != "" {
		t.Skipf("built with %s, which changes how deep a call goes; the guard measures a plain build", why)
	}
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 20 * time.Millisecond})
	server := resolveForTest(t, srv.Addr())
	const requests = 100
	for _, n := range []int{smallRun, bigRun} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			loop := newTestLoop(t)
			loop.trace = nil // as in a run without -trace: writing a trace takes deeper calls
			run := &stagecli.Run{N: n, Server: server, Timeout: time.Minute}
			moved := 0
			for req := 1; req <= requests; req++ {
				// About the frames of newRequest's task: its body, then fetch.
				NewTask(loop.EventLoop, "request", func(co Coro) (string, error) {
					var mark byte
					before := uintptr(unsafe.Pointer(&mark))
					reply, err := fetch(co, loop.EventLoop, run, req)
					if uintptr(unsafe.Pointer(&mark)) != before {
						moved++
					}
					if err == nil && reply == "" {
						err = errors.New("empty reply")
					}
					return reply, err
				})
			}
			require.NoError(t, loop.Run(), "Run")
			assert.Less(t, moved, requests/2,
				"of %d requests, this many had their coroutine's stack grown (copied); find the call that grows it with the probe in docs/performance.md, \"Keeping each coroutine in its first 2 KiB\"", requests)
		})
	}
}

// depthChangedBy names the build setting that makes stacks deeper or
// their guard bigger, or is "": -race doubles the runtime's stack guard,
// and -gcflags -N (what debuggers build with) turns optimisation off.
func depthChangedBy() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "-race" && s.Value == "true":
			return "-race"
		case s.Key == "-gcflags" && strings.Contains(s.Value, "-N"):
			return "-gcflags " + s.Value
		}
	}
	return ""
}
