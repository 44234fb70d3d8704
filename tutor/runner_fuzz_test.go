// This fuzz target specifies the trace-line reader, parseLine: whatever a
// stage writes to stderr, it never panics; a JSON event line is read as
// that event and writes back the same; any other line is kept, byte for
// byte, as text to show. Run it with
//
//	go test ./tutor -run '^$' -fuzz FuzzParseLine -fuzztime 10s

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseLine(f *testing.F) {
	// Every line of the recorded traces, and lines a stage may print.
	traces, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range traces {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f.Add(bytes.Clone(sc.Bytes()))
		}
	}
	for _, line := range []string{
		"",
		"panic: runtime error: index out of range [10] with length 10",
		"stage1-callbacks: the stage has a bug: panic: boom",
		"{",
		"{}",
		`{"ev":""}`,
		`{"ev":"response","req":3} trailing`,
		`{"t_us":"soon","ev":"ready"}`,
		`{"ev":"ready","ready":[]}`,
		`{"ev":"done","ok":10,"elapsed_us":9223372036854775807}`,
		" {\"ev\":\"start\"}",
		"{\"ev\":\"error\",\"err\":\"\xff\xfe\"}",
	} {
		f.Add([]byte(line))
	}

	f.Fuzz(func(t *testing.T, line []byte) {
		it := parseLine(line)
		if it.IsRaw {
			if it.Raw != string(line) {
				t.Fatalf("a text line is shown as %q, not as written: %q", it.Raw, line)
			}
			return
		}
		if it.Event.Ev == "" || len(line) == 0 || line[0] != '{' {
			t.Fatalf("%q read as an event without a kind, or not starting with {: %+v", line, it.Event)
		}
		// The event writes back as a line that reads as the same event.
		out, err := json.Marshal(it.Event)
		if err != nil {
			t.Fatalf("the event read from %q does not marshal: %v", line, err)
		}
		again := parseLine(out)
		if again.IsRaw {
			t.Fatalf("the event read from %q writes back as %s, which reads as text", line, out)
		}
		back, err := json.Marshal(again.Event)
		if err != nil || !bytes.Equal(out, back) {
			t.Fatalf("the event read from %q does not round-trip:\n first %s\nsecond %s (%v)", line, out, back, err)
		}
	})
}
