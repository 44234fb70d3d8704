// These tests cover the run screen's loop pane (scrolling back to the first
// event, one request at a time) and the whole list of failures.

package main

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

// withFailures is a recorded stage 1 run with requests 2, 5 and 9 failed
// in two different ways.
func withFailures(t *testing.T) []trace.Event {
	events := readTrace(t, "stage1-callbacks.jsonl")
	var out []trace.Event
	for _, e := range events {
		if e.Ev == trace.Response && (e.Req == 2 || e.Req == 5 || e.Req == 9) {
			cause := "receive: read: connection reset by peer"
			if e.Req != 2 {
				cause = "connect: connection refused, a cause long enough to need a second line in any pane"
			}
			out = append(out, trace.Event{TUS: e.TUS, Ev: trace.Error, Req: e.Req, Err: cause})
			continue
		}
		out = append(out, e)
	}
	return out
}

func TestRunScreenPane(t *testing.T) {
	t.Run("tab gives the pane the arrows; g scrolls it back to the first event", func(t *testing.T) {
		m := finishedRun(t, testModel(), "stage1-callbacks.jsonl")
		first := m.run.tl.Log[0].Text
		assert.NotContains(t, m.View(), strings.TrimSpace(first)+"\n", "a long run's first event has scrolled away")
		m, _ = update(t, m, keyMsg("tab"))
		assert.True(t, m.run.paneFocus)
		m, _ = update(t, m, keyMsg("g"))
		assert.Contains(t, m.View(), strings.TrimSpace(first))
		assert.Contains(t, m.View(), "› the loop · 1–")
		m, _ = update(t, m, keyMsg("G"))
		assert.False(t, m.run.paneFree, "the end follows again")
	})
	t.Run("] narrows the pane to one request, a goes back to all", func(t *testing.T) {
		m := finishedRun(t, testModel(), "stage1-callbacks.jsonl")
		m, _ = update(t, m, keyMsg("]"))
		m, _ = update(t, m, keyMsg("]"))
		assert.Equal(t, 2, m.run.only)
		pw, _ := m.run.paneSize(80)
		for _, l := range m.run.paneLines(pw) {
			assert.NotContains(t, l, "(req 1)", "only request 2's events")
		}
		assert.Contains(t, m.View(), "the loop · request 2")
		m, _ = update(t, m, keyMsg("["))
		assert.Equal(t, 1, m.run.only)
		m, _ = update(t, m, keyMsg("a"))
		assert.Equal(t, 0, m.run.only)
	})
	t.Run("the pane wraps an event instead of cutting it", func(t *testing.T) {
		m := testModel()
		m, _ = update(t, m, runChosenMsg{Stage: 0})
		m.run.state = runRunning
		m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Events: withFailures(t)})
		pw, _ := m.run.paneSize(80)
		joined := strings.Join(strings.Fields(strings.Join(m.run.paneLines(pw), " ")), " ")
		assert.Contains(t, joined, "callback on_connected fd")
		assert.Contains(t, joined, "a cause long enough to need a second line in any pane")
	})
	t.Run("every failure is listed whole under the explanation", func(t *testing.T) {
		m := testModel()
		m, _ = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		m, _ = update(t, m, runChosenMsg{Stage: 0})
		m.run.state = runRunning
		m, _ = update(t, m, eventsReadMsg{Run: m.run.id, Events: withFailures(t)})
		m, _ = update(t, m, stageExitedMsg{Run: m.run.id, Code: 1})
		require.NotNil(t, m.run.expl)
		body := strings.Join(strings.Fields(strings.Join(m.run.bodyLines(80), " ")), " ")
		assert.Contains(t, body, "3 failed: request 2 receive: read: connection reset by peer; requests 5 and 9 connect: connection refused, a cause long enough to need a second line in any pane.")
	})
}

func TestTimeline(t *testing.T) {
	t.Run("a future's callback names the future", func(t *testing.T) {
		tl := timelineOf([]trace.Event{
			{Ev: trace.FutureNew, Future: 9, Req: 3, Name: "connected"},
			{Ev: trace.FutureCallback, Future: 9},
		})
		assert.Equal(t, " future 9 (connected) callback", tl.Log[len(tl.Log)-1].Text)
		assert.Equal(t, 3, tl.Log[0].Req)
	})
	t.Run("tick labels never repeat, however short the run", func(t *testing.T) {
		for _, span := range []float64{0.0012, 0.004, 0.3, 5.01, 42} {
			step := tickStep(span)
			seen := map[string]bool{}
			for x := 0.0; x <= span+step/1000; x += step {
				label := trimSeconds(x, step)
				assert.False(t, seen[label], "span %v: %q twice", span, label)
				seen[label] = true
			}
		}
		assert.Equal(t, "0.5", trimSeconds(0.5, 0.5))
		assert.Equal(t, "2", trimSeconds(2, 1))
	})
}
