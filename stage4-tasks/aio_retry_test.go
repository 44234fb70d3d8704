package main

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

func TestBackoffWaitsDoubleEachTimeUpToTheCapWithJitter(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: time.Second, Rand: rand.New(rand.NewPCG(1, 2))}
	tests := []struct {
		name   string
		k      int
		lo, hi time.Duration // the wait is in [lo, hi)
	}{
		{"the first retry waits between half the base and the base", 1, 50 * time.Millisecond, 100 * time.Millisecond},
		{"the second, twice that", 2, 100 * time.Millisecond, 200 * time.Millisecond},
		{"the fourth, eight times", 4, 400 * time.Millisecond, 800 * time.Millisecond},
		{"the tenth is capped at Max", 10, 500 * time.Millisecond, time.Second},
		{"a huge retry number does not overflow", 200, 500 * time.Millisecond, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 100 {
				d := b.Wait(tc.k)
				assert.GreaterOrEqual(t, d, tc.lo)
				assert.Less(t, d, tc.hi)
			}
		})
	}
}

func TestRetry(t *testing.T) {
	flaky := errors.New("flaky")
	tests := []struct {
		name      string
		failures  int // the first tries that fail
		attempts  int
		cancelled bool
		wantTries int
		wantErr   string
	}{
		{"returns at once when the first try works", 0, 3, false, 1, ""},
		{"retries until a try works", 2, 5, false, 3, ""},
		{"gives up after the last attempt, naming the count and the cause", 9, 3, false, 3, "gave up after 3 attempts: flaky"},
		{"never retries a cancellation", 9, 5, true, 1, "cancelled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop := newTestLoop(t)
			tries := 0
			task := NewTask(loop.EventLoop, "retrying", func(co Coro) (string, error) {
				b := Backoff{Attempts: tc.attempts, Base: time.Millisecond, Max: 4 * time.Millisecond}
				return Retry(co, loop.EventLoop, b, func(co Coro, try int) (string, error) {
					tries++
					switch {
					case tc.cancelled:
						return "", ErrCancelled
					case try <= tc.failures:
						return "", flaky
					}
					return "ok", nil
				})
			})
			require.NoError(t, loop.Run(), "Run")
			v, err := task.Result()
			assert.Equal(t, tc.wantTries, tries, "tries")
			if tc.wantErr != "" {
				assert.EqualError(t, err, tc.wantErr)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, "ok", v)
		})
	}
}

func TestRetryGetsAnAnswerFromAServerThatResetsEveryOtherRequest(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{Delay: 20 * time.Millisecond, FailEvery: 2})
	server := resolveForTest(t, srv.Addr())
	loop := newTestLoop(t)
	var tasks []*Task[string]
	for req := 1; req <= 6; req++ {
		tasks = append(tasks, NewTask(loop.EventLoop, "retrying", func(co Coro) (string, error) {
			b := Backoff{Attempts: 5, Base: 10 * time.Millisecond}
			return Retry(co, loop.EventLoop, b, func(co Coro, try int) (string, error) {
				return Await(co, requestTask(loop, server, req))
			})
		}))
	}
	require.NoError(t, loop.Run(), "Run")
	for _, task := range tasks {
		_, err := task.Result()
		assert.NoError(t, err, "%v", task)
	}
	assert.Positive(t, srv.Stats().Failed, "some tries failed and were retried")
}
