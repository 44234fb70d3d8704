package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartInWavesStartsAWavePerTurn checks that the waves are one turn
// apart: a callback queued while wave k starts runs before wave k+1 does,
// so the loop polls in between; and that every task starts once, in order.
func TestStartInWavesStartsAWavePerTurn(t *testing.T) {
	loop := newTestLoop(t)
	const n = 2*startWave + 5
	var started, seenNextTurn []int
	startInWaves(loop.EventLoop, n, func(i int) {
		started = append(started, i)
		if i%startWave == 1 { // the first of each wave
			loop.CallSoon(func() { seenNextTurn = append(seenNextTurn, len(started)) })
		}
	})
	assert.Len(t, started, startWave, "started before the loop runs: the first wave only")
	require.NoError(t, loop.Run(), "Run")

	assert.Equal(t, []int{startWave, 2 * startWave, n}, seenNextTurn,
		"how many had started when a callback queued by each wave ran")
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	assert.Equal(t, want, started, "each of 1..n started once, in order")
}

func TestStartInWavesStartsASmallRunAtOnce(t *testing.T) {
	var started []int
	startInWaves(newTestLoop(t).EventLoop, 10, func(i int) { started = append(started, i) })
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, started, "ten requests: one wave, before the loop runs")
}
