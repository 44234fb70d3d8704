// This file is the connections benchmark: n connections at once to the
// slow server, each sending "Request i" and reading one line, the server in
// a process of its own (a fresh one, on a fresh port, for every run) and
// each client in another: stage 4, two floors (peers/floorclient: one
// thread making only the system calls, and with -coroutines a coroutine
// per request on epoll and nothing else), goroutines (peers/goclient),
// Node's net and Python's asyncio streams. Its second table is stage 4 alone with as
// many connections as the open-file limit allows.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/loopfromscratch/loop/internal/procgroup"
)

// connsCase is one size of the connections benchmark.
type connsCase struct {
	n     int
	delay time.Duration
}

// outcome is what one client run reports.
type outcome struct {
	answered, failed int
	seconds          float64 // first connect to last answer, timed by the client
	firstAnswer      float64 // when the first answer came; -1 when the client does not say
	err              string  // the first failure
}

// connsClient is one row of the connections table.
type connsClient struct {
	name    string
	missing string // why it is skipped, "" when it runs
	cmd     func(addr string, cc connsCase, limit time.Duration) child
	parse   func(stdout []byte) (outcome, error)
}

// clientTimeout is how long a client gives each request beyond the delay.
const clientTimeout = 30 * time.Second

// connsClients are the rows, in the order they are printed.
func (s *setup) connsClients() []connsClient {
	timeout := func(cc connsCase) time.Duration { return cc.delay + clientTimeout }
	script := func(p peer, file string, timeoutArg func(time.Duration) string) func(string, connsCase, time.Duration) child {
		return func(addr string, cc connsCase, limit time.Duration) child {
			host, port, _ := net.SplitHostPort(addr)
			return child{path: p.path, limit: limit, args: []string{filepath.Join(s.root, "internal", "bench", "peers", file),
				host, port, strconv.Itoa(cc.n), timeoutArg(timeout(cc))}}
		}
	}
	return []connsClient{
		{name: "stage 4", parse: parseStageSummary, cmd: func(addr string, cc connsCase, limit time.Duration) child {
			return child{path: filepath.Join(s.bin, stageBin), limit: limit,
				args: []string{"-addr", addr, "-n", strconv.Itoa(cc.n), "-timeout", timeout(cc).String()}}
		}},
		{name: "floor: one thread, system calls only", parse: parseOutcomeJSON, cmd: func(addr string, cc connsCase, limit time.Duration) child {
			return child{path: filepath.Join(s.bin, floorBin), limit: limit,
				args: []string{"-addr", addr, "-n", strconv.Itoa(cc.n), "-timeout", timeout(cc).String()}}
		}},
		{name: "floor: a coroutine per request on epoll", parse: parseOutcomeJSON, cmd: func(addr string, cc connsCase, limit time.Duration) child {
			return child{path: filepath.Join(s.bin, floorBin), limit: limit,
				args: []string{"-coroutines", "-addr", addr, "-n", strconv.Itoa(cc.n), "-timeout", timeout(cc).String()}}
		}},
		{name: "goroutines (net.Dial, one each)", parse: parseOutcomeJSON, cmd: func(addr string, cc connsCase, limit time.Duration) child {
			return child{path: filepath.Join(s.bin, goclientBn), limit: limit,
				args: []string{"-addr", addr, "-n", strconv.Itoa(cc.n), "-timeout", timeout(cc).String()}}
		}},
		{name: s.nodeName() + " net", missing: s.node.missing, parse: parseOutcomeJSON,
			cmd: script(s.node, "conns.js", func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) })},
		{name: s.pythonName() + " streams", missing: s.python.missing, parse: parseOutcomeJSON,
			cmd: script(s.python, "conns.py", func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) })},
	}
}

