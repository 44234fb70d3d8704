package stagecli

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestOneLine(t *testing.T) {
	tests := []struct {
		name    string
		reply   string
		want    string
		wantErr string
	}{
		{"a line ending in a newline is the reply", "Response to Request 7\n", "Response to Request 7", ""},
		{"a carriage return before the newline is dropped", "pong\r\n", "pong", ""},
		{"nothing at all means the server closed without a reply", "", "", "closed the connection without a reply"},
		{"no newline is malformed", "Response", "", "not one line ending in a newline"},
		{"two lines are malformed", "a\nb\n", "", "not one line ending in a newline"},
		{"bytes that are not text are malformed", "\xff\xfe\n", "", "not text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := oneLine([]byte(tc.reply))
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

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
			// Each answer comes 30 s into the run, give or take the few
			// microseconds the test takes: the sum rounds to 60s.
			r := newRun(2, nil, nil, &out, &out, time.Now().Add(-30*time.Second))
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
	assert.Equal(t, "50s", roughly(50*time.Second+200*time.Millisecond))
	assert.Equal(t, "8.3s", roughly(8300*time.Millisecond))
}
