package main

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagetest"
	"github.com/loopfromscratch/loop/internal/trace"
)

func TestGather(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		fail      int // index of the task that fails, -1 for none
		want      []int
		wantErr   string
		cancelled int // tasks that end cancelled
	}{
		{"returns every result in the order given, not the order of finishing", -1, []int{30, 10, 20}, "", 0},
		{"fails with the first error and cancels the tasks still running", 1, nil, "task 2 (b): boom", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			var errB error
			if tc.fail == 1 {
				errB = boom
			}
			tasks := []*Task[int]{
				sleeper(loop, "a", 30*time.Millisecond, 30, nil),
				sleeper(loop, "b", 10*time.Millisecond, 10, errB),
				sleeper(loop, "c", 20*time.Millisecond, 20, nil),
			}
			all := Gather(loop.EventLoop, tasks...)
			require.NoError(t, loop.Run(), "Run")
			got, err := all.Result()
			if tc.wantErr != "" {
				assert.EqualError(t, err, tc.wantErr, "Gather's error: the first task's error, as soon as that task fails")
				assert.ErrorIs(t, err, boom, "wraps the cause")
			} else {
				require.NoError(t, err, "Gather")
				assert.Equal(t, tc.want, got, "results")
			}
			n := 0
			for _, task := range tasks {
				if task.Cancelled() {
					n++
				}
			}
			assert.Equal(t, tc.cancelled, n, "tasks cancelled: once one task fails, Gather fails at once and cancels the tasks still running")
			assert.Empty(t, loop.stderr.String(), "no error left unretrieved")
		})
	}
}

func TestGatherOfNothingIsDoneAtOnce(t *testing.T) {
	loop := newTestLoop(t)
	all := Gather[int](loop.EventLoop)
	got, err := all.Result()
	assert.NoError(t, err)
	assert.Empty(t, got)
}

func TestCancellingTheTaskThatAwaitsGatherCancelsEveryGatheredTask(t *testing.T) {
	loop := newTestLoop(t)
	tasks := []*Task[int]{sleeper(loop, "a", time.Hour, 1, nil), sleeper(loop, "b", time.Hour, 2, nil)}
	parent := NewTask(loop.EventLoop, "parent", func(co Coro) ([]int, error) {
		return Await(co, Gather(loop.EventLoop, tasks...))
	})
	loop.CallLater(10*time.Millisecond, func() { parent.Cancel() })
	require.NoError(t, loop.Run(), "Run (returns at once: the hour-long sleeps were cancelled)")
	_, err := parent.Result()
	assert.ErrorIs(t, err, ErrCancelled, "parent")
	for _, task := range tasks {
		assert.True(t, task.Cancelled(), "%v cancelled", task)
	}
}

func TestAsCompletedYieldsTasksInTheOrderTheyFinish(t *testing.T) {
	loop := newTestLoop(t)
	tasks := []*Task[string]{
		sleeper(loop, "slow", 30*time.Millisecond, "slow", nil),
		sleeper(loop, "fast", 10*time.Millisecond, "fast", nil),
		sleeper(loop, "middle", 20*time.Millisecond, "middle", nil),
	}
	var order []string
	NewTask(loop.EventLoop, "reader", func(co Coro) (int, error) {
		for task, err := range AsCompleted(co, loop.EventLoop, tasks...) {
			if err != nil {
				return 0, err
			}
			v, _ := task.Result()
			order = append(order, v)
		}
		return len(order), nil
	})
	require.NoError(t, loop.Run(), "Run")
	assert.Equal(t, []string{"fast", "middle", "slow"}, order)
}

func TestAsCompletedStopsWhenItsTaskIsCancelled(t *testing.T) {
	loop := newTestLoop(t)
	tasks := []*Task[int]{sleeper(loop, "a", 10*time.Millisecond, 1, nil), sleeper(loop, "b", 50*time.Millisecond, 2, nil)}
	var got []error
	var reader *Task[int]
	reader = NewTask(loop.EventLoop, "reader", func(co Coro) (int, error) {
		for _, err := range AsCompleted(co, loop.EventLoop, tasks...) {
			got = append(got, err)
			if err == nil {
				// Queued now, so it runs while the reader waits for the
				// next task, before b can finish, however slow the machine.
				loop.CallSoon(func() { reader.Cancel() })
			}
		}
		return 0, nil
	})
	require.NoError(t, loop.Run(), "Run")
	assert.Equal(t, []error{nil, ErrCancelled}, got, "one task, then the cancellation")
	assert.False(t, tasks[1].Cancelled(), "the tasks themselves run on")
}

func TestWaitFor(t *testing.T) {
	tests := []struct {
		name    string
		sleep   time.Duration
		timeout time.Duration
		wantErr error
	}{
		{"returns the result when the task finishes first", 10 * time.Millisecond, time.Second, nil},
		{"cancels the task and says timed out when the deadline comes first", time.Hour, 20 * time.Millisecond, ErrTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			inner := sleeper(loop, "inner", tc.sleep, 7, nil)
			timersLeft := -1
			outer := NewTask(loop.EventLoop, "outer", func(co Coro) (int, error) {
				v, err := WaitFor(co, tc.timeout, inner)
				timersLeft = len(loop.timers) // after Run, none would be left anyway
				return v, err
			})
			require.NoError(t, loop.Run(), "Run")
			v, err := outer.Result()
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
				assert.EqualError(t, err, "timed out after 20ms")
				assert.True(t, inner.Cancelled(), "the awaited task was cancelled")
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, 7, v)
			assert.Zero(t, timersLeft, "the deadline's timer was removed when WaitFor returned")
		})
	}
}

func TestWaitForClosesTheSocketsOfTheRequestsItTimesOut(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 300 * time.Millisecond})
	server := resolveForTest(t, srv.Addr())
	loop := newTestLoop(t)
	before := stagetest.OpenFDs(t)
	var errs []error
	openAtEnd := -1
	for req := 1; req <= 5; req++ {
		NewTask(loop.EventLoop, "waiter", func(co Coro) (string, error) {
			v, err := WaitFor(co, 100*time.Millisecond, requestTask(loop, server, req))
			errs = append(errs, err)
			if len(errs) == 5 {
				// The moment the last WaitFor returns: every socket,
				// its own request's included, must be closed already.
				openAtEnd = len(loop.watches)
			}
			return v, nil
		})
	}
	require.NoError(t, loop.Run(), "Run")
	assert.Len(t, errs, 5)
	for _, err := range errs {
		assert.ErrorIs(t, err, ErrTimeout)
	}
	assert.Zero(t, openAtEnd, "fds still watched when every WaitFor had returned")
	assert.Equal(t, before, stagetest.WaitForFDs(t, before), "open fds after the timeouts")
	assert.True(t, slices.ContainsFunc(loop.traceEvents(t), func(e trace.Event) bool { return e.Ev == trace.Close }), "close events")
}
