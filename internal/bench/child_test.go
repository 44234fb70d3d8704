package main

import (
	"context"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunChild(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	t.Run("reports the output, the exit code and a peak RSS", func(t *testing.T) {
		e, err := runChild(context.Background(), child{path: sh, args: []string{"-c", "echo hello; echo oops >&2; exit 3"}, limit: 10 * time.Second})
		require.NoError(t, err, "runChild")
		assert.Equal(t, "hello\n", string(e.stdout))
		assert.Equal(t, 3, e.code)
		assert.Positive(t, e.rss, "ru_maxrss of the child")
		assert.Equal(t, "exit code 3: oops", e.failure(nil))
	})
	t.Run("reports a small child's peak RSS, not the bench's own", func(t *testing.T) {
		if _, ok := readHWM("self"); !ok {
			t.Skip("no VmHWM in /proc (not Linux): rusage is all there is")
		}
		ballast := make([]byte, 64<<20) // the bench holding 64 MiB when it starts the child
		for i := range ballast {
			ballast[i] = 1
		}
		e, err := runChild(context.Background(), child{path: sh, args: []string{"-c", "sleep 0.2"}, limit: 10 * time.Second})
		require.NoError(t, err, "runChild")
		assert.Positive(t, e.rss, "the child's peak RSS")
		assert.Less(t, e.rss, uint64(16<<20), "sh and sleep take a few MiB, not the 64 MiB of the process that started them")
		runtime.KeepAlive(ballast)
	})
	t.Run("kills the whole group at the deadline, children too", func(t *testing.T) {
		began := time.Now()
		// The background sleep holds stdout open: without the group kill
		// and WaitDelay, Run would wait for it for 30 s.
		_, err := runChild(context.Background(), child{path: sh, args: []string{"-c", "sleep 30 & sleep 30"}, limit: 200 * time.Millisecond})
		assert.ErrorIs(t, err, errDeadline)
		assert.Less(t, time.Since(began), 5*time.Second, "killed, not waited for")
	})
	t.Run("stops when the context ends (Ctrl-C)", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := runChild(ctx, child{path: sh, args: []string{"-c", "sleep 30"}, limit: time.Minute})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{limit: 5}
	_, _ = b.Write([]byte("hello "))
	_, _ = b.Write([]byte("world"))
	assert.Equal(t, "world", b.String(), "keeps the last bytes")

	c := &cappedBuffer{limit: 4}
	n, err := c.Write([]byte("hello"))
	assert.NoError(t, err)
	assert.Equal(t, 5, n, "a full buffer never stalls the child")
	assert.Equal(t, "hell", string(c.Bytes()))
	assert.Equal(t, "x", lastLine("a\n\nx\n\n"))
	assert.True(t, strings.HasSuffix(lastLine(strings.Repeat("y", 300)), "…"))
}
