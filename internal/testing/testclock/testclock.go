// Package testclock is a clock for tests that stands still until the test
// moves it. A test hands its Now to whatever reads the time, such as
// sqlstore's DB.Now (the clock of every transaction, and so of sessions,
// throttles and TOTP codes), and then steps past a time limit or to the
// next TOTP time step at once instead of waiting for it.
package testclock

import (
	"sync"
	"time"
)

// Clock is a settable time. Its methods are safe to call from any
// goroutine, as a server's requests do.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock that stands at the current time, in UTC, to the
// second.
func New() *Clock {
	return &Clock{now: time.Now().UTC().Truncate(time.Second)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
