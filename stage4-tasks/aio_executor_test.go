package main

import (
	"errors"
	"sync/atomic"
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
		})
	}
}

func TestTheLoopStaysResponsiveWhileBlockingWorkRunsInTheExecutor(t *testing.T) {
	loop := newTestLoop(t)
	const want = 5
	ticked := make(chan struct{}) // closed by the loop's fifth tick
	ticks := 0
	var tick func()
	tick = func() {
		if ticks++; ticks == want {
			close(ticked)
			return
		}
		loop.CallLater(time.Millisecond, tick)
	}
	f := RunInExecutor(loop.EventLoop, "blocks until the loop ticked", func() (struct{}, error) {
		// Blocks until the loop has ticked five times: it can only
		// return if the loop kept running timers meanwhile.
		select {
		case <-ticked:
			return struct{}{}, nil
		case <-time.After(10 * time.Second): // a hang guard, not a timing
			return struct{}{}, errors.New("the loop did not tick while the blocking call ran")
		}
	})
	loop.CallSoon(tick)
	require.NoError(t, loop.Run(), "Run")
	_, err := f.Result()
	assert.NoError(t, err, "timers fired while the blocking call ran")
}

func TestARunInExecutorFutureCancelledDropsTheLateResult(t *testing.T) {
	loop := newTestLoop(t)
	release := make(chan struct{})
	var finished atomic.Bool
	f := RunInExecutor(loop.EventLoop, "slow", func() (int, error) {
		<-release
		finished.Store(true)
		return 1, nil
	})
	f.Cancel()
	loop.CallSoon(func() { close(release) }) // once the loop runs, with nothing else to do
	require.NoError(t, loop.Run(), "Run")
	assert.True(t, finished.Load(), "Run waited for the blocking call even so")
	assert.True(t, f.Cancelled(), "still cancelled")
}

func TestCallSoonThreadsafeWakesALoopAsleepInTheSelector(t *testing.T) {
	loop := newTestLoop(t)
	f := NewFuture[string](loop, "from another goroutine")
	posted := make(chan bool, 1)
	go func() {
		time.Sleep(50 * time.Millisecond) // the loop is asleep by now: nothing else can wake it
		posted <- loop.CallSoonThreadsafe(func() { f.SetResult("hello") })
	}()
	require.NoError(t, loop.RunUntilComplete(f), "RunUntilComplete")
	assert.True(t, <-posted, "CallSoonThreadsafe accepted the callback")
	v, err := f.Result()
	require.NoError(t, err)
	assert.Equal(t, "hello", v)
	events := loop.traceEvents(t)
	assert.Contains(t, waitTimeouts(events), int64(-1), "the loop slept without a timeout")

	require.NoError(t, loop.Close(), "Close")
	assert.False(t, loop.CallSoonThreadsafe(func() {}), "a closed loop refuses callbacks")
}

func TestManyGoroutinesCanCallSoonThreadsafeAtOnce(t *testing.T) {
	loop := newTestLoop(t)
	const n = 100
	all := NewFuture[struct{}](loop, "all posted")
	got := 0
	for range n {
		go loop.CallSoonThreadsafe(func() {
			got++
			if got == n {
				all.SetResult(struct{}{})
			}
		})
	}
	require.NoError(t, loop.RunUntilComplete(all), "RunUntilComplete")
	assert.Equal(t, n, got)
}
