package stagecli

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/trace"
)

// answerAll is a stage that needs no network: it answers every request at
// once.
func answerAll(run *Run) error {
	for req := 1; req <= run.N; req++ {
		run.Began(req)
		run.Answered(req, []byte("ok\n"))
	}
	return nil
}

// mainResult is what one call of Main produced.
type mainResult struct {
	code           int
	stdout, stderr string
}

func runMain(args []string, fetch FetchFunc) mainResult {
	var stdout, stderr bytes.Buffer
	code := Main("stagex", args, &stdout, &stderr, fetch)
	return mainResult{code, stdout.String(), stderr.String()}
}

func TestEveryBadFlagIsOneLineAndExit2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"refuses zero requests", []string{"-n", "0"}, "-n 0: need at least one request"},
		{"refuses a negative count", []string{"-n", "-3"}, "-n -3: need at least one request"},
		{"refuses the largest int before allocating anything", []string{"-n", "9223372036854775807"}, "-n 9223372036854775807: at most 1,000,000 requests"},
		{"refuses a hundred billion requests before allocating anything", []string{"-n", "100000000000"}, "at most 1,000,000 requests"},
		{"refuses one more than the ceiling", []string{"-n", "1000001"}, "at most 1,000,000 requests"},
		{"refuses a count beyond any int", []string{"-n", "99999999999999999999"}, `invalid value "99999999999999999999" for flag -n`},
		{"refuses a count that is not a number", []string{"-n", "ten"}, `invalid value "ten" for flag -n`},
		{"refuses a negative delay", []string{"-delay", "-1s"}, "-delay -1s: a delay cannot be negative"},
		{"refuses a delay beyond the ceiling", []string{"-delay", "2h"}, "-delay 2h: at most 1h"},
		{"refuses a delay beyond any duration", []string{"-delay", "9223372036854775807h"}, `invalid value "9223372036854775807h" for flag -delay`},
		{"refuses a delay without a unit", []string{"-delay", "5"}, `invalid value "5" for flag -delay`},
		{"refuses a negative -fail-every", []string{"-fail-every", "-1"}, "-fail-every -1: cannot be negative"},
		{"refuses -fail-every for a server it did not start", []string{"-addr", "127.0.0.1:1", "-fail-every", "2"}, "-fail-every sets up the embedded slow server"},
		{"refuses an address that is not host:port", []string{"-addr", "nonsense"}, "-addr nonsense: want an IPv4 host:port such as 127.0.0.1:8080"},
		{"refuses an address without a host's port", []string{"-addr", "127.0.0.1"}, "-addr 127.0.0.1: want an IPv4 host:port"},
		{"refuses a port out of range", []string{"-addr", "127.0.0.1:99999"}, "-addr 127.0.0.1:99999: want an IPv4 host:port"},
		{"refuses port 0", []string{"-addr", "127.0.0.1:0"}, "port 0 is not a port a server listens on"},
		{"refuses an IPv6 address", []string{"-addr", "[::1]:8080"}, "-addr [::1]:8080: want an IPv4 host:port"},
		{"refuses a stray argument", []string{"extra"}, `unexpected argument "extra"`},
		{"refuses an unknown flag", []string{"-bogus"}, "flag provided but not defined: -bogus (see -help)"},
		{"refuses a flag without its value", []string{"-n"}, "flag needs an argument: -n"},
		{"refuses a trace file it cannot create", []string{"-trace", filepath.Join(t.TempDir(), "no", "such", "dir")}, "-trace: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			res := runMain(tc.args, func(run *Run) error { called = true; return answerAll(run) })

			assert.Equal(t, ExitUsage, res.code, "exit code; stderr: %s", res.stderr)
			assert.False(t, called, "the stage never runs")
			assert.Empty(t, res.stdout, "nothing on stdout")
			assert.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line on stderr: %q", res.stderr)
			assert.True(t, strings.HasPrefix(res.stderr, "stagex: "), "the line names the program: %q", res.stderr)
			assert.Contains(t, res.stderr, tc.want, "the line says what is wrong")
		})
	}
}

func TestGoodFlagsAtTheirLimitsRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"one request", []string{"-n", "1", "-delay", "0s"}},
		{"a delay of 0", []string{"-n", "2", "-delay", "0s"}},
		{"a name that resolves to IPv4", []string{"-n", "2", "-addr", "localhost:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runMain(tc.args, answerAll)
			assert.Equal(t, ExitOK, res.code, "exit code; stderr: %s", res.stderr)
		})
	}
}

