package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickRun runs the real thing at -quick size: it builds the stage,
// starts servers and clients, and takes about half a minute, so it runs
// only when asked:
//
//	LOOP_BENCH_SMOKE=1 go test ./internal/bench -run TestQuickRun -v
func TestQuickRun(t *testing.T) {
	if os.Getenv("LOOP_BENCH_SMOKE") == "" || testing.Short() {
		t.Skip("slow: set LOOP_BENCH_SMOKE=1 to run the -quick benchmark for real")
	}
	svg := filepath.Join(t.TempDir(), "sleep.svg")
	var out bytes.Buffer
	require.Equal(t, 0, run([]string{"-quick", "-md", "-svg", svg}, &out), "bench -quick exit code")
	report := out.String()
	for _, want := range []string{"Machine: ", "| c | ideal | our loop | goroutines | OS threads |",
		"| 1,000 | 1 | ", "| stage 4 | ", "| floor: one thread, system calls only | ", "| floor: a coroutine per request on epoll | ", "| goroutines (net.Dial, one each) | ", "stage 4 only"} {
		assert.Contains(t, report, want)
	}
	assert.NotContains(t, report, "failed", "every run succeeded")
	b, err := os.ReadFile(svg)
	require.NoError(t, err, "reading the chart")
	assert.Contains(t, string(b), "our loop")
}
