// The states test shared by the stages that keep stage 2's state machine
// (stages 2 and 3): which path through the states each request took, read
// from the trace's state events.

package stagetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/trace"
)

// StatePaths checks that answered requests go connecting → sending →
// receiving → done, that requests the server resets end in failed after
// receiving, and that refused ones fail straight from connecting.
func StatePaths(t *testing.T, stage string, fetch stagecli.FetchFunc) {
	srv := StartServer(t, slowserver.Config{Delay: Delay, FailEvery: 3})
	tests := []struct {
		name string
		addr string
		want map[string]int // path through the states → how many requests took it
	}{
		{
			name: "answered requests go connecting, sending, receiving, done; failed ones end in failed",
			addr: srv.Addr(),
			want: map[string]int{
				"connecting sending receiving done":   4,
				"connecting sending receiving failed": 2,
			},
		},
		{
			name: "a refused request goes straight from connecting to failed",
			addr: ClosedAddr(t),
			want: map[string]int{"connecting failed": 6},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runWithin(t, stage, fetch, "-addr", tc.addr, "-n", "6", "-timeout", runTimeout)
			RequireExit(t, res, stagecli.ExitFailed, "some requests fail on purpose")
			got := map[string]int{}
			for _, path := range statesOf(res.Events) {
				got[strings.Join(path, " ")]++
			}
			assert.Equal(t, tc.want, got, "paths through the states")
		})
	}
}

// statesOf returns, per request, the states it moved through.
func statesOf(events []trace.Event) map[int][]string {
	states := map[int][]string{}
	for _, e := range events {
		if e.Ev == trace.State {
			if len(states[e.Req]) == 0 {
				states[e.Req] = []string{e.From}
			}
			states[e.Req] = append(states[e.Req], e.To)
		}
	}
	return states
}
