package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	peerout "github.com/loopfromscratch/loop/internal/bench/peers/outcome"
)

func TestParseBenchLine(t *testing.T) {
	out := "goos: linux\ngoarch: amd64\npkg: github.com/loopfromscratch/loop/stage4-tasks\ncpu: AMD EPYC\n" +
		"BenchmarkSleep/impl=loop/c=1000-2         \t       1\t1016412345 ns/op\t         1.016 x-ideal\nPASS\n"
	secs, err := parseBenchLine([]byte(out))
	require.NoError(t, err, "parseBenchLine")
	assert.InDelta(t, 1.016412345, secs, 1e-12)

	_, err = parseBenchLine([]byte("testing: warning: no tests to run\nPASS\n"))
	assert.ErrorContains(t, err, "no benchmark line", "a filter that matched nothing is an error, not 0 s")
}

func TestParseStageSummary(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want outcome
	}{
		{"every request answered",
			"   1.01s  request 3: Response to Request 3\n   1.02s  request 1: Response to Request 1\n" +
				"10000 responses in 1.74s — one at a time would take about 3 hours\n",
			outcome{answered: 10_000, seconds: 1.74, firstAnswer: 1.01}},
		{"some requests failed",
			"   1.05s  request 2 failed: connection reset by peer\n   1.20s  request 1: Response to Request 1\n" +
				"9998 of 10000 answered, 2 failed, in 31.02s — one at a time would take about 3 hours\n",
			outcome{answered: 9_998, failed: 2, seconds: 31.02, firstAnswer: 1.20, err: "request 2 failed: connection reset by peer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStageSummary([]byte(tc.out))
			require.NoError(t, err, "parseStageSummary")
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("no summary is an error", func(t *testing.T) {
		_, err := parseStageSummary([]byte("stage4-tasks: -n 30000: at most 19968 requests fit\n"))
		assert.ErrorContains(t, err, "no summary line")
	})
}

func TestParsePeerOutput(t *testing.T) {
	o, err := parseOutcomeJSON([]byte(`{"answered": 9999, "failed": 1, "seconds": 3.18, "error": "request 5: timeout"}` + "\n"))
	require.NoError(t, err, "parseOutcomeJSON")
	assert.Equal(t, outcome{answered: 9_999, failed: 1, seconds: 3.18, firstAnswer: -1, err: "request 5: timeout"}, o)

	var line bytes.Buffer
	require.NoError(t, peerout.Write(&line, peerout.Outcome{Answered: 20, Seconds: 1.25}), "the Go peers' line")
	o, err = parseOutcomeJSON(line.Bytes())
	require.NoError(t, err, "parseOutcomeJSON of the Go peers' line")
	assert.Equal(t, outcome{answered: 20, seconds: 1.25, firstAnswer: -1}, o)

	_, err = parseOutcomeJSON([]byte("Traceback (most recent call last):\nOSError: [Errno 24] Too many open files\n"))
	assert.ErrorContains(t, err, "Too many open files", "the error quotes what the peer said instead")

	secs, err := parseSecondsJSON([]byte(`{"seconds": 0.2}` + "\n"))
	require.NoError(t, err, "parseSecondsJSON")
	assert.InDelta(t, 0.2, secs, 1e-12)
}

func TestPorts(t *testing.T) {
	n, ok := parsePortRange("32768\t60999\n")
	assert.True(t, ok)
	assert.Equal(t, 28_232, n, "the default ephemeral range")
	_, ok = parsePortRange("garbage")
	assert.False(t, ok)

	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1
   1: 0100007F:1F90 0100007F:8D2A 06 00000000:00000000 03:00001770 00000000     0        0 0
   2: 0100007F:1F90 0100007F:8D2B 06 00000000:00000000 03:00001770 00000000     0        0 0
   3: 0100007F:8D2C 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0
   4: 0100007F:8D2D 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2
`
	ports := map[string]bool{}
	countTimeWait(strings.NewReader(table), ports)
	assert.Equal(t, map[string]bool{"1F90": true, "8D2C": true}, ports,
		"a server's end holds its one port however many wait; a client's end its own")
}

func TestParseSockstatTW(t *testing.T) {
	n, ok := parseSockstatTW("sockets: used 15\nTCP: inuse 4 orphan 0 tw 14712 alloc 4 mem 114\nUDP: inuse 0 mem 0\n")
	assert.True(t, ok)
	assert.Equal(t, 14_712, n)
	_, ok = parseSockstatTW("UDP: inuse 0 mem 0\n")
	assert.False(t, ok)
}

func TestMajorVersion(t *testing.T) {
	assert.Equal(t, "20", major("v20.20.2", 1))
	assert.Equal(t, "3.11", major("3.11.7", 2))
	assert.Equal(t, "3", major("3", 2))
	assert.Equal(t, "Node 20", (&setup{node: peer{version: "v20.20.2"}}).nodeName())
	assert.Equal(t, "Node", (&setup{}).nodeName(), "not installed: no version, no double space")
	assert.Equal(t, "Python asyncio", (&setup{}).pythonName())
}
