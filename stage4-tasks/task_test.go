package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagetest"
	"github.com/loopfromscratch/loop/internal/trace"
)

func TestATaskStepsItsCoroutineFromAwaitToAwait(t *testing.T) {
	tests := []struct {
		name         string
		sleeps       int // awaits of a pending future
		doneAwaits   int // awaits of a future that is done already
		wantSteps    int // task_step events
		wantSuspends int // task_suspend events
	}{
		{"a coroutine that never awaits finishes in one step", 0, 0, 1, 0},
		{"each await of a pending future is one suspension and one more step", 3, 0, 4, 3},
		{"awaiting a future that is done already does not suspend", 0, 2, 1, 0},
		{"done and pending awaits mix", 2, 3, 3, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			task := NewTask(loop.EventLoop, "counter", func(co Coro) (int, error) {
				total := 0
				for range tc.sleeps {
					if _, err := Await(co, loop.Sleep(time.Millisecond)); err != nil {
						return 0, err
					}
					total++
				}
				for i := range tc.doneAwaits {
					f := NewFuture[int](loop, "ready")
					f.SetResult(i)
					if _, err := Await(co, f); err != nil {
						return 0, err
					}
					total++
				}
				return total, nil
			})
			require.NoError(t, loop.RunUntilComplete(task), "RunUntilComplete")
			got, err := task.Result()
			require.NoError(t, err, "the task's result")
			assert.Equal(t, tc.sleeps+tc.doneAwaits, got, "every await returned")

			events := loop.traceEvents(t)
			assert.Equal(t, tc.wantSteps, count(events, trace.TaskStep, nil), "task_step events")
			assert.Equal(t, tc.wantSuspends, count(events, trace.TaskSuspend, nil), "task_suspend events")
			assert.Equal(t, 1, count(events, trace.TaskNew, nil), "task_new events")
			assert.Equal(t, 1, count(events, trace.TaskDone, nil), "task_done events")
		})
	}
}

func TestAStepCalledWhileItsFutureIsPendingDoesNothing(t *testing.T) {
	loop := newTestLoop(t)
	wake := NewFuture[int](loop, "wake")
	task := NewTask(loop.EventLoop, "waiter", func(co Coro) (int, error) {
		return Await(co, wake)
	})
	loop.runReady() // the first step: suspended on wake
	require.Equal(t, "suspended", task.State().String(), "suspended on a pending future")
	task.Step() // a stray call: nothing it waits for is done
	assert.Equal(t, "suspended", task.State().String(), "a Step while the future it awaits is pending must do nothing: resumed, the coroutine would find no result to return")
	wake.SetResult(7)
	require.NoError(t, loop.RunUntilComplete(task), "RunUntilComplete")
	got, err := task.Result()
	require.NoError(t, err, "the task's result")
	assert.Equal(t, 7, got, "resumed once wake was done, with its result")
}

func TestAwaitReturnsTheErrorOfWhatItAwaits(t *testing.T) {
	loop := newTestLoop(t)
	boom := errors.New("boom")
	inner := NewTask(loop.EventLoop, "inner", func(co Coro) (int, error) {
		_, _ = Await(co, loop.Sleep(time.Millisecond))
		return 0, boom
	})
	outer := NewTask(loop.EventLoop, "outer", func(co Coro) (string, error) {
		_, err := Await(co, inner)
		if err != nil {
			return "", fmt.Errorf("outer: %w", err)
		}
		return "unreachable", nil
	})
	require.NoError(t, loop.Run(), "Run")
	_, err := outer.Result()
	assert.ErrorIs(t, err, boom, "the inner task's error flows out through the outer task")
	assert.EqualError(t, err, "outer: boom")
}

