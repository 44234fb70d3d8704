// Command goclient is the connections benchmark written the way Go is
// usually written: one goroutine per request, each with net.Dial, a write
// of "Request i" (no newline) and a bufio.Reader reading one line; Go's
// runtime multiplexes the goroutines over its own netpoller (epoll or
// kqueue). It prints how many were answered and the time from the first
// dial to the last answer as one JSON line, as the Node and Python peers
// beside it do.
//
//	goclient -addr 127.0.0.1:8080 -n 10000 -timeout 30s
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/loopfromscratch/loop/internal/bench/peers/outcome"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "slow server `host:port`")
	n := flag.Int("n", 10, "requests to send at once")
	timeout := flag.Duration("timeout", 30*time.Second, "give up on a request after `d`")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "goclient: -n must be at least 1")
		os.Exit(2)
	}
	outcome.Exit(fetchAll(*addr, *n, *timeout))
}

// fetchAll sends n requests at once, one goroutine each, and waits for all.
func fetchAll(addr string, n int, timeout time.Duration) outcome.Outcome {
	began := time.Now()
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Go(func() { errs[i] = fetch(addr, i, began.Add(timeout)) })
	}
	wg.Wait()
	out := outcome.Outcome{Seconds: time.Since(began).Seconds()}
	for i, err := range errs[1:] {
		if err == nil {
			out.Answered++
			continue
		}
		out.Failed++
		if out.Error == "" {
			out.Error = fmt.Sprintf("request %d: %v", i+1, err)
		}
	}
	return out
}

// fetch is one request: dial, send, read one line, before deadline.
func fetch(addr string, i int, deadline time.Time) error {
	conn, err := net.DialTimeout("tcp", addr, time.Until(deadline))
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(conn, "Request %d", i); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.HasPrefix(line, "busy:") {
		return errors.New("server busy")
	}
	return nil
}
