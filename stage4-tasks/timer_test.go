package main

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

func TestASleepNeverEndsEarly(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
	}{
		{"a sleep shorter than a millisecond", 300 * time.Microsecond},
		{"a sleep between two milliseconds", 2500 * time.Microsecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			var took []time.Duration
			NewTask(loop.EventLoop, "sleeper", func(co Coro) (int, error) {
				for range 20 {
					began := time.Now()
					if _, err := Await(co, loop.Sleep(tc.d)); err != nil {
						return 0, err
					}
					took = append(took, time.Since(began))
				}
				return 0, nil
			})
			require.NoError(t, loop.Run(), "Run")
			for _, d := range took {
				assert.GreaterOrEqual(t, d, tc.d, "a sleep ended early")
			}
			// How late sleeps are is a matter of speed, so it is measured
			// by the sleep benchmark (x-ideal), never asserted here.
			assert.Equal(t, 20, count(loop.traceEvents(t), trace.TimerFire, nil), "timer_fire events")
		})
	}
}

func TestTheTimerHeapFiresInDueOrderWhateverIsCancelled(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 20 {
		loop := newTestLoop(t)
		var timers []*Timer
		for range 200 {
			// Many timers due at the same instant: ties go to the older.
			d := time.Duration(rng.IntN(50)) * time.Hour
			timers = append(timers, loop.CallLater(d, func() {}))
		}
		cancelled := map[*Timer]bool{}
		for _, i := range rng.Perm(len(timers))[:70] {
			assert.True(t, timers[i].Cancel(), "round %d: cancel", round)
			cancelled[timers[i]] = true
		}
		var got []*Timer
		for len(loop.timers) > 0 {
			got = append(got, loop.timers.remove(0))
		}
		assert.Len(t, got, 130, "round %d: the timers not cancelled", round)
		assert.True(t, slices.IsSortedFunc(got, func(a, b *Timer) int {
			if a.due != b.due {
				return cmp.Compare(a.due, b.due)
			}
			return cmp.Compare(a.id, b.id)
		}), "round %d: due order, ties by age", round)
		for _, tm := range got {
			assert.False(t, cancelled[tm], "round %d: a cancelled timer came out", round)
		}
	}
}
