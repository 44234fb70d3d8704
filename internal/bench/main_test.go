package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind: runChild's
// output copiers and startServer's reader must all end with their process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		runs    int
		wantErr string
	}{
		{"three runs by default", nil, 3, ""},
		{"-quick makes it one run", []string{"-quick"}, 1, ""},
		{"-quick keeps a -runs given", []string{"-quick", "-runs", "2"}, 2, ""},
		{"-runs 0 is refused", []string{"-runs", "0"}, 0, "-runs 0: want 1 to 100"},
		{"an unknown -only is refused", []string{"-only", "http"}, 0, `-only "http": want sleep, conns or fdlimit`},
		{"-svg without the sleep benchmark is refused", []string{"-only", "conns", "-svg", "x.svg"}, 0, "-svg draws the sleep benchmark"},
		{"an argument is refused", []string{"sleep"}, 0, `unexpected argument "sleep"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args)
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr, "parseFlags(%q)", tc.args)
				return
			}
			assert.NoError(t, err, "parseFlags(%q)", tc.args)
			assert.Equal(t, tc.runs, o.runs)
		})
	}
}
