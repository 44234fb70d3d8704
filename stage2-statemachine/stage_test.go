package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const stage = "stage2-statemachine"

func TestContract(t *testing.T) { stagetest.Contract(t, stage, fetchAll) }

func TestRefusesFDsThatSelectCannotWatch(t *testing.T) { stagetest.SelectLimit(t, stage, fetchAll) }

func TestEachRequestWalksThroughItsStates(t *testing.T) { stagetest.StatePaths(t, stage, fetchAll) }

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
			move := func() { c.transition(tc.to) }
			if tc.allowed {
				assert.NotPanics(t, move)
				assert.Equal(t, tc.to, c.State())
			} else {
				assert.PanicsWithValue(t, "request 1: no transition from "+tc.from.String()+" to "+tc.to.String(), move)
			}
		})
	}
}

func TestStateNamesAreTheOnesTheTraceUses(t *testing.T) {
	names := map[State]string{Connecting: "connecting", Sending: "sending", Receiving: "receiving", Done: "done", Failed: "failed", State(9): "State(9)"}
	for s, want := range names {
		assert.Equal(t, want, s.String())
	}
}