// Stage 4's output on a pipe: a line per answer, then the summary.
var (
	stageDone    = regexp.MustCompile(`(?m)^(\d+) responses in ([0-9.]+)s`)
	stagePartial = regexp.MustCompile(`(?m)^(\d+) of \d+ answered, (\d+) failed, in ([0-9.]+)s`)
	stageAnswer  = regexp.MustCompile(`(?m)^\s*([0-9.]+)s  request \d+: `)
	stageFailure = regexp.MustCompile(`(?m)^\s*[0-9.]+s  (request \d+ failed: .*)$`)
)

// parseStageSummary reads stage 4's summary line ("10000 responses in
// 1.74s", or "9990 of 10000 answered, 10 failed, in 31.02s"), the time of
// its first answer line and its first failure.
func parseStageSummary(stdout []byte) (outcome, error) {
	o := outcome{firstAnswer: -1}
	var secs []byte
	if m := stageDone.FindSubmatch(stdout); m != nil {
		o.answered, _ = strconv.Atoi(string(m[1]))
		secs = m[2]
	} else if m := stagePartial.FindSubmatch(stdout); m != nil {
		o.answered, _ = strconv.Atoi(string(m[1]))
		o.failed, _ = strconv.Atoi(string(m[2]))
		secs = m[3]
	} else {
		return o, fmt.Errorf("no summary line in the output: %q", lastLine(string(stdout)))
	}
	o.seconds, _ = strconv.ParseFloat(string(secs), 64)
	if m := stageAnswer.FindSubmatch(stdout); m != nil {
		o.firstAnswer, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := stageFailure.FindSubmatch(stdout); m != nil {
		o.err = string(m[1])
	}
	return o, nil
}

// parseOutcomeJSON reads a peer's {"answered", "failed", "seconds",
// "error"} line.
func parseOutcomeJSON(stdout []byte) (outcome, error) {
	var out struct {
		Answered, Failed int
		Seconds          *float64
		Error            string
	}
	if err := json.Unmarshal([]byte(lastLine(string(stdout))), &out); err != nil || out.Seconds == nil {
		return outcome{}, fmt.Errorf("no {\"answered\", \"seconds\", …} line in the output: %q", lastLine(string(stdout)))
	}
	return outcome{answered: out.Answered, failed: out.Failed, seconds: *out.Seconds, firstAnswer: -1, err: out.Error}, nil
}

// connsResults are the connections table's rows.
type connsResults struct {
	cc      connsCase
	clients []connsClient
	cells   []result
	first   [][]float64 // per client, each run's first answer (stage 4 only)
}

// runConns measures every client on cc, runs times each, taking turns.
func runConns(ctx context.Context, s *setup, cc connsCase, clients []connsClient, runs int, p *progress) (connsResults, error) {
	r := connsResults{cc: cc, clients: clients, cells: make([]result, len(clients)), first: make([][]float64, len(clients))}
	for i, c := range clients {
		r.cells[i].skipped = c.missing
	}
	for run := 1; run <= runs; run++ {
		for i, c := range clients {
			if c.missing != "" {
				continue
			}
			if err := waitForPorts(ctx, cc.n, p); err != nil {
				return r, err
			}
			p.start("conns n=%s delay=%s  %s  run %d/%d  (TIME_WAIT: %s)", formatCount(cc.n), formatDuration(cc.delay), c.name, run, runs, timeWaitSockets())
			smp, o, err := measureConns(ctx, s, c, cc)
			if ctx.Err() != nil {
				return r, ctx.Err()
			}
			if err != nil {
				r.cells[i].err = err.Error()
				p.done("failed: %v", err)
				continue
			}
			if o.failed > 0 {
				r.cells[i].err = fmt.Sprintf("%d of %d failed, first: %s", o.failed, cc.n, o.err)
			}
			r.cells[i].samples = append(r.cells[i].samples, smp)
			r.first[i] = append(r.first[i], o.firstAnswer)
			p.done("%s s, %s, %d failed", formatSeconds2(smp.seconds), formatRSS(smp.rss), o.failed)
		}
	}
	return r, nil
}

// measureConns starts a slow server, runs one client against it, and
// stops the server.
func measureConns(ctx context.Context, s *setup, c connsClient, cc connsCase) (sample, outcome, error) {
	limit := cc.delay + clientTimeout + time.Minute
	srv, err := startServer(ctx, filepath.Join(s.bin, serverBin), cc.delay, limit+10*time.Second)
	if err != nil {
		return sample{}, outcome{}, err
	}
	defer srv.stop()
	e, err := runChild(ctx, c.cmd(srv.addr, cc, limit))
	if err != nil {
		return sample{}, outcome{}, errors.New(e.failure(err))
	}
	o, perr := c.parse(e.stdout)
	if perr != nil {
		if e.code != 0 {
			return sample{}, o, errors.New(e.failure(nil))
		}
		return sample{}, o, perr
	}
	return sample{seconds: o.seconds, rss: e.rss, failed: o.failed}, o, nil
}

// server is a slow server running in a process of its own.
type server struct {
	cmd    *exec.Cmd
	addr   string        // 127.0.0.1:PORT, from its banner
	exited chan struct{} // closed when Wait returns
}

// serverBanner is the line the slow server prints once it listens.
var serverBanner = regexp.MustCompile(`listening on (\S+) `)

// serverReadTimeout replaces the slow server's 10 s read timeout. Under a
// connect storm of 19,000 on a busy machine, stage 4 has written its first
// request more than 10 s after the kernel accepted the first connection,
// and the server hung up on the silent ones (measured: 14,318 of 19,000
// failed). The benchmark measures the client, so the server waits longer.
const serverReadTimeout = time.Minute

// startServer starts `slowserver -addr 127.0.0.1:0 -delay D -quiet
// -read-timeout 1m` in a process group of its own and waits (at most 10 s)
// for its banner, which says the port it got. A fresh port per run means
// no connection of this run can meet a 4-tuple an earlier run left in
// TIME_WAIT. After limit, or when ctx ends, its group is killed.
func startServer(ctx context.Context, path string, delay, limit time.Duration) (*server, error) {
	runCtx, cancel := context.WithTimeout(ctx, limit)
	cmd := exec.CommandContext(runCtx, path, "-addr", "127.0.0.1:0", "-delay", delay.String(), "-quiet",
		"-read-timeout", serverReadTimeout.String())
	procgroup.Own(cmd)
	cmd.WaitDelay = 2 * time.Second
	stderr := &tailBuffer{limit: 4 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("slowserver: %w", err)
	}
	srv := &server{cmd: cmd, exited: make(chan struct{})}
	banner := make(chan string, 1)
	go func() {
		rd := bufio.NewReader(stdout)
		line, _ := rd.ReadString('\n')
		banner <- line
		_, _ = io.Copy(io.Discard, rd) // until it exits: it must never block on a full pipe
		_ = cmd.Wait()
		cancel()
		close(srv.exited)
	}()
	select {
	case line := <-banner:
		if m := serverBanner.FindStringSubmatch(line); m != nil {
			srv.addr = m[1]
			return srv, nil
		}
		srv.stop()
		return nil, fmt.Errorf("slowserver did not start: %s", lastLine(line+stderr.String()))
	case <-time.After(10 * time.Second):
		srv.stop()
		return nil, errors.New("slowserver printed no banner within 10s")
	}
}

// stop asks the server to stop (SIGTERM, as Ctrl-C would), kills its group
// if it has not exited within 5 s, and waits for it.
func (srv *server) stop() {
	_ = srv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-srv.exited:
	case <-time.After(5 * time.Second):
		_ = procgroup.Kill(srv.cmd)
		<-srv.exited
	}
	_ = procgroup.Kill(srv.cmd)
}

