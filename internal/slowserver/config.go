// This file holds what a caller chooses: the Config knobs and the FailMode
// enum, with the defaults and the checks Start applies to them.

package slowserver

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// FailMode is how a request chosen by Config.FailEvery fails.
type FailMode int

const (
	// FailReset closes the connection with SO_LINGER 0, so the client sees
	// "connection reset by peer" instead of a reply. It is the zero value.
	FailReset FailMode = iota
	// FailGarbage writes binary junk with no newline, then closes.
	FailGarbage
)

// String returns "reset" or "garbage", the names ParseFailMode accepts.
func (m FailMode) String() string {
	switch m {
	case FailReset:
		return "reset"
	case FailGarbage:
		return "garbage"
	}
	return fmt.Sprintf("FailMode(%d)", int(m))
}

// ParseFailMode turns "reset" or "garbage" into a FailMode.
func ParseFailMode(s string) (FailMode, error) {
	switch s {
	case "reset":
		return FailReset, nil
	case "garbage":
		return FailGarbage, nil
	}
	return 0, fmt.Errorf("unknown fail mode %q (want reset or garbage)", s)
}

// DefaultReadTimeout is how long a client may stay silent when
// Config.ReadTimeout is 0.
const DefaultReadTimeout = 10 * time.Second

// Config is what Start needs. The zero value is a server on a free port of
// 127.0.0.1 that answers at once.
type Config struct {
	Addr        string        // "127.0.0.1:0" picks a free port; "" means that too
	Delay       time.Duration // time before each reply, up to MaxDuration; 0 means reply at once
	Jitter      time.Duration // each delay gets a uniform random extra in [0, Jitter); at most MaxDuration
	FailEvery   int           // if k > 0, requests numbered k, 2k, … ("Request 6" is number 6) fail after their delay, each number once; requests without a number fail by arrival order
	FailMode    FailMode      // how those requests fail
	MaxConns    int           // if > 0, connections beyond this many open at once get BusyReply (or an HTTP 503) and are closed
	ReadTimeout time.Duration // how long a client may stay silent before its first message, up to MaxDuration; 0 means 10s
	Log         io.Writer     // one line per event, written by one goroutine through a bounded buffer (a stalled Log drops lines, never blocks the server); nil means no log
	LogName     string        // what Log is, for the note on dropped lines ("nothing is reading stdout"); "" means "the log"

	// hold, for tests only: when set, every reply waits after its delay
	// until hold is closed, so a test can see all its requests in flight at
	// once however slow the machine (see TestConcurrency).
	hold <-chan struct{}
}

// MaxDuration is the ceiling on Delay, Jitter and ReadTimeout: an hour, far
// beyond any lesson, and small enough that Delay+Jitter cannot overflow.
const MaxDuration = time.Hour

// Validate reports the first knob that makes no sense: a negative duration
// or count, a duration over MaxDuration, an address that is not host:port
// with a numeric port, an unknown fail mode. It names each knob as the
// command's flag for it, so the command can print its error as it is.
func (c Config) Validate() error {
	switch {
	case c.Delay < 0 || c.Delay > MaxDuration:
		return fmt.Errorf("-delay %s: want 0 to 1h", c.Delay)
	case c.Jitter < 0 || c.Jitter > MaxDuration:
		return fmt.Errorf("-jitter %s: want 0 to 1h", c.Jitter)
	case c.FailEvery < 0:
		return fmt.Errorf("-fail-every %d: want 0 (never) or more", c.FailEvery)
	case c.MaxConns < 0:
		return fmt.Errorf("-max-conns %d: want 0 (no cap) or more", c.MaxConns)
	case c.ReadTimeout < 0 || c.ReadTimeout > MaxDuration:
		return fmt.Errorf("-read-timeout %s: want more than 0, up to 1h", c.ReadTimeout)
	case c.FailMode != FailReset && c.FailMode != FailGarbage:
		return fmt.Errorf("-fail-mode: unknown fail mode %d", int(c.FailMode))
	}
	if c.Addr != "" {
		return validateAddr(c.Addr)
	}
	return nil
}

// validateAddr checks that addr is host:port with a port from 0 to 65535
// (0: a free one). The host is checked when Start listens.
func validateAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return fmt.Errorf("-addr %q: want host:port with a port from 0 to 65535, such as 127.0.0.1:8080", addr)
	}
	return nil
}

// withDefaults fills in the knobs whose zero value means "the default".
func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	return c
}
