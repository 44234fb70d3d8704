// This file decides which requests Config.FailEvery fails. Lessons say
// "-fail-every 3 fails requests 3, 6 and 9", so the choice follows the number
// a request carries ("Request 6"), not the order requests happen to arrive
// in; only requests without a number fall back to arrival order.

package slowserver

import "sync"

// maxRemembered bounds the numbers a failPicker remembers having failed.
// When it is full it forgets them all and starts again: a shortcut that only
// a client sending this many distinct multiples of FailEvery could notice.
const maxRemembered = 1 << 16

// failPicker picks the requests to fail. A numbered request fails when its
// number is a positive multiple of every, and only the first time that number
// arrives: a client that retries "Request 6" is answered, which is what the
// retry lesson needs. A request without a number (HTTP, say) fails when it is
// the every-th, 2·every-th, … such request to arrive.
type failPicker struct {
	every int64 // 0: never fail

	mu         sync.Mutex
	unnumbered int64              // requests without a number so far
	failed     map[int64]struct{} // numbers already failed once
}

// pick reports whether req is to fail. It is safe from any goroutine.
func (p *failPicker) pick(req request) bool {
	if p.every <= 0 {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if req.number < 0 {
		p.unnumbered++
		return p.unnumbered%p.every == 0
	}
	if req.number == 0 || req.number%p.every != 0 {
		return false
	}
	if _, seen := p.failed[req.number]; seen {
		return false
	}
	if p.failed == nil || len(p.failed) >= maxRemembered {
		p.failed = make(map[int64]struct{})
	}
	p.failed[req.number] = struct{}{}
	return true
}
