package stagetest

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// selectDirect is select(2) used as the stages use it: the read and write
// sets built from the watched fds, the highest fd plus one, every fd of
// either set read back.
func selectDirect(reads, writes []int, timeout time.Duration) ([]int, error) {
	var readSet, writeSet unix.FdSet
	highest := -1
	for _, fd := range reads {
		readSet.Set(fd)
		highest = max(highest, fd)
	}
	for _, fd := range writes {
		writeSet.Set(fd)
		highest = max(highest, fd)
	}
	tv := unix.NsecToTimeval(timeout.Nanoseconds())
	_, err := unix.Select(highest+1, &readSet, &writeSet, nil, &tv)
	if errors.Is(err, unix.EINTR) {
		return nil, nil // interrupted by a signal: nothing ready, as the stages' Select says
	}
	if err != nil {
		return nil, err
	}
	var ready []int
	for _, fd := range append(append([]int{}, reads...), writes...) {
		if readSet.IsSet(fd) || writeSet.IsSet(fd) {
			ready = append(ready, fd)
		}
	}
	return ready, nil
}

func TestSelectorReportsReadyFDsPassesSelectUsedRightly(t *testing.T) {
	SelectorReportsReadyFDs(t, selectDirect)
}
