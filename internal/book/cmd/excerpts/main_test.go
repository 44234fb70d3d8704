// This file specifies the command's arguments through run. The check itself
// is the book package's TestEveryExcerptMatchesItsSource.

package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{"prints help on stdout with exit code 0", []string{"-h"}, 0, "usage: go run ./internal/book/cmd/excerpts [-w]", ""},
		{"refuses an unknown flag in one line", []string{"-x"}, 2, "", "excerpts: flag provided but not defined: -x (see -h)\n"},
		{"refuses a stray argument in one line", []string{"docs"}, 2, "", "excerpts: unexpected argument \"docs\" (see -h)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tt.code, run(tt.args, &stdout, &stderr), "exit code; stderr %q", stderr.String())
			assert.Equal(t, tt.wantStderr, stderr.String(), "stderr")
			if tt.wantStdout == "" {
				assert.Empty(t, stdout.String(), "stdout")
			} else {
				assert.Contains(t, stdout.String(), tt.wantStdout, "stdout")
			}
		})
	}
}
