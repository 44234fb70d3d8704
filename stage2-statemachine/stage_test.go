package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const stage = "stage2-statemachine"

// The parts come first, the whole program after: go test runs tests in
// order, and the tutor's judge stops at the first failure, so a broken
// selector fails under its own name before a run that merely uses it.

func TestSelectorReportsTheFDsReadyForWhatTheyWaitFor(t *testing.T) {
	stagetest.SelectorReportsReadyFDs(t, selectOnce)
}

func TestSelectorReportsOnlyTheFDsThatAreReady(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	require.NoError(t, err, "socketpair")
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])

	sel := NewSelector(nil)
	require.NoError(t, sel.Register(fds[0], 0, Readable, "on_readable", func() {}))
	require.NoError(t, sel.Register(fds[1], 0, Writable, "on_writable", func() {}))

	ready, err := sel.Select(time.Second)
	require.NoError(t, err, "select")
	assert.Equal(t, []int{fds[1]}, ready, "only the writable end is ready: nothing was written yet")

	_, err = unix.Write(fds[1], []byte("x"))
	require.NoError(t, err, "write")
	sel.Unregister(fds[1])
	ready, err = sel.Select(time.Second)
	require.NoError(t, err, "select")
	assert.Equal(t, []int{fds[0]}, ready, "the reading end is ready once a byte arrived")
}

func TestRegisterRefusesAnFDSelectCannotHold(t *testing.T) {
	sel := NewSelector(nil)
	err := sel.Register(fdSetSize, 0, Readable, "on_readable", func() {})
	assert.ErrorIs(t, err, errFDTooLarge)
	assert.Zero(t, sel.Len(), "nothing registered")
}

func TestTransitionRefusesAMoveNotInTheTable(t *testing.T) {
	tests := []struct {
		name     string
		from, to State
		allowed  bool
	}{
		{"connecting may move to sending", Connecting, Sending, true},
		{"connecting may fail", Connecting, Failed, true},
		{"sending may move to receiving", Sending, Receiving, true},
		{"receiving may finish", Receiving, Done, true},
		{"connecting may not skip to receiving", Connecting, Receiving, false},
		{"done is terminal", Done, Failed, false},
		{"failed is terminal", Failed, Connecting, false},
		{"receiving may not go back to sending", Receiving, Sending, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{run: &stagecli.Run{}, req: 1, state: tc.from}
			p := panicOf(func() { c.transition(tc.to) })
			refusal := "request 1: no transition from " + tc.from.String() + " to " + tc.to.String()
			if tc.allowed {
				require.Nil(t, p, "the table must allow %v → %v, but transition panicked", tc.from, tc.to)
				assert.Equal(t, tc.to, c.State(), "the state after an allowed move")
				return
			}
			require.NotNil(t, p, "transition must refuse %v → %v, a move not in the table, by panicking; it moved to %v", tc.from, tc.to, c.State())
			assert.Equal(t, refusal, p, "the panic names the request and the move")
		})
	}
}

func TestStateNamesAreTheOnesTheTraceUses(t *testing.T) {
	names := map[State]string{Connecting: "connecting", Sending: "sending", Receiving: "receiving", Done: "done", Failed: "failed", State(9): "State(9)"}
	for s, want := range names {
		assert.Equal(t, want, s.String())
	}
}

func TestEachRequestWalksThroughItsStates(t *testing.T) { stagetest.StatePaths(t, stage, fetchAll) }

func TestContract(t *testing.T) { stagetest.Contract(t, stage, fetchAll) }

func TestRefusesFDsThatSelectCannotWatch(t *testing.T) { stagetest.SelectLimit(t, stage, fetchAll) }

func TestTimesOutRequestsTheServerNeverAnswers(t *testing.T) { stagetest.Timeout(t, stage, fetchAll) }

func TestReportsABusyServerAsAFailure(t *testing.T) { stagetest.Busy(t, stage, fetchAll) }

func TestReadsAReplyThatArrivesInPieces(t *testing.T) { stagetest.ReplyInPieces(t, stage, fetchAll) }

func TestFailsAReplyThatNeverEnds(t *testing.T) { stagetest.ReplyTooLong(t, stage, fetchAll) }

// selectOnce is the stage's selector as SelectorReportsReadyFDs drives it.
func selectOnce(reads, writes []int, timeout time.Duration) ([]int, error) {
	sel := NewSelector(nil)
	for _, fd := range reads {
		if err := sel.Register(fd, 0, Readable, "on_readable", func() {}); err != nil {
			return nil, err
		}
	}
	for _, fd := range writes {
		if err := sel.Register(fd, 0, Writable, "on_writable", func() {}); err != nil {
			return nil, err
		}
	}
	return sel.Select(timeout)
}

// panicOf runs fn and returns what it panicked with, or nil.
func panicOf(fn func()) (p any) {
	defer func() { p = recover() }()
	fn()
	return nil
}
