// Command floorclient measures the floor of the connections benchmark: the
// kernel's work alone, on one thread. It makes no loop, task or goroutine
// per request: for each of n requests in a row it makes a blocking socket,
// connects (on loopback, connect returns with the handshake done) and
// writes "Request i"; then, for each in the same order, it reads until the
// newline and closes. Every request is in flight before the first answer
// is read, as with the real clients, and the system calls are the fewest a
// client can make: socket, connect, write, read, close. It prints the
// outcome line every Go peer prints (peers/outcome): how many were
// answered and the time from the first socket to the last answer.
//
//	floorclient -addr 127.0.0.1:8080 -n 10000 -timeout 30s
//
// It is not a client to copy: one request that does not answer holds up
// every one after it, and -timeout is the whole run's, not a request's.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strconv"
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
	flag.Parse()
	server, err := sockaddr(*addr)
	if err != nil || *n < 1 || *timeout <= 0 {
		fmt.Fprintf(os.Stderr, "floorclient: want -addr ipv4:port, -n ≥ 1 and -timeout > 0 (%v)\n", err)
		os.Exit(2)
	}
	// The blocking calls cannot be interrupted; a timer on another thread
	// ends the process instead.
	time.AfterFunc(*timeout, func() {
		got := int(answered.Load())
		report(outcome.Outcome{Answered: got, Failed: *n - got, Seconds: timeout.Seconds(), Error: fmt.Sprintf("no end after %v", *timeout)})
	})
	runtime.LockOSThread() // one thread does every system call
	report(fetchAll(server, *n))
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

// fetchAll sends all n requests, then reads all n answers.
func fetchAll(server *unix.SockaddrInet4, n int) outcome.Outcome {
	answered.Store(0)
	began := time.Now()
	fds := make([]int, 0, n)
	for i := 1; i <= n; i++ {
		fd, err := send(server, i)
		if err != nil {
			return failed(fds, n, began, fmt.Errorf("request %d: %w", i, err))
		}
		fds = append(fds, fd)
	}
	for i, fd := range fds {
		err := receive(fd)
		_ = unix.Close(fd)
		if err != nil {
			return failed(fds[i+1:], n, began, fmt.Errorf("request %d: %w", i+1, err))
		}
		answered.Add(1)
	}
	return outcome.Outcome{Answered: n, Seconds: time.Since(began).Seconds()}
}

// failed closes the fds still open and reports the first failure, err; of
// the n requests, those not answered yet count as failed.
func failed(open []int, n int, began time.Time, err error) outcome.Outcome {
	for _, fd := range open {
		_ = unix.Close(fd)
	}
	got := int(answered.Load())
	return outcome.Outcome{Answered: got, Failed: n - got, Seconds: time.Since(began).Seconds(), Error: err.Error()}
}

// send makes a blocking socket, connects it and writes "Request i".
func send(server *unix.SockaddrInet4, i int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	unix.CloseOnExec(fd)
	if err := unix.Connect(fd, server); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("connect: %w", err)
	}
	msg := strconv.AppendInt([]byte("Request "), int64(i), 10)
	if _, err := unix.Write(fd, msg); err != nil { // a few bytes: one write takes them all
		_ = unix.Close(fd)
		return -1, fmt.Errorf("send: %w", err)
	}
	return fd, nil
}

// receive reads until a newline or the end of the stream; the server's
// busy line is a failure.
func receive(fd int) error {
	var buf [128]byte
	got := 0
	for {
		n, err := unix.Read(fd, buf[got:])
		switch {
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