func TestCancellingATask(t *testing.T) {
	t.Run("the coroutine sees ErrCancelled at its await and can clean up", func(t *testing.T) {
		loop := newTestLoop(t)
		cleaned := false
		task := NewTask(loop.EventLoop, "sleeper", func(co Coro) (int, error) {
			defer func() { cleaned = true }()
			_, err := Await(co, loop.Sleep(time.Hour))
			return 0, err
		})
		loop.CallLater(5*time.Millisecond, func() { assert.True(t, task.Cancel(), "Cancel") })
		require.NoError(t, loop.Run(), "Run ends: the cancelled sleep's timer is gone too")
		_, err := task.Result()
		assert.ErrorIs(t, err, ErrCancelled)
		assert.True(t, task.Cancelled(), "Cancelled")
		assert.True(t, cleaned, "the coroutine ran its deferred cleanup")
		assert.False(t, task.Cancel(), "a done task cannot be cancelled")
	})

	t.Run("a task cancelled before its first step never runs", func(t *testing.T) {
		loop := newTestLoop(t)
		ran := false
		task := NewTask(loop.EventLoop, "never", func(co Coro) (int, error) { ran = true; return 1, nil })
		task.Cancel()
		require.NoError(t, loop.Run(), "Run")
		assert.False(t, ran, "the coroutine did not run")
		_, err := task.Result()
		assert.ErrorIs(t, err, ErrCancelled)
	})

	t.Run("cancelling a task cancels the task it awaits", func(t *testing.T) {
		loop := newTestLoop(t)
		inner := NewTask(loop.EventLoop, "inner", func(co Coro) (int, error) {
			return Await(co, NewFuture[int](loop, "never resolved"))
		})
		outer := NewTask(loop.EventLoop, "outer", func(co Coro) (int, error) { return Await(co, inner) })
		loop.CallLater(time.Millisecond, func() { outer.Cancel() })
		require.NoError(t, loop.Run(), "Run")
		assert.True(t, inner.Cancelled(), "inner cancelled")
		assert.True(t, outer.Cancelled(), "outer cancelled")
	})

	t.Run("a task that cancels itself sees ErrCancelled at its next await, once", func(t *testing.T) {
		loop := newTestLoop(t)
		var task *Task[string]
		task = NewTask(loop.EventLoop, "self", func(co Coro) (string, error) {
			task.Cancel()
			_, first := Await(co, loop.Sleep(time.Millisecond))
			_, second := Await(co, loop.Sleep(time.Millisecond))
			return fmt.Sprintf("%v, %v", first, second), nil
		})
		require.NoError(t, loop.Run(), "Run")
		got, err := task.Result()
		require.NoError(t, err, "the coroutine chose to go on")
		assert.Equal(t, "cancelled, <nil>", got)
	})
}

func TestCancellingARequestAtItsAwaitClosesItsSocket(t *testing.T) {
	// The server answers after the cancel, then closes its side too.
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 500 * time.Millisecond})
	server := resolveForTest(t, srv.Addr())
	loop := newTestLoop(t)
	before := stagetest.OpenFDs(t)

	task := requestTask(loop, server, 1)
	// Cancel once the request waits for its reply.
	loop.CallLater(100*time.Millisecond, func() { task.Cancel() })
	require.NoError(t, loop.Run(), "Run")

	_, err := task.Result()
	assert.ErrorIs(t, err, ErrCancelled)
	assert.EqualError(t, err, "receive: cancelled", "cancelled at the await in receive")
	events := loop.traceEvents(t)
	assert.Equal(t, 1, count(events, trace.Close, nil), "the socket was closed")
	assert.Equal(t, before, stagetest.WaitForFDs(t, before), "open fds after the cancel")
}

func TestAPanicFailsItsTaskNotTheLoop(t *testing.T) {
	loop := newTestLoop(t)
	bad := NewTask(loop.EventLoop, "bad", func(co Coro) (int, error) {
		_, _ = Await(co, loop.Sleep(time.Millisecond))
		panicDeepInside()
		return 1, nil
	})
	good := NewTask(loop.EventLoop, "good", func(co Coro) (int, error) {
		_, err := Await(co, loop.Sleep(5*time.Millisecond))
		return 2, err
	})
	require.NoError(t, loop.Run(), "Run survives the panic")

	_, err := bad.Result()
	var p *PanicError
	require.ErrorAs(t, err, &p, "the panicking task's error")
	assert.Equal(t, "the coroutine broke", p.Value)
	assert.EqualError(t, err, "panic: the coroutine broke")
	assert.Contains(t, string(p.Stack), "panicDeepInside", "the stack is the coroutine's, where it panicked")

	v, err := good.Result()
	assert.NoError(t, err, "the other task")
	assert.Equal(t, 2, v)
}

func panicDeepInside() { panic("the coroutine broke") }

