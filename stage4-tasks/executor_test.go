package main

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunInExecutor(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func() (int, error)
		want    int
		wantErr string
	}{
		{"brings the result of a blocking call back to the loop", func() (int, error) {
			time.Sleep(50 * time.Millisecond)
			return 42, nil
		}, 42, ""},
		{"brings its error back", func() (int, error) { return 0, boom }, 0, "boom"},
		{"turns a panic into the future's error", func() (int, error) { panic("disk on fire") }, 0, "panic: disk on fire"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			f := RunInExecutor(loop.EventLoop, "work", tc.fn)
			require.NoError(t, loop.Run(), "Run waits for the result: no deadlock")
			v, err := f.Result()
			if tc.wantErr != "" {
				assert.EqualError(t, err, tc.wantErr)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tc.want, v)
			assert.Zero(t, loop.external, "nothing left off the loop")
		})
	}
}

func TestTheLoopStaysResponsiveWhileBlockingWorkRunsInTheExecutor(t *testing.T) {
	loop := newTestLoop(t)
	ticks := 0
	var tick func()
	tick = func() {
		ticks++
		if loop.external > 0 {
			loop.CallLater(10*time.Millisecond, tick)
		}
	}
	NewTask(loop.EventLoop, "offloads", func(y Yield) (string, error) {
		f := RunInExecutor(loop.EventLoop, "sleep 200ms", func() (string, error) {
			time.Sleep(200 * time.Millisecond)
			return "done", nil
		})
		loop.CallSoon(tick)
		return Await(y, f)
	})
	require.NoError(t, loop.Run(), "Run")
	assert.Greater(t, ticks, 5, "timers kept firing while the blocking call ran (10ms apart over 200ms)")
}

func TestARunInExecutorFutureCancelledDropsTheLateResult(t *testing.T) {
	loop := newTestLoop(t)
	release := make(chan struct{})
	f := RunInExecutor(loop.EventLoop, "slow", func() (int, error) { <-release; return 1, nil })
	f.Cancel()
	close(release)
	require.NoError(t, loop.Run(), "Run waits for the goroutine even so")
	assert.True(t, f.Cancelled(), "still cancelled")
	assert.Zero(t, loop.external)
}