// table is the connections benchmark as one row per client: the median
// total, the median peak RSS of the client process, each run's total.
func (r connsResults) table(runs int) table {
	t := table{
		title: fmt.Sprintf("Connections: %s at once to the slow server at %s delay, server in another process; %s",
			formatCount(r.cc.n), formatDuration(r.cc.delay), medianOf(runs)),
		header: []string{"client", "total (s)", "peak RSS", "runs (s)"},
		right:  []bool{false, true, true, false},
	}
	for i, c := range r.clients {
		cell := r.cells[i]
		switch {
		case cell.skipped != "":
			t.notes = append(t.notes, fmt.Sprintf("%s: skipped (%s).", c.name, cell.skipped))
			continue
		case cell.err != "":
			t.notes = append(t.notes, fmt.Sprintf("%s: %s", c.name, cell.err))
		}
		if !cell.measured() {
			t.rows = append(t.rows, []string{c.name, "failed", "", ""})
			continue
		}
		t.rows = append(t.rows, []string{c.name, formatSeconds2(cell.seconds()) + failedMark(cell), formatRSS(cell.rss()), runList(cell)})
	}
	t.notes = append(t.notes, fmt.Sprintf("total = first connect to last answer, timed by the client; no client takes less than the delay, %s.", formatDuration(r.cc.delay)),
		"Each run gets a fresh server on a fresh port (-read-timeout 1m); peak RSS is the client process's own (ru_maxrss, or VmHWM where ru_maxrss is the bench's: internal/bench/child.go).",
		"floor: one thread, system calls only = a blocking socket made, connected and sent for each request in a row, then each read and closed",
		"in turn, on one thread, with no loop, task or goroutine (internal/bench/peers/floorclient): the least a one-thread client can take.",
		"floor: a coroutine per request on epoll = an iter.Pull coroutine per request, a thousand started per turn, non-blocking sockets on one epoll loop",
		"with the fewest system calls (socket, connect, write, epoll_ctl, read, close) and no task, future or timer (internal/bench/peers/floorclient -coroutines):",
		"the least a design with a coroutine per request on one thread can take.")
	return t
}

