package stagecli

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/loopfromscratch/loop/internal/slowserver"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name   string
		report func(r *Run)
		want   string
	}{
		{
			name:   "all answered: the count, the time, and one at a time",
			report: func(r *Run) { r.Answered(1, []byte("a\n")); r.Answered(2, []byte("b\n")) },
			want:   "2 responses in 5.00s — one at a time would take 60s",
		},
		{
			name:   "some failed: answered of total, and the failures",
			report: func(r *Run) { r.Answered(1, []byte("a\n")); r.Failed(2, errors.New("boom")) },
			want:   "1 of 2 answered, 1 failed, in 5.00s",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			// Neither request calls Began, so each one's time counts from
			// the start of the run: both answers come at 30 s, 60 s in all.
			r, clock := fakeRun(2, &out)
			*clock = 30 * time.Second
			tc.report(r)
			assert.Equal(t, tc.want, r.summary(5*time.Second))
		})
	}
}

func TestCheckCatchesAStageThatReportsWrongly(t *testing.T) {
	var out bytes.Buffer
	r := newRun(3, nil, nil, &out, &out, time.Now())
	r.Answered(1, []byte("a\n"))
	r.Failed(1, errors.New("again"))
	r.Answered(7, []byte("b\n"))
	err := r.check()
	assert.ErrorContains(t, err, "request 1 was reported twice")
	assert.ErrorContains(t, err, "request 7 does not exist (ids run 1..3)")
	assert.ErrorContains(t, err, "2 request(s) never reported, first request 2")
}

func TestRoughly(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"},
		{8300 * time.Millisecond, "8.3s"},
		{9940 * time.Millisecond, "9.9s"},
		{9960 * time.Millisecond, "10s"},
		{50*time.Second + 200*time.Millisecond, "50s"},
		{999 * time.Second, "999s"},
		{1000 * time.Second, "1,000s"},
		{3599 * time.Second, "3,599s"},
		{10_000 * time.Second, "10,000s (2.8 hours)"},
		{10_012*time.Second + 600*time.Millisecond, "10,013s (2.8 hours)"},
		{168_202 * time.Second, "168,202s (47 hours)"},
		{1_000_000 * time.Hour, "3,600,000,000s (1,000,000 hours)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, roughly(tc.d), "roughly(%v)", tc.d)
	}
}

// fakeRun is a Run of n requests whose clock moves only when the test sets
// *clock, the time since the start of the run.
func fakeRun(n int, out *bytes.Buffer) (*Run, *time.Duration) {
	r := newRun(n, nil, nil, out, out, time.Now())
	clock := new(time.Duration)
	r.now = func() time.Duration { return *clock }
	return r, clock
}

// step is one thing that happens at a time in a run driven by a fake
// clock: request req begins, or is answered.
type step struct {
	at     time.Duration
	req    int
	answer bool // false: Began
}

func TestOneAtATimeIsTheSumOfEachAnsweredRequestsOwnTime(t *testing.T) {
	s := time.Second
	tests := []struct {
		name  string
		n     int
		steps []step
		want  time.Duration
	}{
		{
			name: "sequential: ten 1s requests, each begun when the one before is answered, take 10s (not 55s)",
			n:    10,
			steps: func() []step {
				var steps []step
				for req := 1; req <= 10; req++ {
					at := time.Duration(req-1) * s
					steps = append(steps, step{at, req, false}, step{at + s, req, true})
				}
				return steps
			}(),
			want: 10 * s,
		},
		{
			name:  "staggered: begun at 0s, 1s and 2s, all answered at 5s, they took 5s + 4s + 3s",
			n:     3,
			steps: []step{{0, 1, false}, {1 * s, 2, false}, {2 * s, 3, false}, {5 * s, 1, true}, {5 * s, 2, true}, {5 * s, 3, true}},
			want:  12 * s,
		},
		{
			name:  "overlapping: begun at 0s and 2s, answered at 3s and 4s, they took 3s + 2s",
			n:     2,
			steps: []step{{0, 1, false}, {2 * s, 2, false}, {3 * s, 1, true}, {4 * s, 2, true}},
			want:  5 * s,
		},
		{
			name:  "a request the stage never called Began for counts from the start of the run",
			n:     2,
			steps: []step{{1 * s, 1, false}, {3 * s, 1, true}, {3 * s, 2, true}},
			want:  2*s + 3*s,
		},
		{
			name:  "when Began is called twice, the last call counts",
			n:     1,
			steps: []step{{1 * s, 1, false}, {2 * s, 1, false}, {5 * s, 1, true}},
			want:  3 * s,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r, clock := fakeRun(tc.n, &out)
			for _, st := range tc.steps {
				*clock = st.at
				if st.answer {
					r.Answered(st.req, []byte("ok\n"))
				} else {
					r.Began(st.req)
				}
			}
			assert.Equal(t, tc.want, r.sum, "sum of own times")
			assert.NoError(t, r.check(), "every request reported once")
		})
	}
}