func TestAFailedTaskWhoseErrorNobodyRetrievedIsReportedAtClose(t *testing.T) {
	tests := []struct {
		name     string
		body     Coroutine[int]
		retrieve bool
		want     string // on stderr; "" for nothing
	}{
		{
			name: "a failed task nobody asked is reported",
			body: func(co Coro) (int, error) { return 0, errors.New("boom") },
			want: "task 1 (doomed) failed and its error was never retrieved: boom\n",
		},
		{
			name:     "a failed task whose Result was read is not",
			body:     func(co Coro) (int, error) { return 0, errors.New("boom") },
			retrieve: true,
		},
		{
			name: "a cancelled task is not",
			body: func(co Coro) (int, error) { return 0, fmt.Errorf("step: %w", ErrCancelled) },
		},
		{
			name: "a panic is reported with its stack",
			body: func(co Coro) (int, error) { panicDeepInside(); return 0, nil },
			want: "task 1 (doomed) failed and its error was never retrieved: panic: the coroutine broke\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			task := NewTask(loop.EventLoop, "doomed", tc.body)
			require.NoError(t, loop.Run(), "Run")
			if tc.retrieve {
				_, _ = task.Result()
			}
			require.NoError(t, loop.Close(), "Close")
			if tc.want == "" {
				assert.Empty(t, loop.stderr.String())
				return
			}
			assert.Contains(t, loop.stderr.String(), tc.want)
		})
	}
}

func TestCloseCancelsTasksStillRunningAndEndsTheirCoroutines(t *testing.T) {
	loop := newTestLoop(t)
	cleaned := 0
	var tasks []*Task[int]
	for i := range 3 {
		tasks = append(tasks, NewTask(loop.EventLoop, fmt.Sprintf("waiter %d", i), func(co Coro) (int, error) {
			defer func() { cleaned++ }()
			return Await(co, NewFuture[int](loop, "never resolved"))
		}))
	}
	stop := loop.Sleep(5 * time.Millisecond)
	require.NoError(t, loop.RunUntilComplete(stop), "RunUntilComplete")
	require.NoError(t, loop.Close(), "Close")
	assert.Equal(t, 3, cleaned, "every coroutine ran its cleanup")
	for _, task := range tasks {
		assert.True(t, task.Cancelled(), "%v cancelled", task)
	}
	// goleak in TestMain checks that no coroutine is left.
}

func TestRunReportsTasksThatWaitForeverAsADeadlock(t *testing.T) {
	loop := newTestLoop(t)
	NewTask(loop.EventLoop, "stuck", func(co Coro) (int, error) {
		return Await(co, NewFuture[int](loop, "never resolved"))
	})
	err := loop.Run()
	assert.EqualError(t, err, "deadlock: 1 task(s) wait for futures nothing will resolve, first task 1 (stuck)")
}

func TestDebugModeNamesAStepThatBlocksTheLoop(t *testing.T) {
	loop := newTestLoop(t)
	loop.Debug = true
	NewTask(loop.EventLoop, "sleepy", func(co Coro) (int, error) {
		time.Sleep(150 * time.Millisecond) // blocking: the mistake debug mode is for
		return 0, nil
	})
	loop.CallSoon(func() {}) // fast: not reported
	require.NoError(t, loop.Run(), "Run")

	assert.Regexp(t, `^debug: task 1 \(sleepy\) step took 0\.\d\ds — something blocked the loop\n$`, loop.stderr.String())
	events := loop.traceEvents(t)
	require.Equal(t, 1, count(events, trace.Slow, nil), "slow events")
	for _, e := range events {
		if e.Ev == trace.Slow {
			assert.Equal(t, "task 1 (sleepy) step", e.Name)
			assert.GreaterOrEqual(t, e.StepUS, int64(150_000))
		}
	}
}

// resolveForTest turns host:port into a socket address.
func resolveForTest(t *testing.T, addr string) *unix.SockaddrInet4 {
	t.Helper()
	var ip [4]byte
	var port int
	_, err := fmt.Sscanf(addr, "%d.%d.%d.%d:%d", &ip[0], &ip[1], &ip[2], &ip[3], &port)
	require.NoError(t, err, "parsing %s", addr)
	return &unix.SockaddrInet4{Addr: ip, Port: port}
}

