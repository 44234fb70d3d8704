// The ABC of the stage, tested first. go test runs test files in name
// order, and the tutor's judge stops at the first failure (-failfast): the
// part everything else is built on, a future's done-callbacks, is
// specified here, so a broken Future fails under its own name before Then,
// All or a whole run merely trip over it.

package main

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestADoneCallbackRunsOnALaterLoopStepNeverInsideSetResult(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		resolve func(f *Future[int])
		late    bool // add the callbacks after resolving, not before
	}{
		{"callbacks added while pending run after SetResult, on a later loop step, in order", func(f *Future[int]) { f.SetResult(1) }, false},
		{"callbacks added while pending run after SetError too", func(f *Future[int]) { f.SetError(boom) }, false},
		{"callbacks added while pending run after Cancel too", func(f *Future[int]) { f.Cancel() }, false},
		{"callbacks added once the future is done are scheduled at once, not dropped", func(f *Future[int]) { f.SetResult(1) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			f := NewFuture[int](loop, "x")
			var calls []string
			add := func() {
				f.AddDoneCallback(func() { calls = append(calls, "first") })
				f.AddDoneCallback(func() { calls = append(calls, "second") })
			}
			if tc.late {
				tc.resolve(f)
				add()
			} else {
				add()
				tc.resolve(f)
			}
			require.Empty(t, calls, "a done-callback ran inside SetResult or AddDoneCallback: it must be handed to the loop (CallSoon), never called inline")
			require.NoError(t, loop.Run(), "Run")
			want := "every callback added while pending runs once the loop runs, in the order added: resolving must schedule each one"
			if tc.late {
				want = "a callback added to a future that is already done must still run: AddDoneCallback schedules it at once"
			}
			if !slices.Equal([]string{"first", "second"}, calls) {
				assert.Fail(t, fmt.Sprintf("%s; ran: %q, want: first, second", want, calls))
			}
		})
	}
}
