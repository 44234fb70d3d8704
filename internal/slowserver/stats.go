// This file holds the counters. Every test in the project proves concurrency
// with them ("peak == 10"), so they change under one mutex: a Stats snapshot
// is always consistent (Served and InFlight never disagree mid-update).

package slowserver

import "sync"

// Stats is a snapshot of the server's counters.
type Stats struct {
	InFlight int64 // requests read whose reply is not written yet
	Peak     int64 // the largest InFlight seen (since Start or ResetPeak)
	Served   int64 // replies written
	Failed   int64 // requests failed on purpose, plus clients that went silent, vanished or errored
	Rejected int64 // connections turned away by MaxConns
	Accepted int64 // connections accepted, rejected ones included

	LogDropped int64 // log lines dropped because Log did not keep up (see Config.Log)
}

// counters guards a Stats; Peak follows InFlight on every update.
type counters struct {
	mu sync.Mutex
	s  Stats
}

// update applies change under the lock, raises Peak if needed and returns
// the new snapshot (for the log line that goes with the change).
func (c *counters) update(change func(s *Stats)) Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	change(&c.s)
	c.s.Peak = max(c.s.Peak, c.s.InFlight)
	return c.s
}

// snapshot returns a copy of the counters.
func (c *counters) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}