func TestHelpPrintsUsageAndTheCeilings(t *testing.T) {
	res := runMain([]string{"-help"}, answerAll)
	assert.Equal(t, ExitOK, res.code, "exit code")
	assert.Contains(t, res.stderr, "Usage of stagex:")
	assert.Contains(t, res.stderr, "1 to 1,000,000", "-n says its ceiling")
	assert.Contains(t, res.stderr, "0 to 1h", "-delay says its ceiling")
}

func TestCheckTimeout(t *testing.T) {
	tests := []struct {
		d       time.Duration
		wantErr string
	}{
		{time.Nanosecond, ""},
		{2 * time.Second, ""},
		{DefaultTimeout, ""},
		{MaxTimeout, ""},
		{0, "-timeout 0s: must be more than 0"},
		{-time.Second, "-timeout -1s: must be more than 0"},
		{MaxTimeout + time.Nanosecond, "-timeout 1h0m0.000000001s: at most 1h"},
		{1<<63 - 1, "-timeout 2562047h47m16.854775807s: at most 1h"},
	}
	for _, tc := range tests {
		err := checkTimeout(tc.d)
		if tc.wantErr == "" {
			assert.NoError(t, err, "checkTimeout(%v)", tc.d)
		} else {
			assert.EqualError(t, err, tc.wantErr, "checkTimeout(%v)", tc.d)
		}
	}
}

func TestTheTimeoutReachesTheRun(t *testing.T) {
	var got time.Duration
	res := runMain([]string{"-n", "1"}, func(run *Run) error { got = run.Timeout; return answerAll(run) })
	require.Equal(t, ExitOK, res.code, "exit code; stderr: %s", res.stderr)
	assert.Equal(t, DefaultTimeout, got, "Run.Timeout without -timeout")
}

func TestAStageThatPanicsExits3AfterFlushingTheTraceAndStoppingTheServer(t *testing.T) {
	tracePath := filepath.Join(t.TempDir(), "trace.jsonl")
	var server string
	res := runMain([]string{"-n", "3", "-delay", "0s", "-trace", tracePath}, func(run *Run) error {
		server = net.JoinHostPort(net.IP(run.Server.Addr[:]).String(), strconv.Itoa(run.Server.Port))
		run.Answered(1, []byte("ok\n"))
		var fds []int
		fds[run.N]++ // an index out of range: the kind of bug a learner's edit makes
		return nil
	})

	assert.Equal(t, ExitBug, res.code, "exit code")
	first, stack, _ := strings.Cut(res.stderr, "\n")
	assert.Equal(t, "stagex: the stage has a bug: panic: runtime error: index out of range [3] with length 0", first, "the first line on stderr")
	assert.Contains(t, stack, "stagecli.TestAStageThatPanics", "the stack follows, down to the function that panicked")
	assert.NotContains(t, res.stdout, "responses in", "no summary for a run that crashed")

	f, err := os.Open(tracePath)
	require.NoError(t, err, "opening the trace")
	defer f.Close()
	events, err := trace.ReadAll(f)
	require.NoError(t, err, "reading the trace")
	require.NotEmpty(t, events, "the trace was flushed")
	assert.Equal(t, trace.Done, events[len(events)-1].Ev, "the trace ends with done")
	assert.Equal(t, 1, events[len(events)-1].OK, "done counts the one answer before the panic")

	_, err = net.DialTimeout("tcp4", server, 5*time.Second)
	assert.Error(t, err, "the embedded server at %s is shut down", server)
}

func TestAStageThatReportsWronglyExits3(t *testing.T) {
	tests := []struct {
		name  string
		fetch FetchFunc
		want  string
	}{
		{
			name:  "a request reported twice",
			fetch: func(run *Run) error { _ = answerAll(run); run.Failed(2, errors.New("again")); return nil },
			want:  "stagex: the stage has a bug: request 2 was reported twice\n",
		},
		{
			name:  "a request never reported",
			fetch: func(run *Run) error { run.Answered(1, []byte("ok\n")); return nil },
			want:  "stagex: the stage has a bug: 1 request(s) never reported, first request 2\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runMain([]string{"-n", "2", "-addr", "127.0.0.1:1"}, tc.fetch)
			assert.Equal(t, ExitBug, res.code, "exit code")
			assert.Equal(t, tc.want, res.stderr, "stderr")
		})
	}
}

func TestAStageThatStopsWithAnErrorExits1(t *testing.T) {
	res := runMain([]string{"-n", "2", "-addr", "127.0.0.1:1"}, func(run *Run) error { return errors.New("select: too many fds") })
	assert.Equal(t, ExitFailed, res.code, "exit code")
	assert.Equal(t, "stagex: select: too many fds\n", res.stderr, "stderr")
}
