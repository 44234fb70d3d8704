package trace

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestATraceReadsBackAsItWasWritten(t *testing.T) {
	var buf bytes.Buffer
	tr := New(&buf, time.Now())
	tr.Emit(Event{Ev: Start, Stage: "stage1-callbacks", N: 2, Addr: "127.0.0.1:1"})
	tr.Emit(Event{Ev: Ready, Ready: []int{5, 6}, WaitedUS: 12})
	tr.Emit(Event{Ev: Done, OK: 2})
	require.NoError(t, tr.Flush(), "Flush")

	events, err := ReadAll(&buf)
	require.NoError(t, err, "ReadAll")
	require.Len(t, events, 3)
	assert.Equal(t, Start, events[0].Ev)
	assert.Equal(t, "stage1-callbacks", events[0].Stage)
	assert.Equal(t, []int{5, 6}, events[1].Ready)
	assert.Equal(t, 2, events[2].OK)
	assert.LessOrEqual(t, events[0].TUS, events[2].TUS, "time never runs backwards")
}

func TestANilTracerWritesNothingAndNeverFails(t *testing.T) {
	var tr *Tracer
	assert.False(t, tr.Enabled())
	assert.NotPanics(t, func() { tr.Emit(Event{Ev: Start}) })
	assert.NoError(t, tr.Flush())
}

func TestTheLoopsSleepFlushesTheTraceForLiveReaders(t *testing.T) {
	var buf bytes.Buffer
	tr := New(&buf, time.Now())
	tr.Emit(Event{Ev: Socket, Req: 1, FD: 5})
	assert.Zero(t, buf.Len(), "an ordinary event stays buffered")
	tr.Emit(Event{Ev: Wait, FDs: 1, TimeoutUS: -1})
	assert.Equal(t, 2, strings.Count(buf.String(), "\n"), "both events are out before the loop sleeps")
}

func TestDecoder(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		kinds   []Kind
		wantErr string
	}{
		{"skips blank lines", "{\"t_us\":1,\"ev\":\"start\"}\n\n{\"t_us\":2,\"ev\":\"done\"}\n", []Kind{Start, Done}, ""},
		{"keeps kinds it does not know, for readers to ignore", "{\"t_us\":1,\"ev\":\"from_the_future\",\"x\":1}\n", []Kind{"from_the_future"}, ""},
		{"names the line that is not JSON", "{\"t_us\":1,\"ev\":\"start\"}\npanic: boom\n", []Kind{Start}, "trace line 2"},
		{"refuses an object without a kind", "{\"t_us\":1}\n", nil, "no \"ev\" field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(strings.NewReader(tc.input))
			var kinds []Kind
			var err error
			for {
				var e Event
				e, err = d.Next()
				if err != nil {
					break
				}
				kinds = append(kinds, e.Ev)
			}
			assert.Equal(t, tc.kinds, kinds)
			if tc.wantErr == "" {
				assert.ErrorIs(t, err, io.EOF)
			} else {
				assert.ErrorContains(t, err, tc.wantErr)
			}
		})
	}
}
