package trace

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// name is a fmt.Stringer for the helpers that take one.
type name string

func (n name) String() string { return string(n) }

func TestEachTypedHelperWritesItsKindWithItsFields(t *testing.T) {
	var buf bytes.Buffer
	tr := New(&buf, time.Now())
	boom := errors.New("boom")
	ran := false

	tr.Socket(3, 7)
	tr.Send(3, 7, 9)
	tr.Recv(3, 7, 0)
	tr.Close(3, 7)
	tr.Register(7, name("read"), "on_readable", 3)
	tr.Unregister(7, nil)
	tr.Callback(7, "on_readable", 3)
	tr.Wait(2, -1)
	tr.Wait(2, 1500*time.Microsecond)
	tr.Ready([]int{7}, tr.Now())
	ReadyFDs(tr, []string{"x", "yy"}, func(s string) int { return len(s) }, tr.Now())
	tr.State(3, name("sending"), name("receiving"))
	tr.FutureNew(4, "sent", 3)
	tr.FutureDone(4, "sent", 3, boom)
	tr.FutureCallback(4, "sent", 3, func() { ran = true })()
	tr.TaskNew(5, 3, "request 3")
	tr.TaskState(5, 3, name("running"), name("suspended"))
	tr.TaskStep(5, 3, tr.Now())
	tr.TaskSuspend(5, 3, 4, name("future 4 (sent)"))
	tr.TaskDone(5, 3, "request 3", nil)
	tr.TimerAdd(6, 10*time.Millisecond, 3)
	tr.TimerFire(6)
	tr.Slow("task 5 step", 150*time.Millisecond)
	require.NoError(t, tr.Flush(), "Flush")

	events, err := ReadAll(&buf)
	require.NoError(t, err, "ReadAll")
	for i := range events {
		events[i].TUS, events[i].WaitedUS, events[i].StepUS = 0, 0, 0
	}
	want := []Event{
		{Ev: Socket, Req: 3, FD: 7},
		{Ev: Send, Req: 3, FD: 7, Bytes: 9},
		{Ev: Recv, Req: 3, FD: 7},
		{Ev: Close, Req: 3, FD: 7},
		{Ev: Register, FD: 7, Dir: "read", Name: "on_readable", Req: 3},
		{Ev: Unregister, FD: 7},
		{Ev: Callback, FD: 7, Name: "on_readable", Req: 3},
		{Ev: Wait, FDs: 2, TimeoutUS: -1},
		{Ev: Wait, FDs: 2, TimeoutUS: 1500},
		{Ev: Ready, Ready: []int{7}},
		{Ev: Ready, Ready: []int{1, 2}},
		{Ev: State, Req: 3, From: "sending", To: "receiving"},
		{Ev: FutureNew, Future: 4, Name: "sent", Req: 3},
		{Ev: FutureDone, Future: 4, Name: "sent", Req: 3, Err: "boom"},
		{Ev: FutureCallback, Future: 4, Name: "sent", Req: 3},
		{Ev: TaskNew, Task: 5, Req: 3, Name: "request 3"},
		{Ev: TaskState, Task: 5, Req: 3, From: "running", To: "suspended"},
		{Ev: TaskStep, Task: 5, Req: 3},
		{Ev: TaskSuspend, Task: 5, Req: 3, Future: 4, Name: "future 4 (sent)"},
		{Ev: TaskDone, Task: 5, Req: 3, Name: "request 3"},
		{Ev: TimerAdd, Timer: 6, DelayUS: 10_000, Req: 3},
		{Ev: TimerFire, Timer: 6},
		{Ev: Slow, Name: "task 5 step"},
	}
	assert.Equal(t, want, events)
	assert.True(t, ran, "the wrapped future callback still runs")
}

func TestWithTracingOffTheHelpersDoNothingAndWrapNothing(t *testing.T) {
	var tr *Tracer
	assert.NotPanics(t, func() {
		tr.Socket(1, 3)
		tr.Register(3, nil, "x", 1)
		tr.Wait(1, -1)
		tr.Ready(nil, tr.Now())
		ReadyFDs(tr, []int{1}, func(i int) int { return i }, time.Time{})
		tr.FutureDone(1, "x", 1, errors.New("boom"))
		tr.TaskSuspend(1, 1, 2, nil)
		tr.Slow("x", time.Second)
	})
	assert.True(t, tr.Now().IsZero(), "no clock read without tracing")
	calls := 0
	fn := func() { calls++ }
	tr.FutureCallback(1, "x", 1, fn)()
	assert.Equal(t, 1, calls, "the callback is returned as it is")
	allocs := testing.AllocsPerRun(100, func() { _ = tr.FutureCallback(1, "x", 1, fn) })
	assert.Zero(t, allocs, "nothing is allocated to wrap a callback when tracing is off")
}

func TestTheFutureHelpersNameTheFutureOnlyWhenTracing(t *testing.T) {
	var buf bytes.Buffer
	tr := New(&buf, time.Now())
	tr.RegisterFuture(7, name("read"), name("future 12 (readable)"), 3)
	tr.CallbackFuture(7, name("future 12 (readable)"), 3)
	require.NoError(t, tr.Flush(), "Flush")
	events, err := ReadAll(&buf)
	require.NoError(t, err, "ReadAll")
	for i := range events {
		events[i].TUS = 0
	}
	assert.Equal(t, []Event{
		{Ev: Register, FD: 7, Dir: "read", Name: "future 12 (readable)", Req: 3},
		{Ev: Callback, FD: 7, Name: "future 12 (readable)", Req: 3},
	}, events)

	var off *Tracer
	var never panicky
	assert.NotPanics(t, func() { off.RegisterFuture(7, name("read"), never, 3); off.CallbackFuture(7, never, 3) },
		"with tracing off the future is never asked for its name")
}

// panicky is a name that must not be asked for.
type panicky struct{}

func (panicky) String() string { panic("String called with tracing off") }