func TestATaskMovesThroughItsStatesAsTheTableAtTheTopOfTaskGoSays(t *testing.T) {
	const (
		notStarted = "not started"
		running    = "running"
		suspended  = "suspended"
		done       = "done"
	)
	tests := []struct {
		name string
		run  func(loop *testLoop, task *Task[int]) // drives the loop after the task is made
		body func(loop *testLoop) Coroutine[int]
		want []string // from→to of each task_state event
	}{
		{
			name: "runs, suspends at each pending await, runs again, and is done when it returns",
			body: sleepTwice,
			run:  func(loop *testLoop, task *Task[int]) { _ = loop.RunUntilComplete(task) },
			want: []string{
				notStarted + "→" + running, running + "→" + suspended,
				suspended + "→" + running, running + "→" + suspended,
				suspended + "→" + running, running + "→" + done,
			},
		},
		{
			name: "cancelled before its first step, it never runs",
			body: sleepTwice,
			run: func(loop *testLoop, task *Task[int]) {
				task.Cancel()
				_ = loop.RunUntilComplete(task)
			},
			want: []string{notStarted + "→" + done},
		},
		{
			name: "cancelled while suspended, it runs once more to see ErrCancelled and returns",
			body: sleepTwice,
			run: func(loop *testLoop, task *Task[int]) {
				loop.runReady() // the first step: suspended in its first sleep
				task.Cancel()
				_ = loop.RunUntilComplete(task)
			},
			want: []string{notStarted + "→" + running, running + "→" + suspended, suspended + "→" + running, running + "→" + done},
		},
		{
			name: "abandoned at Close after ignoring its cancel, it runs to its end with every await failing",
			body: func(loop *testLoop) Coroutine[int] {
				return func(co Coro) (int, error) {
					_, _ = Await(co, NewFuture[int](loop, "never resolved"))    // ignores Close's Cancel
					_, err := Await(co, NewFuture[int](loop, "never resolved")) // fails at once: the loop is closing
					return 0, err
				}
			},
			run: func(loop *testLoop, task *Task[int]) {
				loop.runReady() // the first step: suspended on a future nobody resolves
				_ = loop.Close()
			},
			want: []string{
				notStarted + "→" + running, running + "→" + suspended,
				suspended + "→" + running, running + "→" + suspended, // Close cancelled it; it awaited again
				suspended + "→" + running, running + "→" + done, // abandoned: run to its end
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			task := NewTask(loop.EventLoop, "sleeper", tc.body(loop))
			assert.Equal(t, TaskNotStarted, task.State(), "a new task")
			tc.run(loop, task)
			assert.Equal(t, TaskDone, task.State(), "at the end")
			assert.True(t, task.Done(), "its future is resolved")

			var got []string
			for _, e := range loop.traceEvents(t) {
				if e.Ev == trace.TaskState {
					got = append(got, e.From+"→"+e.To)
				}
			}
			assert.Equal(t, tc.want, got, "task_state events")
		})
	}
}

// sleepTwice is a coroutine that awaits two short sleeps.
func sleepTwice(loop *testLoop) Coroutine[int] {
	return func(co Coro) (int, error) {
		for i := range 2 {
			if _, err := Await(co, loop.Sleep(time.Millisecond)); err != nil {
				return i, err
			}
		}
		return 2, nil
	}
}

func TestATaskStateMayOnlyMoveAlongTheTable(t *testing.T) {
	tests := []struct {
		name     string
		from, to TaskState
		allowed  bool
	}{
		{"a new task starts running", TaskNotStarted, TaskRunning, true},
		{"a new task cancelled first is done without running", TaskNotStarted, TaskDone, true},
		{"a new task cannot be suspended: it never awaited", TaskNotStarted, TaskSuspended, false},
		{"a running task suspends at an await", TaskRunning, TaskSuspended, true},
		{"a running task is done when its coroutine returns", TaskRunning, TaskDone, true},
		{"a running task cannot start running again", TaskRunning, TaskRunning, false},
		{"a suspended task runs again", TaskSuspended, TaskRunning, true},
		{"a suspended task cannot be done without running to its end", TaskSuspended, TaskDone, false},
		{"a done task stays done", TaskDone, TaskRunning, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			c := &taskCore{loop: loop.EventLoop, id: 1, name: "test", state: tc.from}
			move := func() { c.transition(tc.to) }
			if tc.allowed {
				assert.NotPanics(t, move, "%v → %v", tc.from, tc.to)
				assert.Equal(t, tc.to, c.state, "the state after the move")
				return
			}
			assert.PanicsWithValue(t, fmt.Sprintf("task 1 (test): no transition from %v to %v", tc.from, tc.to), move)
			assert.Equal(t, tc.from, c.state, "a refused move changes nothing")
		})
	}
}

func TestTaskStatesHaveTheNamesTheTraceShows(t *testing.T) {
	names := map[TaskState]string{
		TaskNotStarted: "not started", TaskRunning: "running", TaskSuspended: "suspended", TaskDone: "done",
		TaskState(9): "TaskState(9)",
	}
	for s, want := range names {
		assert.Equal(t, want, s.String())
	}
}