// fdTable is the stage-4-only table at the open-file limit: total against
// the goal of delay + 1.5 s, and when the first answer came (how soon
// the first request was sent).
func (r connsResults) fdTable(runs int) table {
	t := table{
		title:  fmt.Sprintf("As many connections as the open-file limit allows, stage 4 only; %s", medianOf(runs)),
		header: []string{"connections", "delay", "total (s)", "goal (s)", "first answer (s)", "peak RSS", "runs (s)"},
		right:  []bool{true, true, true, true, true, true, false},
	}
	cell := r.cells[0]
	if cell.err != "" {
		t.notes = append(t.notes, "stage 4: "+cell.err)
	}
	row := []string{formatCount(r.cc.n), formatDuration(r.cc.delay), "failed", formatSeconds2((r.cc.delay + 1500*time.Millisecond).Seconds()), "", "", ""}
	if cell.measured() {
		row[2] = formatSeconds2(cell.seconds()) + failedMark(cell)
		if m := median(r.first[0]); m >= 0 {
			row[4] = formatSeconds2(m)
		}
		row[5], row[6] = formatRSS(cell.rss()), runList(cell)
	}
	t.rows = append(t.rows, row)
	t.notes = append(t.notes, "goal = delay + 1.5 s (issue 12). first answer − delay is roughly when the first request was sent:",
		"stage 4 starts 1,000 tasks per loop turn, and in a run this big each sends its request in the turn it connects (aio_eager.go).")
	return t
}

// failedMark is " (12 failed)" when a run lost requests.
func failedMark(cell result) string {
	if n := cell.failed(); n > 0 {
		return fmt.Sprintf(" (%d failed)", n)
	}
	return ""
}

// runList is each run's time in the order run: "1.71 1.74 1.80" (stage 4's
// summary gives hundredths, so every client is shown to the hundredth).
func runList(cell result) string {
	parts := make([]string, len(cell.samples))
	for i, s := range cell.samples {
		parts[i] = formatSeconds2(s.seconds)
	}
	return strings.Join(parts, " ")
}
