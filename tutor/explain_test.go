// These tests check the explanation and the timeline against recorded
// traces in testdata, recomputing each number the simple way.

package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

// readTrace loads a recorded trace from testdata.
func readTrace(t *testing.T, name string) []trace.Event {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err, "open %s", name)
	defer f.Close()
	events, err := trace.ReadAll(f)
	require.NoError(t, err, "read %s", name)
	return events
}

// expected recomputes the numbers the explanation must show straight from
// the events, the simple way.
func expected(events []trace.Event) (slept time.Duration, wakeups int, answered []int, elapsed time.Duration) {
	for _, e := range events {
		switch e.Ev {
		case trace.Ready:
			wakeups++
			slept += time.Duration(e.WaitedUS) * time.Microsecond
		case trace.Response:
			answered = append(answered, e.Req)
		case trace.Done:
			elapsed = time.Duration(e.ElapsedUS) * time.Microsecond
		}
	}
	return
}

func TestExplainRecordedTraces(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		stage  int
		poller string
		check  func(t *testing.T, x explanation)
	}{
		{
			name: "stage 1: ten answered, the loop mostly slept in select", file: "stage1-callbacks.jsonl", stage: 1, poller: "select(2)",
			check: func(t *testing.T, x explanation) {
				assert.Equal(t, 10, x.OK)
				assert.Greater(t, x.Slept, 9*x.Elapsed/10, "the loop sleeps almost all the time")
				assert.Len(t, x.SentOrder, 10)
				assert.Greater(t, x.OneByOne, 9*x.Elapsed, "one at a time is about ten times longer")
			},
		},
		{
			name: "stage 2: states visited in order of first visit", file: "stage2-statemachine.jsonl", stage: 2, poller: "select(2)",
			check: func(t *testing.T, x explanation) {
				require.NotEmpty(t, x.States)
				assert.Equal(t, "connecting", x.States[0])
				assert.Positive(t, x.Transitions)
			},
		},
		{
			name: "stage 4: tasks, steps, suspensions, futures, a failure and an unknown kind", file: "stage4-tasks.jsonl", stage: 4, poller: map[string]string{"linux": "epoll", "darwin": "kqueue"}[runtime.GOOS],
			check: func(t *testing.T, x explanation) {
				assert.Equal(t, 1, x.OK)
				assert.Equal(t, 1, x.Failed)
				assert.Equal(t, 2, x.Tasks)
				assert.Equal(t, 5, x.TaskSteps)
				assert.Equal(t, 2, x.Suspensions)
				assert.Equal(t, 2, x.FuturesNew)
				assert.Equal(t, 2, x.FuturesDone)
				assert.Equal(t, []int{1, 2}, x.SentOrder)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := readTrace(t, tt.file)
			st := story{Hurts: "What still hurts: " + tt.file, Next: "Next: after " + tt.file}
			x := explain(events, st)
			slept, wakeups, answered, elapsed := expected(events)
			assert.True(t, x.Finished)
			assert.Equal(t, tt.stage, x.StageNum)
			assert.Equal(t, elapsed, x.Elapsed, "elapsed comes from the done event")
			assert.Equal(t, slept, x.Slept, "slept is the sum of waited_us")
			assert.Equal(t, elapsed-slept, x.Worked, "worked is elapsed − slept")
			assert.Equal(t, wakeups, x.WakeUps, "wake-ups are ready events")
			assert.Equal(t, answered, x.AnswerOrder, "order answered is the order of responses")
			tt.check(t, x)

			text := x.Lines()
			assert.Contains(t, text, "Order answered: "+ids(answered))
			if tt.poller != "" { // stage 4 has no poller on other systems
				assert.Equal(t, tt.poller, x.Poller, "the poller this stage sleeps in on "+runtime.GOOS)
				assert.Contains(t, strings.Join(text, "\n"), " in "+tt.poller+" waiting for the kernel")
			}
			assert.Equal(t, []string{st.Hurts, st.Next}, text[len(text)-2:], "the story closes the explanation, quoted")
		})
	}
}

func TestExplainUnfinishedRun(t *testing.T) {
	events := readTrace(t, "stage1-callbacks.jsonl")
	x := explain(events[:30], story{})
	assert.False(t, x.Finished)
	assert.Contains(t, x.Lines()[0], "did not finish")
}

func TestExplainLeavesOutAParagraphTheStageDoesNotHave(t *testing.T) {
	events := readTrace(t, "stage1-callbacks.jsonl")
	full := explain(events, story{}).Lines()
	tests := []struct {
		name  string
		story story
		want  []string // the lines after the measured ones
	}{
		{"no story: the explanation ends with the numbers", story{}, []string{}},
		{"only what still hurts", story{Hurts: "What still hurts: a."}, []string{"What still hurts: a."}},
		{"only next", story{Next: "Next: b."}, []string{"Next: b."}},
		{"both, in that order", story{Hurts: "What still hurts: a.", Next: "Next: b."}, []string{"What still hurts: a.", "Next: b."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := explain(events, tc.story).Lines()
			require.Len(t, text, len(full)+len(tc.want))
			assert.Equal(t, full, text[:len(full)], "the measured lines do not change")
			assert.Equal(t, tc.want, text[len(full):])
		})
	}
	for _, line := range full {
		assert.NotContains(t, line, "What still hurts")
		assert.False(t, strings.HasPrefix(line, "Next:"), "no Next line without a story: %q", line)
	}
}

func TestTimelinePhases(t *testing.T) {
	events := readTrace(t, "stage4-tasks.jsonl")
	tl := timelineOf(events[:12])
	require.Len(t, tl.Rows, 2)
	assert.Equal(t, phaseConnecting, tl.Rows[0].Phase(), "socket, not sent")
	tl = timelineOf(events[:20])
	assert.Equal(t, phaseWaiting, tl.Rows[0].Phase(), "sent, no answer")
	tl = timelineOf(events)
	assert.Equal(t, phaseFailed, tl.Rows[0].Phase())
	assert.Equal(t, phaseAnswered, tl.Rows[1].Phase())
	c, w, a, f := tl.Counts()
	assert.Equal(t, [4]int{0, 0, 1, 1}, [4]int{c, w, a, f})
	assert.Equal(t, 3, tl.WakeUps)
	assert.True(t, tl.Done)
}

func TestWaterfallAndSVG(t *testing.T) {
	tl := timelineOf(readTrace(t, "stage1-callbacks.jsonl"))
	lines := waterfallLines(tl, 40, tl.NowUS, asciiGlyphs, noPaint)
	require.Len(t, lines, 10)
	for _, l := range lines {
		assert.Regexp(t, `^ +\d+ \|>-+\*  0\.30s$`, l)
	}
	var b strings.Builder
	require.NoError(t, writeSVG(&b, tl, "stage1-callbacks: 10 requests"))
	svg := b.String()
	assert.Contains(t, svg, "<svg ")
	assert.Contains(t, svg, "stage1-callbacks: 10 requests")
	assert.Contains(t, svg, "time (s)")
	assert.Contains(t, svg, "req 10")
	assert.NotContains(t, svg, "@import")
}
