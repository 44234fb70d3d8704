// This file holds one connection's life, in the order it happens:
//
//	admit (or turn away: busy) -> read the request -> wait the delay ->
//	answer, fail on purpose, or notice the client left -> close
//
// Each connection has one goroutine, which ends when serve returns; serve
// always closes the connection.

package slowserver

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"time"
)

// writeTimeout bounds writing a reply to a client that does not read.
const writeTimeout = 10 * time.Second

// busyTimeout bounds each step of turning a connection away: reading its
// request, then writing the busy reply and draining the rest.
const busyTimeout = time.Second

// outcome is how a wait ended.
type outcome int

const (
	waited   outcome = iota // the delay passed: reply now
	wentAway                // the client closed or reset its end
	shutDown                // Close was called
)

// serve runs one connection from accept to close. id numbers connections in
// accept order; it is the "#3" in log lines.
func (s *Server) serve(conn net.Conn, id int64) {
	defer s.wg.Done()
	defer s.untrack(conn)
	s.stats.update(func(st *Stats) { st.Accepted++ })
	if !s.admit() {
		s.turnAway(conn, id)
		return
	}
	defer s.open.Add(-1)
	req, ok := s.readRequest(conn, id)
	if !ok {
		return
	}
	s.handle(conn, id, req)
}

// admit enforces MaxConns: it takes one of the open-connection slots and
// reports whether there was one to take.
func (s *Server) admit() bool {
	n := s.open.Add(1)
	if s.cfg.MaxConns <= 0 || n <= int64(s.cfg.MaxConns) {
		return true
	}
	s.open.Add(-1)
	return false
}

// turnAway answers a connection over the cap with the busy reply, counted
// as Rejected. It reads the request first, so that an HTTP client gets a 503
// and a line client its line; a client that stays silent gets the line after
// busyTimeout (or ReadTimeout, if shorter). It holds no slot, and each step —
// the read, then the write and the drain — is bounded by busyTimeout.
func (s *Server) turnAway(conn net.Conn, id int64) {
	s.stats.update(func(st *Stats) { st.Rejected++ })
	s.log.printf("#%d turned away: %d connections already open (-max-conns)", id, s.cfg.MaxConns)
	buf := make([]byte, maxRequest)
	_ = conn.SetReadDeadline(time.Now().Add(min(s.cfg.ReadTimeout, busyTimeout)))
	n, _ := conn.Read(buf) // silence, EOF or an error: still say busy
	if s.isClosing() {
		return
	}
	_ = conn.SetDeadline(time.Now().Add(busyTimeout))
	if _, err := conn.Write(busyReply(parseRequest(buf[:n]))); err != nil {
		return
	}
	closeGently(conn)
}

// closeGently sends FIN and discards whatever the client still sends until
// it closes its end or conn's deadline passes; serve then closes conn.
// Closing a socket with unread bytes in it makes the kernel send a reset,
// which can destroy a reply the client has not read yet.
func closeGently(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	discard(conn)
}

// discardBuffer is the size of the buffer that what a client sends beyond
// its request is read into and thrown away. It is small on purpose: every
// waiting connection holds one for the whole delay. io.Copy(io.Discard,
// conn) borrowed an 8 KiB buffer instead, and with 19,000 connections
// waiting, those buffers were 150 MB of the server's heap, all of it
// scanned by the collector (docs/performance.md).
const discardBuffer = 128

// discard reads and throws away whatever conn sends until it closes, fails
// or its deadline passes.
func discard(conn net.Conn) {
	buf := make([]byte, discardBuffer)
	for {
		if _, err := conn.Read(buf); err != nil {
			return
		}
	}
}

// readRequest does the one read that is the request. A client that sends
// nothing within ReadTimeout, or closes first, is counted as Failed.
func (s *Server) readRequest(conn net.Conn, id int64) (request, bool) {
	buf := make([]byte, maxRequest)
	_ = conn.SetReadDeadline(time.Now().Add(s.cfg.ReadTimeout))
	n, err := conn.Read(buf)
	if n > 0 {
		return parseRequest(buf[:n]), true
	}
	if s.isClosing() {
		return request{}, false
	}
	s.stats.update(func(st *Stats) { st.Failed++ })
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.log.printf("#%d client sent nothing for %s, closed", id, s.cfg.ReadTimeout)
	case errors.Is(err, io.EOF):
		s.log.printf("#%d client closed without sending anything", id)
	default:
		s.log.printf("#%d reading the request failed: %v", id, err)
	}
	return request{}, false
}

