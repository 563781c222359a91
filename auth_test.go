package fristad_test

import (
	"testing"
	"time"

	"fristad"
)

// TestSessionExpired checks when a session ends (SR-11): at its absolute
// end to the instant, and when the idle timeout has passed since its
// last request, both bounds counted as ended.
func TestSessionExpired(t *testing.T) {
	p := fristad.SessionPolicy{IdleTimeout: 15 * time.Minute, AbsoluteTimeout: 12 * time.Hour}
	created := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	expires := p.Expires(created)
	if want := time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC); !expires.Equal(want) {
		t.Fatalf("Expires = %v; want %v", expires, want)
	}
	for _, tt := range []struct {
		name          string
		lastSeen, now time.Time
		want          bool
	}{
		{"just started", created, created, false},
		{"a request a minute ago", created.Add(time.Hour), created.Add(time.Hour + time.Minute), false},
		{"idle one moment short of the timeout", created, created.Add(15*time.Minute - time.Nanosecond), false},
		{"idle exactly the timeout", created, created.Add(15 * time.Minute), true},
		{"idle longer", created, created.Add(time.Hour), true},
		{"busy, a moment before the absolute end", expires.Add(-time.Minute), expires.Add(-time.Nanosecond), false},
		{"busy, at the absolute end", expires.Add(-time.Minute), expires, true},
		{"busy, after it", expires.Add(-time.Second), expires.Add(time.Second), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Expired(tt.lastSeen, expires, tt.now); got != tt.want {
				t.Errorf("Expired = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestLoginThrottle checks when failed logins refuse the next attempt
// (SR-03), and which failure locks an account name (SR-06).
func TestLoginThrottle(t *testing.T) {
	p := fristad.DefaultLoginThrottle
	if p.Window != 15*time.Minute || p.AccountFailures != 10 || p.AddressFailures != 100 {
		t.Fatalf("DefaultLoginThrottle = %+v; want 15 minutes, 10 per account name, 100 per address", p)
	}
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)
	if got, want := p.Since(now), time.Date(2026, 3, 29, 1, 15, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Since = %v; want %v", got, want)
	}
	for _, tt := range []struct {
		name              string
		account, address  int
		refused, lockedAt bool
	}{
		{"no failures", 0, 0, false, false},
		{"one short of the account limit", 9, 9, false, false},
		{"at the account limit", 10, 10, true, true},
		{"past the account limit", 11, 11, true, false},
		{"one short of the address limit", 0, 99, false, false},
		{"at the address limit", 0, 100, true, false},
		{"past the address limit", 3, 250, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Refused(tt.account, tt.address); got != tt.refused {
				t.Errorf("Refused(%d, %d) = %v; want %v", tt.account, tt.address, got, tt.refused)
			}
			if got := p.Locks(tt.account); got != tt.lockedAt {
				t.Errorf("Locks(%d) = %v; want %v", tt.account, got, tt.lockedAt)
			}
		})
	}
	// Another policy is honoured as given.
	strict := fristad.LoginThrottle{Window: time.Minute, AccountFailures: 1, AddressFailures: 2}
	if !strict.Refused(1, 0) || strict.Refused(0, 1) || !strict.Refused(0, 2) || !strict.Locks(1) {
		t.Errorf("a policy of one failure per name, two per address is not followed")
	}
}
