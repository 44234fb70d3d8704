// Retrying with exponential backoff and jitter. A request that fails for a
// passing reason (a reset, an overloaded server) is worth another try, but
// not at once and not in step with everybody else: each retry waits twice
// as long as the one before, up to a cap, and a random part of that wait
// (the jitter) spreads clients that failed together so they do not come
// back together. The waits are loop.Sleep: other requests run meanwhile.

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Backoff says how often and how patiently Retry tries.
type Backoff struct {
	Attempts int           // tries in all, the first included (≥ 1)
	Base     time.Duration // the wait before the first retry, before jitter
	Max      time.Duration // no wait is longer than this; 0 means no cap
	// Rand draws the jitter; nil uses math/rand/v2's global source. Tests
	// pass a seeded one.
	Rand *rand.Rand
}

//docs:begin Backoff

// Wait is how long to wait before retry number k (1 for the first retry):
// Base × 2^(k-1), capped at Max, of which a random half is kept ("equal
// jitter": at least half the wait, so retries never bunch up at zero).
func (b Backoff) Wait(k int) time.Duration {
	d := b.Base << min(k-1, 30)
	if b.Max > 0 && (d > b.Max || d <= 0) {
		d = b.Max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(b.randN(int64(half)))
}

//docs:end Backoff

func (b Backoff) randN(n int64) int64 {
	if b.Rand != nil {
		return b.Rand.Int64N(n)
	}
	return rand.Int64N(n)
}

//docs:begin Retry

// Retry calls attempt until it succeeds or b.Attempts tries have failed,
// sleeping b.Wait(k) on the loop before retry k. attempt gets the try's
// number, from 1. A cancellation is never retried: the task was asked to
// stop. The error after the last try names how many there were and wraps
// the last cause.
func Retry[T any](co Coro, loop *EventLoop, b Backoff, attempt func(co Coro, try int) (T, error)) (T, error) {
	var zero T
	for try := 1; ; try++ {
		v, err := attempt(co, try)
		switch {
		case err == nil:
			return v, nil
		case errors.Is(err, ErrCancelled):
			return zero, err
		case try >= b.Attempts:
			return zero, fmt.Errorf("gave up after %d attempts: %w", try, err)
		}
		if _, err := Await(co, loop.Sleep(b.Wait(try))); err != nil {
			return zero, err
		}
	}
}

//docs:end Retry
