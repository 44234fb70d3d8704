package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

func TestFutureIsResolvedExactlyOnce(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name   string
		first  func(f *Future[int])
		second func(f *Future[int])
	}{
		{"a second SetResult panics, naming the future", func(f *Future[int]) { f.SetResult(1) }, func(f *Future[int]) { f.SetResult(2) }},
		{"SetResult after SetError panics", func(f *Future[int]) { f.SetError(boom) }, func(f *Future[int]) { f.SetResult(2) }},
		{"SetError after a Cancel panics", func(f *Future[int]) { f.Cancel() }, func(f *Future[int]) { f.SetError(boom) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			f := NewFuture[int](loop, "answer")
			tc.first(f)
			assert.PanicsWithValue(t, "future 1 (answer) resolved twice", func() { tc.second(f) })
		})
	}
}

func TestFutureHoldsAResultOrAnError(t *testing.T) {
	loop := newTestLoop(t)
	ok := NewFuture[string](loop, "ok")
	ok.SetResult("yes")
	v, err := ok.Result()
	assert.Equal(t, "yes", v)
	assert.NoError(t, err)

	bad := NewFuture[string](loop, "bad")
	boom := errors.New("boom")
	bad.SetError(boom)
	_, err = bad.Result()
	assert.ErrorIs(t, err, boom)
}

func TestAskingAPendingFutureForItsResultIsAProgrammingError(t *testing.T) {
	loop := newTestLoop(t)
	f := NewFuture[int](loop, "later")
	assert.PanicsWithValue(t, "future 1 (later): Result called before it is done (await it, or ask in a done-callback)", func() { _, _ = f.Result() })
	assert.Panics(t, func() { f.SetError(nil) }, "SetError(nil)")
}

func TestCancellingAFuture(t *testing.T) {
	loop := newTestLoop(t)
	f := NewFuture[int](loop, "unwanted")
	assert.True(t, f.Cancel(), "cancelling a pending future")
	assert.True(t, f.Done(), "a cancelled future is done")
	assert.True(t, f.Cancelled(), "Cancelled")
	_, err := f.Result()
	assert.ErrorIs(t, err, ErrCancelled)
	assert.False(t, f.Cancel(), "cancelling it again")

	done := NewFuture[int](loop, "done")
	done.SetResult(7)
	assert.False(t, done.Cancel(), "a done future cannot be cancelled")
	assert.False(t, done.Cancelled())
}

func TestFuturesWriteTheirLifeToTheTrace(t *testing.T) {
	loop := newTestLoop(t)
	f := NewFuture[int](loop, "answer")
	f.AddDoneCallback(func() {})
	f.SetError(errors.New("boom"))
	require.NoError(t, loop.Run(), "Run")

	events := loop.traceEvents(t)
	assert.Equal(t, []trace.Kind{trace.FutureNew, trace.FutureDone, trace.FutureCallback},
		kinds(events, trace.FutureNew, trace.FutureDone, trace.FutureCallback))
	for _, e := range events {
		if e.Ev == trace.FutureDone {
			assert.Equal(t, 1, e.Future, "future id")
			assert.Equal(t, "boom", e.Err, "the error")
		}
	}
}
