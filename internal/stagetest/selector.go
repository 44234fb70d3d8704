// The select(2) selector of stages 1 to 3, as a specification: which fds
// one Select reports ready. Each case builds real sockets (Unix socket
// pairs) in a known state, so a wrong fd set, a ready fd read back wrong
// or an off-by-one in select's first argument fails a case named after
// what it broke, before any whole program runs.

package stagetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// SelectOnce registers reads for reading and writes for writing on a fresh
// selector of the stage, calls its Select once with timeout, and returns
// the fds it reported ready.
type SelectOnce func(reads, writes []int, timeout time.Duration) ([]int, error)

// pair is one socket pair: the test registers mine and writes from peer.
type pair struct{ mine, peer int }

// SelectorReportsReadyFDs checks a select(2) selector: a socket registered
// for write is reported (a fresh one has room), one registered for read
// only once a byte arrived, every ready fd is reported and none that is
// not, the highest fd included.
func SelectorReportsReadyFDs(t *testing.T, selectOnce SelectOnce) {
	// Sockets are named by index into the case's pairs; arrived lists the
	// ones whose peer wrote a byte before Select.
	tests := []struct {
		name          string
		pairs         int
		reads, writes []int
		arrived       []int
		want          []int
	}{
		{
			name:  "reports a socket registered for write: a fresh socket has room",
			pairs: 1, writes: []int{0},
			want: []int{0},
		},
		{
			name:  "does not report a socket registered for read while nothing has arrived",
			pairs: 1, reads: []int{0},
			want: nil,
		},
		{
			name:  "reports a socket registered for read once a byte arrived",
			pairs: 1, reads: []int{0}, arrived: []int{0},
			want: []int{0},
		},
		{
			name:  "reports every ready socket, not only the first",
			pairs: 4, reads: []int{0, 1, 2, 3}, arrived: []int{0, 1, 2, 3},
			want: []int{0, 1, 2, 3},
		},
		{
			name:  "reports the highest fd too (select's first argument is the highest fd plus one)",
			pairs: 3, reads: []int{0, 1, 2}, arrived: []int{2},
			want: []int{2},
		},
		{
			name:  "reports the sockets ready for what each waits for, and only those",
			pairs: 4, reads: []int{0, 1}, writes: []int{2, 3}, arrived: []int{1},
			want: []int{1, 2, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pairs := socketPairs(t, tc.pairs)
			for _, i := range tc.arrived {
				_, err := unix.Write(pairs[i].peer, []byte("x"))
				require.NoError(t, err, "writing a byte to socket %d", i)
			}
			mine := func(idx []int) []int {
				fds := make([]int, len(idx))
				for i, j := range idx {
					fds[i] = pairs[j].mine
				}
				return fds
			}
			timeout := time.Second
			if len(tc.want) == 0 {
				timeout = 50 * time.Millisecond // nothing will turn ready: no need to wait long
			}
			ready, err := selectOnce(mine(tc.reads), mine(tc.writes), timeout)
			// A signal may interrupt select(2) (Go preempts goroutines with
			// them): a Select then reports nothing. Ask again, twice at most.
			for try := 0; try < 2 && err == nil && len(ready) == 0 && len(tc.want) > 0; try++ {
				ready, err = selectOnce(mine(tc.reads), mine(tc.writes), timeout)
			}
			require.NoError(t, err, "Select")
			slices.Sort(ready)
			want := mine(tc.want)
			if !slices.Equal(want, ready) {
				assert.Fail(t, wrongReady(pairs, tc.reads, tc.writes, tc.arrived, want, ready))
			}
		})
	}
}

// socketPairs makes n connected Unix socket pairs, closed when the test
// ends. Their fds come in increasing order, so the last pair holds the
// highest fd.
func socketPairs(t *testing.T, n int) []pair {
	t.Helper()
	pairs := make([]pair, n)
	for i := range pairs {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		require.NoError(t, err, "socketpair")
		t.Cleanup(func() {
			_ = unix.Close(fds[0])
			_ = unix.Close(fds[1])
		})
		pairs[i] = pair{mine: fds[0], peer: fds[1]}
	}
	// The peers were made in between: make sure the last "mine" is the
	// highest fd watched, whatever the kernel handed out.
	slices.SortFunc(pairs, func(a, b pair) int { return a.mine - b.mine })
	return pairs
}

// wrongReady says how what Select reported differs from want, fd by fd,
// and what each difference most likely means.
func wrongReady(pairs []pair, reads, writes, arrived []int, want, ready []int) string {
	msg := fmt.Sprintf("Select reported %v, want %v; the sockets: %s", ready, want, describe(pairs, reads, writes, arrived))
	index := func(fd int) int { return slices.IndexFunc(pairs, func(p pair) bool { return p.mine == fd }) }
	for _, fd := range want {
		if slices.Contains(ready, fd) {
			continue
		}
		if slices.Contains(writes, index(fd)) {
			msg += fmt.Sprintf("\nfd %d waits for write and a fresh socket has room: it belongs in select's write set, and must be read back from it", fd)
		} else {
			msg += fmt.Sprintf("\nfd %d waits for read and a byte arrived: it belongs in select's read set, and must be read back from it", fd)
		}
	}
	for _, fd := range ready {
		if !slices.Contains(want, fd) {
			msg += fmt.Sprintf("\nfd %d was reported though nothing arrived for it to read: was it put in the write set?", fd)
		}
	}
	if len(ready) > 0 && len(ready) < len(want) {
		msg += "\nevery fd select marked must be read back, not only the first; and select's first argument is the highest fd plus one"
	}
	return msg
}

// describe says what each socket waited for and whether a byte arrived:
// "fd 5 read (a byte arrived), fd 7 write".
func describe(pairs []pair, reads, writes, arrived []int) string {
	var s string
	add := func(i int, dir string) {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("fd %d %s", pairs[i].mine, dir)
		if slices.Contains(arrived, i) {
			s += " (a byte arrived)"
		}
	}
	for _, i := range reads {
		add(i, "read")
	}
	for _, i := range writes {
		add(i, "write")
	}
	return s
}
