package stagecli

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// timerQueue stands in for a stage's loop: after queues fn, and run calls
// the queued functions in turn until none is left (or limit calls, so a
// tick that never stops fails the test instead of hanging it).
type timerQueue struct{ fns []func() }

func (q *timerQueue) after(_ time.Duration, fn func()) func() bool {
	q.fns = append(q.fns, fn)
	i := len(q.fns) - 1
	return func() bool {
		cancelled := q.fns[i] != nil
		q.fns[i] = nil
		return cancelled
	}
}

func (q *timerQueue) run(limit int) (calls int) {
	for i := 0; i < len(q.fns) && calls < limit; i++ {
		if fn := q.fns[i]; fn != nil {
			q.fns[i] = nil
			fn()
			calls++
		}
	}
	return calls
}

func TestProgressTicksStopAtTheRunsDeadlineWhenARequestIsLost(t *testing.T) {
	var out bytes.Buffer
	r := newRun(progressAbove+1, nil, nil, &out, &out, time.Now().Add(-time.Hour))
	r.Timeout = time.Minute // an hour has passed: no time left
	q := &timerQueue{}
	ShowProgress(r, q.after) // no request ever reports, so stop is never called
	assert.Equal(t, 1, q.run(1000), "one tick, then none: the loop would end")
}

func TestProgressTicksUntilStopWhileTimeIsLeft(t *testing.T) {
	var out bytes.Buffer
	r := newRun(progressAbove+1, nil, nil, &out, &out, time.Now())
	q := &timerQueue{}
	stop := ShowProgress(r, q.after)
	assert.Equal(t, 50, q.run(50), "ticks go on while requests are pending and time is left")
	stop()
	assert.Zero(t, q.run(50), "none after stop")
}

func TestAShortRunHasNoTicks(t *testing.T) {
	var out bytes.Buffer
	r := newRun(progressAbove, nil, nil, &out, &out, time.Now())
	q := &timerQueue{}
	ShowProgress(r, q.after)()
	assert.Zero(t, q.run(10), "no ticks for a run of %d", progressAbove)
}
