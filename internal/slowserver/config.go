// This file holds what a caller chooses: the Config knobs and the FailMode
// enum, with the defaults and the checks Start applies to them.

package slowserver

import (
	"errors"
	"fmt"
	"io"
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
	Delay       time.Duration // time before each reply; 0 means reply at once
	Jitter      time.Duration // each delay gets a uniform random extra in [0, Jitter)
	FailEvery   int           // if k > 0, requests numbered k, 2k, … ("Request 6" is number 6) fail after their delay, each number once; requests without a number fail by arrival order
	FailMode    FailMode      // how those requests fail
	MaxConns    int           // if > 0, connections beyond this many open at once get BusyReply (or an HTTP 503) and are closed
	ReadTimeout time.Duration // how long a client may stay silent before its first message; 0 means 10s
	Log         io.Writer     // one line per event, written by one goroutine through a bounded buffer (a stalled Log drops lines, never blocks the server); nil means no log
	LogName     string        // what Log is, for the note on dropped lines ("nothing is reading stdout"); "" means "the log"

	// hold, for tests only: when set, every reply waits after its delay
	// until hold is closed, so a test can see all its requests in flight at
	// once however slow the machine (see TestConcurrency).
	hold <-chan struct{}
}

// Validate reports the first knob that makes no sense (a negative duration or
// count, an unknown fail mode).
func (c Config) Validate() error {
	switch {
	case c.Delay < 0:
		return errors.New("delay must not be negative")
	case c.Jitter < 0:
		return errors.New("jitter must not be negative")
	case c.FailEvery < 0:
		return errors.New("fail-every must not be negative")
	case c.MaxConns < 0:
		return errors.New("max-conns must not be negative")
	case c.ReadTimeout < 0:
		return errors.New("read-timeout must not be negative")
	case c.FailMode != FailReset && c.FailMode != FailGarbage:
		return fmt.Errorf("unknown fail mode %d", int(c.FailMode))
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
