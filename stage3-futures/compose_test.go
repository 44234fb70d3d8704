package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThenRunsTheNextStepOnlyAfterASuccess(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		first    func(f *Future[int])
		step     func(loop *testLoop, v int) *Future[string]
		want     string
		wantErr  error
		nextRuns bool
	}{
		{
			name:     "a success passes its result to the next step, whose result comes out",
			first:    func(f *Future[int]) { f.SetResult(2) },
			step:     func(loop *testLoop, v int) *Future[string] { return resolved(loop, "two") },
			want:     "two",
			nextRuns: true,
		},
		{
			name:     "a failure skips the next step and comes out as the chain's error",
			first:    func(f *Future[int]) { f.SetError(boom) },
			step:     func(loop *testLoop, v int) *Future[string] { return resolved(loop, "never") },
			wantErr:  boom,
			nextRuns: false,
		},
		{
			name:  "a failing next step fails the chain",
			first: func(f *Future[int]) { f.SetResult(2) },
			step: func(loop *testLoop, v int) *Future[string] {
				f := NewFuture[string](loop, "step")
				f.SetError(boom)
				return f
			},
			wantErr:  boom,
			nextRuns: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			first := NewFuture[int](loop, "first")
			ran := false
			out := Then(first, "then", func(v int) *Future[string] {
				ran = true
				return tc.step(loop, v)
			})
			tc.first(first)
			require.NoError(t, loop.Run())

			require.True(t, out.Done(), "the chain is done")
			v, err := out.Result()
			assert.Equal(t, tc.nextRuns, ran, "did the next step run (it runs only after a success: a failure skips it and fails the chain)")
			assert.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.want, v)
		})
	}
}

func TestAllWaitsForEveryFutureAndJoinsTheirErrors(t *testing.T) {
	boom, bang := errors.New("boom"), errors.New("bang")
	tests := []struct {
		name    string
		resolve []error // nil: succeeds with its index
		want    []int
		errs    []error
	}{
		{"no futures: done at once with no results", nil, nil, nil},
		{"all succeed: results in order", []error{nil, nil, nil}, []int{0, 1, 2}, nil},
		{"some fail: every error is joined, the others still count", []error{boom, nil, bang}, []int{0, 1, 0}, []error{boom, bang}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			fs := make([]*Future[int], len(tc.resolve))
			for i := range fs {
				fs[i] = NewFuture[int](loop, "part")
			}
			all := All(loop, fs)
			for i := len(fs) - 1; i >= 0; i-- { // out of order on purpose
				if tc.resolve[i] != nil {
					fs[i].SetError(tc.resolve[i])
				} else {
					fs[i].SetResult(i)
				}
			}
			require.NoError(t, loop.Run())

			require.True(t, all.Done(), "all is done")
			got, err := all.Result()
			for _, e := range tc.errs {
				assert.ErrorIs(t, err, e, "All's error joins the error of every future that failed: it waits for them all, a failure does not stop the others")
			}
			if tc.errs == nil {
				assert.NoError(t, err)
				assert.Equal(t, tc.want, got)
			}
		})
	}
}

// resolved returns a future that already holds v.
func resolved(loop *testLoop, v string) *Future[string] {
	f := NewFuture[string](loop, "resolved")
	f.SetResult(v)
	return f
}

func TestAllIsDoneOnlyOnceItsLastFutureIsDone(t *testing.T) {
	tests := []struct {
		name string
		fail bool // the futures fail instead of succeeding
	}{
		{"all stays pending while any future does, however many succeeded", false},
		{"all stays pending while any future does, however many failed", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			fs := make([]*Future[int], 3)
			for i := range fs {
				fs[i] = NewFuture[int](loop, "part")
			}
			all := All(loop, fs)
			for i, f := range fs {
				if tc.fail {
					f.SetError(errors.New("boom"))
				} else {
					f.SetResult(i)
				}
				if p := panicOf(func() { _ = loop.Run() }); p != nil {
					require.FailNow(t, fmt.Sprintf("All must wait for every future: after %d of %d were done it asked a pending one for its result (%v)", i+1, len(fs), p))
				}
				if i < len(fs)-1 {
					require.False(t, all.Done(), "All was done after %d of %d futures: it must wait for the last one (a failure does not stop the others)", i+1, len(fs))
				}
			}
			assert.True(t, all.Done(), "All is done once every future is")
		})
	}
}

// panicOf runs fn and returns what it panicked with, or nil.
func panicOf(fn func()) (p any) {
	defer func() { p = recover() }()
	fn()
	return nil
}
