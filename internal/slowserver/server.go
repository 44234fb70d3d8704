// This file holds the Server's life: Start listens and runs the accept loop,
// every connection is tracked so Close can end it, and Close waits for every
// goroutine the server started.

package slowserver

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running slow server. Its methods are safe from any goroutine.
type Server struct {
	cfg   Config
	ln    net.Listener
	log   *logger
	stats counters

	fails     failPicker    // which requests FailEvery fails
	open      atomic.Int64  // connections open now, for MaxConns
	abandoned atomic.Int64  // requests still waiting when Close came
	done      chan struct{} // closed by Close: every wait ends
	wg        sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{} // open connections, closed by Close

	closeOnce sync.Once
}

// Start validates cfg, listens on cfg.Addr and serves in background
// goroutines. It returns once the listener is open, so Addr is ready to dial.
func Start(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:   cfg,
		ln:    ln,
		fails: failPicker{every: int64(cfg.FailEvery)},
		log:   newLogger(cfg.Log, cfg.LogName),
		done:  make(chan struct{}),
		conns: make(map[net.Conn]struct{}),
	}
	s.log.printf("listening on %s (delay %s)", s.Addr(), cfg.Delay)
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr is the address the server listens on, such as "127.0.0.1:43121".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Stats returns a consistent snapshot of the counters. LogDropped is read
// beside them, not under their lock: it may be a line behind.
func (s *Server) Stats() Stats {
	st := s.stats.snapshot()
	st.LogDropped = s.log.dropped.Load()
	return st
}

// ResetPeak sets Peak to the current InFlight, so a test can reuse one
// server and measure each case's concurrency on its own.
func (s *Server) ResetPeak() {
	s.stats.update(func(st *Stats) { st.Peak = st.InFlight })
}

// Close stops accepting, closes every open connection and waits for every
// goroutine the server started, except the log's: it waits at most
// logFlushTimeout for the log to be written, and a Log whose Write is stuck
// keeps that goroutine until the Write returns. It returns how many requests
// were in flight (read but not answered), which are abandoned. Calling it
// again returns the same number.
func (s *Server) Close() int {
	s.closeOnce.Do(func() {
		close(s.done)
		_ = s.ln.Close()
		s.closeAllConns()
		s.wg.Wait()
		s.log.printf("shutdown: %d requests were in flight and abandoned", s.abandoned.Load())
		s.log.close(logFlushTimeout)
	})
	return int(s.abandoned.Load()) // final: every goroutine that adds to it has ended
}

// acceptLoop hands each new connection to its own goroutine until the
// listener is closed. Accept errors such as "too many open files" are
// retried with a growing pause instead of ending the server.
func (s *Server) acceptLoop() {
	defer s.wg.Done()
	var pause time.Duration
	var id int64 // of the last connection accepted
	for {
		conn, err := s.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			s.log.printf("accept failed: %v; retrying in %s", err, pause)
			if !s.sleep(pause) {
				return
			}
			continue
		}
		pause = 0
		if !s.track(conn) {
			_ = conn.Close()
			return
		}
		id++
		s.wg.Add(1)
		go s.serve(conn, id)
	}
}

// sleep waits d, or less if Close comes; it reports whether to go on.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// track records conn so Close can close it; it refuses once Close has begun.
// Checking done under mu is enough: Close closes done before closeAllConns
// takes mu, so a conn is either refused here or closed there.
func (s *Server) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosing() {
		return false
	}
	s.conns[conn] = struct{}{}
	return true
}

// untrack closes conn and forgets it.
func (s *Server) untrack(conn net.Conn) {
	_ = conn.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, conn)
}

// closeAllConns closes every tracked connection, waking any goroutine
// blocked reading one. It runs after done is closed, so track refuses new ones.
func (s *Server) closeAllConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for conn := range s.conns {
		_ = conn.Close()
	}
}
