package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeSleep is a sleep table as runSleep would leave it, hand-made: Node
// missing, OS threads only up to c = 1,000, one failed Python cell.
func fakeSleep() sleepResults {
	ms := func(secs float64, mib uint64) result {
		return result{samples: []sample{{seconds: secs, rss: mib << 20}}}
	}
	return sleepResults{
		cs: []int{1_000, 100_000},
		impls: []sleepImpl{
			{name: "our loop"}, {name: "floor: bare coroutines", floor: true, minC: 10_000}, {name: "goroutines"}, {name: "OS threads", maxC: 1_000},
			{name: "Node 20", missing: "node not found in PATH"}, {name: "Python 3.11 asyncio"},
		},
		cells: map[int][]result{
			1_000:   {ms(1.016, 12), {skipped: "only from c = 10,000"}, ms(1.067, 11), ms(1.69, 27), {skipped: "node not found in PATH"}, ms(1.107, 23)},
			100_000: {ms(0.447, 340), ms(0.296, 280), ms(0.079, 86), {skipped: "only up to c = 1,000"}, {skipped: "node not found in PATH"}, {err: "exit code 1: boom"}},
		},
	}
}

func TestSleepTable(t *testing.T) {
	tb := fakeSleep().table(3)
	assert.Equal(t, []string{"c", "ideal", "our loop", "floor: bare coroutines", "goroutines", "OS threads", "Python 3.11 asyncio"}, tb.header,
		"a missing peer has no column")
	require.Len(t, tb.rows, 2)
	assert.Equal(t, []string{"1,000", "1", "1.016 (1.02×, 12 MiB)", "–", "1.067 (1.07×, 11 MiB)", "1.690 (1.69×, 27 MiB)", "1.107 (1.11×, 23 MiB)"}, tb.rows[0])
	assert.Equal(t, []string{"100,000", "0.01", "0.447 (44.7×, 340 MiB)", "0.296 (29.6×, 280 MiB)", "0.079 (7.90×, 86 MiB)", "–", "failed"}, tb.rows[1])
	notes := strings.Join(tb.notes, "\n")
	assert.Contains(t, notes, "Node 20: skipped (node not found in PATH).")
	assert.Contains(t, notes, "Python 3.11 asyncio at c = 100,000: a run failed: exit code 1: boom")
	assert.Contains(t, tb.title, "median of 3 runs")
}

func TestTableWrite(t *testing.T) {
	tb := table{
		title:  "T",
		header: []string{"client", "total (s)"},
		right:  []bool{false, true},
		rows:   [][]string{{"stage 4", "1.74"}, {"a|b", "10.50"}},
		notes:  []string{"a note"},
	}
	tests := []struct {
		name string
		md   bool
		want string
	}{
		{"plain text pads columns and aligns numbers right", false,
			"T\n\nclient   total (s)\n-------  ---------\nstage 4       1.74\na|b          10.50\n\na note\n\n"},
		{"Markdown escapes a bar and aligns numbers right", true,
			"**T**\n\n| client | total (s) |\n|---|--:|\n| stage 4 | 1.74 |\n| a\\|b | 10.50 |\n\na note\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tb.write(&b, tc.md)
			assert.Equal(t, tc.want, b.String())
		})
	}
}

func TestConnsTables(t *testing.T) {
	r := connsResults{
		cc: connsCase{n: 10_000, delay: time.Second},
		clients: []connsClient{{name: "stage 4"}, {name: "goroutines (net.Dial, one each)"},
			{name: "Node 20 net", missing: "node not found in PATH"}},
		cells: []result{
			{samples: []sample{{1.80, 70 << 20, 0}, {1.74, 65 << 20, 0}, {1.71, 64 << 20, 3}}, err: "3 of 10000 failed, first: request 9 failed: reset"},
			{samples: []sample{{1.59, 139 << 20, 0}}},
			{skipped: "node not found in PATH"},
		},
		first: [][]float64{{1.02, 1.01, 1.03}, {-1}, nil},
	}
	tb := r.table(3)
	assert.Equal(t, [][]string{
		{"stage 4", "1.74 (3 failed)", "65 MiB", "1.80 1.74 1.71"},
		{"goroutines (net.Dial, one each)", "1.59", "139 MiB", "1.59"},
	}, tb.rows)
	notes := strings.Join(tb.notes, "\n")
	assert.Contains(t, notes, "Node 20 net: skipped (node not found in PATH).")
	assert.Contains(t, notes, "stage 4: 3 of 10000 failed")
	assert.Contains(t, tb.title, "10,000 at once to the slow server at 1 s delay")

	fd := r.fdTable(3)
	assert.Equal(t, [][]string{{"10,000", "1 s", "1.74 (3 failed)", "2.50", "1.02", "65 MiB", "1.80 1.74 1.71"}}, fd.rows,
		"the goal is delay + 1.5 s; the first answer is the median of the runs'")
}

func TestSleepImplSkipsTheSizesItIsNotRunAt(t *testing.T) {
	threads := sleepImpl{name: "OS threads", maxC: 1_000}
	floor := sleepImpl{name: "floor: bare coroutines", minC: 10_000}
	node := sleepImpl{name: "Node 20", missing: "node not found in PATH"}
	assert.Empty(t, threads.skipAt(1_000), "threads at their largest c")
	assert.Equal(t, "only up to c = 1,000", threads.skipAt(10_000))
	assert.Equal(t, "only from c = 10,000", floor.skipAt(1_000))
	assert.Empty(t, floor.skipAt(10_000), "the floor at its smallest c")
	assert.Equal(t, "node not found in PATH", node.skipAt(100), "a missing peer, at any c")
}