// handle counts req as in flight, waits the delay and then answers it,
// fails it on purpose, or records that the client left or Close came.
func (s *Server) handle(conn net.Conn, id int64, req request) {
	failing := s.fails.pick(req)
	arrived := time.Now()
	st := s.stats.update(func(st *Stats) { st.InFlight++ })
	s.log.printf("#%d arrived: %q (in flight %d)", id, req.text, st.InFlight)

	switch s.wait(conn, s.delay()) {
	case wentAway:
		st := s.stats.update(func(st *Stats) { st.InFlight--; st.Failed++ })
		s.log.printf("#%d client went away while waiting (in flight %d)", id, st.InFlight)
	case shutDown:
		s.stats.update(func(st *Stats) { st.InFlight-- })
		s.abandoned.Add(1)
	case waited:
		if failing {
			s.fail(conn, id)
			return
		}
		s.answer(conn, id, req, time.Since(arrived))
	}
}

// delay is Delay plus a uniform random extra in [0, Jitter).
func (s *Server) delay() time.Duration {
	if s.cfg.Jitter <= 0 {
		return s.cfg.Delay
	}
	return s.cfg.Delay + rand.N(s.cfg.Jitter)
}

// wait sleeps d unless the client leaves or Close comes first. It sleeps by
// reading: the read's deadline is the end of the delay, and whatever else
// the client sends meanwhile (the rest of an HTTP request, say) is thrown
// away. The read ends with the deadline (the delay passed), with EOF or an
// error (the client went away), or because Close closed conn. One
// goroutine per connection does all of it; an earlier version had a second
// one reading while the first slept on a timer, and with 19,000
// connections waiting, that was 19,000 more goroutines, timers and
// wake-ups (docs/performance.md).
//
// A client that half-closes (shutdown(SHUT_WR)) after its request looks
// exactly like one that left, and is treated as one.
func (s *Server) wait(conn net.Conn, d time.Duration) outcome {
	buf := make([]byte, discardBuffer)
	_ = conn.SetReadDeadline(time.Now().Add(d))
	for {
		_, err := conn.Read(buf)
		switch {
		case err == nil:
			// more from the client: thrown away
		case errors.Is(err, os.ErrDeadlineExceeded):
			if s.released() {
				return waited
			}
			_ = conn.SetReadDeadline(time.Now().Add(holdPoll))
		case s.isClosing():
			return shutDown
		default:
			return wentAway
		}
	}
}

// holdPoll is how often a reply held by the test hook Config.hold checks
// whether it may go; meanwhile it keeps reading, as during the delay.
const holdPoll = 10 * time.Millisecond

// released reports whether a reply whose delay has passed may be sent:
// always, unless the test hook Config.hold is set and still open.
func (s *Server) released() bool {
	select {
	case <-s.cfg.hold: // a nil hold never gets here
		return true
	default:
		return s.cfg.hold == nil
	}
}

// answer counts the reply as served and then writes it. Counting first means
// a client that has its reply finds Served already up to date; if the write
// fails, the request moves from Served to Failed.
func (s *Server) answer(conn net.Conn, id int64, req request, took time.Duration) {
	st := s.stats.update(func(st *Stats) { st.InFlight--; st.Served++ })
	s.log.printf("#%d answered after %.2fs (in flight %d)", id, took.Seconds(), st.InFlight)
	_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := conn.Write(reply(req)); err != nil {
		s.stats.update(func(st *Stats) { st.Served--; st.Failed++ })
		s.log.printf("#%d writing the reply failed: %v", id, err)
	}
}

// fail makes a request fail the way FailMode says; serve then closes conn.
func (s *Server) fail(conn net.Conn, id int64) {
	st := s.stats.update(func(st *Stats) { st.InFlight--; st.Failed++ })
	s.log.printf("#%d failed on purpose: %s (in flight %d)", id, s.cfg.FailMode, st.InFlight)
	switch s.cfg.FailMode {
	case FailReset:
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // Close now sends RST instead of FIN
		}
	case FailGarbage:
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		_, _ = conn.Write(garbage)
	}
}

// isClosing reports whether Close has begun.
func (s *Server) isClosing() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}
