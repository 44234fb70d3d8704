// This file keeps the connections benchmark from running out of ports. A
// connection's client end takes an ephemeral port (Linux:
// net.ipv4.ip_local_port_range, 28,232 ports by default), and the side
// that closes first keeps its end in TIME_WAIT for 60 s, port included.
// Before each run the benchmark counts the ports TIME_WAIT holds and, if
// the run's connections would not fit beside them, waits for them to
// expire; its progress line shows the machine's TIME_WAIT sockets (what
// `ss -s` calls timewait). Measured here: the slow server closes first, so
// TIME_WAIT piles up on the server's one port (tens of thousands of
// sockets, a few dozen ports), and each run's fresh server port keeps the
// 4-tuples apart anyway; the wait is a guard that has not yet fired.
// Elsewhere than Linux it does not look.

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// portMargin is kept free besides a run's connections: the server's port,
// and whatever else the machine is doing.
const portMargin = 1_000

// maxPortWait is the longest waitForPorts waits: TIME_WAIT lasts 60 s.
const maxPortWait = 65 * time.Second

// waitForPorts returns once n more connections fit in the ephemeral port
// range beside the ports held in TIME_WAIT, or after maxPortWait (the run
// then goes ahead, and its failures will say why).
func waitForPorts(ctx context.Context, n int, p *progress) error {
	if runtime.GOOS != "linux" {
		return nil
	}
	size, ok := ephemeralPorts()
	if !ok {
		return nil
	}
	deadline := time.Now().Add(maxPortWait)
	for {
		held, ok := timeWaitPorts()
		if !ok || held+n+portMargin <= size || time.Now().After(deadline) {
			return nil
		}
		p.note("%s ports held in TIME_WAIT + %s connections > %s ephemeral ports: waiting for TIME_WAIT to expire",
			formatCount(held), formatCount(n), formatCount(size))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
}

// ephemeralPorts is the size of net.ipv4.ip_local_port_range.
func ephemeralPorts() (int, bool) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, false
	}
	return parsePortRange(string(b))
}

// parsePortRange reads "32768\t60999\n" as 28,232 ports.
func parsePortRange(s string) (int, bool) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, false
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || hi < lo {
		return 0, false
	}
	return hi - lo + 1, true
}

// timeWaitPorts counts the distinct local ports of IPv4 and IPv6 TCP
// sockets in TIME_WAIT (state 06 in /proc/net/tcp): a server's end holds
// only its one listening port however many of its connections wait, a
// client's end one ephemeral port each.
func timeWaitPorts() (int, bool) {
	ports := map[string]bool{}
	found := false
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		found = true
		countTimeWait(f, ports)
		f.Close()
	}
	return len(ports), found
}

// countTimeWait adds to ports the local port of every TIME_WAIT line of a
// /proc/net/tcp table: "  0: 0100007F:8D2A 0100007F:1F90 06 …".
func countTimeWait(r io.Reader, ports map[string]bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[3] != "06" {
			continue
		}
		if _, port, ok := strings.Cut(fields[1], ":"); ok {
			ports[port] = true
		}
	}
}

// timeWaitSockets is how many TCP sockets are in TIME_WAIT on the whole
// machine, what `ss -s` shows as timewait: /proc/net/sockstat's "tw". It
// is "?" where there is no such file.
func timeWaitSockets() string {
	b, err := os.ReadFile("/proc/net/sockstat")
	if err != nil {
		return "?"
	}
	if n, ok := parseSockstatTW(string(b)); ok {
		return formatCount(n)
	}
	return "?"
}

// parseSockstatTW reads the tw count of the "TCP:" line of
// /proc/net/sockstat: "TCP: inuse 4 orphan 0 tw 3697 alloc 13 mem 1".
func parseSockstatTW(s string) (int, bool) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "TCP:" {
			continue
		}
		for i := 1; i+1 < len(f); i += 2 {
			if f[i] == "tw" {
				n, err := strconv.Atoi(f[i+1])
				return n, err == nil
			}
		}
	}
	return 0, false
}
