package fristad

import (
	"context"
	"time"
)

// Session lengths (SR-11): a session ends after 15 minutes without a
// request and after 12 hours in any case.
const (
	DefaultIdleTimeout     = 15 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	// PendingLoginTTL is how long a checked password waits for its
	// second factor.
	PendingLoginTTL = 5 * time.Minute
	// StepUpTTL is how long a fresh second factor counts as fresh (SR-13).
	StepUpTTL = 5 * time.Minute
)

// SessionPolicy is how long a staff session lasts (SR-11).
type SessionPolicy struct {
	IdleTimeout     time.Duration // without a request
	AbsoluteTimeout time.Duration // in any case
}

// Expires returns the absolute end of a session started at created.
func (p SessionPolicy) Expires(created time.Time) time.Time { return created.Add(p.AbsoluteTimeout) }

// Expired reports whether a session last seen at lastSeen, with its
// absolute end at expires, has ended at now: at its end to the instant,
// and once IdleTimeout has passed since its last request.
func (p SessionPolicy) Expired(lastSeen, expires, now time.Time) bool {
	return !now.Before(expires) || now.Sub(lastSeen) >= p.IdleTimeout
}

// MaxSessions is how many sessions one user keeps at once: a new one
// ends the oldest beyond it (SR-14).
const MaxSessions = 3

// LoginThrottle is when failed attempts to log in refuse the next ones
// (SR-03): an account name after AccountFailures failures within
// Window, an address after AddressFailures, until enough of them are
// older than the window.
type LoginThrottle struct {
	Window          time.Duration
	AccountFailures int
	AddressFailures int
}

// DefaultLoginThrottle refuses an account name after 10 failures within
// 15 minutes, and an address after 100 (SR-03).
var DefaultLoginThrottle = LoginThrottle{Window: 15 * time.Minute, AccountFailures: 10, AddressFailures: 100}

// Since returns when the failures that count at now began: a failure at
// or before it counts no more, and may be forgotten.
func (t LoginThrottle) Since(now time.Time) time.Time { return now.Add(-t.Window) }

// Refused reports whether an attempt is refused, with the failures of its
// account name and of its address after Since(now).
func (t LoginThrottle) Refused(accountFailures, addressFailures int) bool {
	return accountFailures >= t.AccountFailures || addressFailures >= t.AddressFailures
}

// Locks reports whether the failure that brings an account name's count
// to accountFailures is the one that locks it: the moment a real
// account's owner is told (SR-06), once, not at every failure after.
func (t LoginThrottle) Locks(accountFailures int) bool { return accountFailures == t.AccountFailures }

// Client describes where a request comes from. The address is only ever
// stored as a keyed hash.
type Client struct {
	IP        string
	UserAgent string
}

// Session is a logged-in browser.
type Session struct {
	ID         string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end
	UserAgent  string    // shortened, to tell sessions apart
	Current    bool      // the session of the request asking
}

// TOTPEnrolment is a new TOTP secret waiting to be confirmed with a code.
type TOTPEnrolment struct {
	Secret string // base32, for manual entry
	URI    string // otpauth://, for a QR code or a link
}

// Notice tells a user about a change to their own account (SR-06): kind
// is "passkey.added", "passkey.removed", "factors.set", "roles.changed"
// or "signin.failures".
type Notice struct {
	Kind      string
	CreatedAt time.Time
}

// NoticeMail is a notice waiting to be told by e-mail (SR-06). The
// message says only that something changed and to log in to see what:
// never the kind, never anything about a case.
type NoticeMail struct {
	UserID   string
	Email    string
	Attempts int // failed attempts so far
}

// MaxNoticeMailAttempts is how often sending one notice is tried before
// it is given up (the notice stays in the app).
const MaxNoticeMailAttempts = 5

// NoticeMailService hands notices to the mailer. Only the system acts on
// it: no user reads another's address through it.
type NoticeMailService interface {
	// PendingNoticeMail returns up to limit notices not yet mailed,
	// oldest first, one per user (one message covers all of a user's
	// pending notices).
	PendingNoticeMail(ctx context.Context, limit int) ([]*NoticeMail, error)
	// NoticeMailed records an attempt: sent marks the user's pending
	// notices as mailed; otherwise the attempt is counted.
	NoticeMailed(ctx context.Context, n *NoticeMail, sent bool) error
}

// AuthService logs users in and out. Every failure to log in is the same
// EUNAUTHORIZED error whatever the reason — unknown account, wrong
// password, wrong code, locked, disabled — so nobody can learn which
// accounts exist (SR-04); too many failures give ERATELIMIT.
type AuthService interface {
	// Login checks an e-mail address and a password and returns a
	// pending-login token that VerifyTOTP needs.
	Login(ctx context.Context, email, password string, client Client) (pending string, err error)
	// VerifyTOTP completes a pending login with a code from the user's
	// authenticator and returns a new session token.
	VerifyTOTP(ctx context.Context, pending, code string, client Client) (session string, err error)
	// Authenticate returns the actor of a session token and records the
	// request for the idle timeout; EUNAUTHORIZED when the session has
	// ended, expired, or its user was disabled.
	Authenticate(ctx context.Context, session string) (*Actor, error)
	// Logout ends the session.
	Logout(ctx context.Context, session string) error
	// Sessions returns the actor's own sessions.
	Sessions(ctx context.Context) ([]*Session, error)
	// EndSession ends one of the actor's own sessions.
	EndSession(ctx context.Context, id string) error
	// Notices returns the last month's notices about the actor's own
	// account, newest first.
	Notices(ctx context.Context) ([]*Notice, error)

	// CheckActivation returns the activation of a token that is still
	// valid, or ENOTFOUND.
	CheckActivation(ctx context.Context, token string) (*Activation, error)
	// SetActivationPassword checks and stores the new password of an
	// activation and returns a TOTP secret to enrol.
	SetActivationPassword(ctx context.Context, token, password string) (*TOTPEnrolment, error)
	// CompleteActivation confirms the TOTP secret with a code, activates
	// the account and uses up the token.
	CompleteActivation(ctx context.Context, token, code string) error
}
