// Command floorclient measures the floors of the connections benchmark,
// the least a client of n requests at once can take, two ways; both print
// the outcome line every Go peer prints (peers/outcome): how many were
// answered and the time from the first socket to the last answer.
//
// By default, the kernel's work alone, on one thread (blocking.go): no
// loop, task or goroutine per request, blocking sockets, and the fewest
// system calls a client can make (socket, connect, write, read, close).
//
// With -coroutines, the least a design like stage 4's can take
// (coroutines.go): a coroutine per request on one epoll loop, non-blocking
// sockets, and nothing else of stage 4: no task, future, callback or
// timer.
//
//	floorclient -addr 127.0.0.1:8080 -n 10000 -timeout 30s [-coroutines]
//
// Neither is a client to copy: -timeout is the whole run's, not a
// request's, and a request that never answers holds the run up until it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "slow server `host:port` (IPv4)")
	n := flag.Int("n", 10, "requests to send")
	timeout := flag.Duration("timeout", 30*time.Second, "give up on the whole run after `d`")
	coroutines := flag.Bool("coroutines", false, "a coroutine per request on an epoll loop, instead of blocking sockets")
	flag.Parse()
	server, err := sockaddr(*addr)
	if err != nil || *n < 1 || *timeout <= 0 {
		fmt.Fprintf(os.Stderr, "floorclient: want -addr ipv4:port, -n ≥ 1 and -timeout > 0 (%v)\n", err)
		os.Exit(2)
	}
	// Neither a blocking call nor epoll_wait with no timeout can be
	// interrupted; a timer on another thread ends the process instead.
	time.AfterFunc(*timeout, func() {
		got := int(answered.Load())
		report(outcome.Outcome{Answered: got, Failed: *n - got, Seconds: timeout.Seconds(), Error: fmt.Sprintf("no end after %v", *timeout)})
	})
	if *coroutines {
		// Not locked to a thread, as stage 4's loop is not: the loop and
		// its coroutines take turns, never in parallel.
		out, err := fetchAllOnCoroutines(server, *n)
		if err != nil {
			fmt.Fprintf(os.Stderr, "floorclient: %v\n", err)
			os.Exit(2)
		}
		report(out)
	}
	runtime.LockOSThread()       // one thread does every blocking system call
	report(fetchAll(server, *n)) // report exits: one of the two runs
}

// answered counts the answers read so far, for the timeout's report.
var answered atomic.Int64

// reporting lets one report through: the run's or the timeout's.
var reporting sync.Mutex

// report prints out and exits: 1 if a request failed, else 0. A second
// report waits for the first one's exit.
func report(out outcome.Outcome) {
	reporting.Lock()
	outcome.Exit(out)
}

// sockaddr parses "127.0.0.1:8080".
func sockaddr(addr string) (*unix.SockaddrInet4, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	if !ap.Addr().Is4() {
		return nil, fmt.Errorf("%s: not IPv4", addr)
	}
	return &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}, nil
}

// receive reads until a newline or the end of the stream; the server's
// busy line is a failure. A read that says EAGAIN (a non-blocking socket
// with nothing yet) calls wait, which returns once the socket is readable
// again, or false to give up; a blocking socket never says it (wait nil).
func receive(fd int, wait func() bool) error {
	var buf [128]byte
	got := 0
	for {
		n, err := unix.Read(fd, buf[got:])
		switch {
		case errors.Is(err, unix.EAGAIN) && wait != nil:
			if !wait() {
				return errStopped
			}
			continue
		case err != nil:
			return fmt.Errorf("receive: %w", err)
		case n == 0 && got == 0:
			return fmt.Errorf("receive: closed before any answer")
		case n == 0 || bytes.IndexByte(buf[got:got+n], '\n') >= 0:
			if bytes.HasPrefix(buf[:got+n], []byte("busy:")) {
				return fmt.Errorf("server busy")
			}
			return nil
		}
		got += n
		if got == len(buf) {
			return fmt.Errorf("receive: no newline in %d bytes", got)
		}
	}
}

// errStopped is what a request returns when its wait gives up.
var errStopped = errors.New("stopped")