func TestOneAtATimeLeavesOutFailedRequests(t *testing.T) {
	var out bytes.Buffer
	r, clock := fakeRun(3, &out)
	r.Began(1)
	r.Began(2)
	r.Began(3)
	*clock = 2 * time.Second
	r.Answered(1, []byte("ok\n"))
	r.Failed(2, errors.New("reset"))
	*clock = 4 * time.Second
	r.Answered(3, []byte(slowserver.BusyReply+"\n")) // not an answer either

	assert.Equal(t, 2*time.Second, r.sum, "only request 1 was answered")
	assert.Equal(t, "1 of 3 answered, 2 failed, in 4.00s", r.summary(4*time.Second))
}

func TestTheSummaryOfALongRunSaysHours(t *testing.T) {
	// 10,000 requests to a 1 s server, all begun at once and answered about
	// 1 s later: one at a time would take 10,000 s, whatever order they
	// come back in.
	var out bytes.Buffer
	const n = 10_000
	r, clock := fakeRun(n, &out)
	for req := 1; req <= n; req++ {
		*clock = time.Duration(req) * 50 * time.Microsecond // the connect storm: 0.5 s to open them all
		r.Began(req)
	}
	for req := 1; req <= n; req++ {
		*clock = time.Second + time.Duration(req)*50*time.Microsecond
		r.Answered(req, []byte("ok\n"))
	}
	assert.Equal(t, "10000 responses in 1.50s — one at a time would take 10,000s (2.8 hours)", r.summary(1500*time.Millisecond))
}

func TestBeganForARequestThatDoesNotExistIsABug(t *testing.T) {
	var out bytes.Buffer
	r, _ := fakeRun(2, &out)
	r.Began(0) // outside the run: not counted, not a bug
	r.Began(-1)
	r.Began(3)
	r.Answered(1, []byte("a\n"))
	r.Answered(2, []byte("b\n"))
	err := r.check()
	assert.ErrorContains(t, err, "Began(-1): request -1 does not exist (ids run 1..2)")
	assert.NotContains(t, err.Error(), "Began(0)")
	assert.ErrorContains(t, err, "Began(3): request 3 does not exist")
}

func TestARunMadeByHandKeepsNoTimes(t *testing.T) {
	r := &Run{N: 2_000} // as a stage's test makes one, for a request's server and size
	assert.NotPanics(t, func() { r.Began(1_500) }, "Began on a Run with no records")
	assert.Empty(t, r.bugs, "nothing recorded")
}

func TestTimedOut(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		want    string
	}{
		{"the default says 30s", DefaultTimeout, "request 2 failed: no reply after 30s (timeout)"},
		{"2s as typed", 2 * time.Second, "request 2 failed: no reply after 2s (timeout)"},
		{"a minute says 1m, not 1m0s", time.Minute, "request 2 failed: no reply after 1m (timeout)"},
		{"milliseconds stay milliseconds", 500 * time.Millisecond, "request 2 failed: no reply after 500ms (timeout)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r, clock := fakeRun(2, &out)
			r.Timeout = tc.timeout
			r.Began(2)
			*clock = tc.timeout
			r.TimedOut(2)
			assert.Contains(t, out.String(), tc.want+"\n", "the line printed")
			assert.Equal(t, 1, r.failed, "failed count")
			assert.Equal(t, time.Duration(0), r.sum, "a timed-out request is not in the one-at-a-time sum")
		})
	}
}

func TestTheErrorOfATimedOutRequestIsErrTimeout(t *testing.T) {
	err := error(timeoutError{after: "2s"})
	assert.ErrorIs(t, err, ErrTimeout)
	assert.EqualError(t, err, "no reply after 2s (timeout)")
}

func TestTimeLeftCountsDownFromTheStartOfTheRunAndStopsAtZero(t *testing.T) {
	var out bytes.Buffer
	r, clock := fakeRun(1, &out)
	r.Timeout = 2 * time.Second
	assert.Equal(t, 2*time.Second, r.TimeLeft(), "at the start")
	*clock = 1500 * time.Millisecond
	assert.Equal(t, 500*time.Millisecond, r.TimeLeft(), "1.5 s in")
	*clock = 3 * time.Second
	assert.Equal(t, time.Duration(0), r.TimeLeft(), "past the deadline")
}

func TestFormatTimeout(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                      "30s",
		2 * time.Second:                       "2s",
		1500 * time.Millisecond:               "1.5s",
		90 * time.Second:                      "1m30s",
		time.Minute:                           "1m",
		time.Hour:                             "1h",
		time.Hour + 30*time.Minute:            "1h30m",
		time.Hour + 10*time.Second:            "1h0m10s",
		250 * time.Millisecond:                "250ms",
		10*time.Minute + 500*time.Millisecond: "10m0.5s",
	} {
		assert.Equal(t, want, formatDuration(d), "formatDuration(%v)", d)
	}
}
