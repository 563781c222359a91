package fristad

import (
	"context"
	"time"
)

// Passkey is a WebAuthn credential — a passkey or a security key — with
// which a user logs in without a password, resistant to phishing.
// Credential is the verifier's record of it (public key, counters), kept
// as the WebAuthn library encodes it.
type Passkey struct {
	ID         string // the credential id, base64url
	UserID     string
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	Credential []byte
}

// CeremonyTTL is how long a WebAuthn challenge waits for its answer.
const CeremonyTTL = 5 * time.Minute

// Ceremony kinds.
const (
	CeremonyRegister = "register"
	CeremonyLogin    = "login"
	CeremonyStepUp   = "step-up"
)

// PasskeyService stores passkeys and runs what surrounds the WebAuthn
// ceremonies. The cryptographic checks of a ceremony are done by the
// caller with a WebAuthn library; this service keeps the one-time
// challenges and the credentials, and starts sessions.
type PasskeyService interface {
	// SaveCeremony keeps a ceremony's state for CeremonyTTL and returns
	// a one-time token for it.
	SaveCeremony(ctx context.Context, kind, userID string, data []byte) (token string, err error)
	// TakeCeremony returns and removes a ceremony's state; a second
	// call, another kind or an expired one is ENOTFOUND.
	TakeCeremony(ctx context.Context, token, kind string) (userID string, data []byte, err error)

	// Passkeys returns the actor's own passkeys.
	Passkeys(ctx context.Context) ([]*Passkey, error)
	// AddPasskey stores a new passkey for the actor. Changing factors
	// needs a fresh second factor (SR-13), and ends the actor's other
	// sessions (SR-12).
	AddPasskey(ctx context.Context, p *Passkey) error
	// RemovePasskey removes one of the actor's passkeys, with the same
	// conditions as AddPasskey.
	RemovePasskey(ctx context.Context, id string) error

	// PasskeyUser returns the user a credential's user handle names, with
	// all their passkeys, for verifying a login; ENOTFOUND for a disabled
	// or unknown user.
	PasskeyUser(ctx context.Context, userHandle []byte) (*User, []*Passkey, error)
	// LoginWithPasskey starts a session for a user whose assertion with
	// passkey p was verified, storing p's updated counters.
	LoginWithPasskey(ctx context.Context, userID string, p *Passkey, client Client) (session string, err error)
	// RecordPasskeyFailure audits a refused passkey assertion, such as one
	// whose signature counter went backwards (a cloned authenticator).
	RecordPasskeyFailure(ctx context.Context, userID, reason string, client Client) error

	// StepUpTOTP confirms the actor with a fresh TOTP code and returns a
	// new session token (the old one stops working).
	StepUpTOTP(ctx context.Context, session, code string, client Client) (newSession string, err error)
	// StepUpPasskey does the same after a verified passkey assertion.
	StepUpPasskey(ctx context.Context, session string, p *Passkey, client Client) (newSession string, err error)
}

// FreshStepUp reports whether the actor confirmed a second factor within
// StepUpTTL of now.
func (a *Actor) FreshStepUp(now time.Time) bool {
	return a != nil && !a.StepUpAt.IsZero() && now.Sub(a.StepUpAt) < StepUpTTL
}

// ErrStepUpRequired is the error for an action that needs a fresh second
// factor first (SR-13).
func ErrStepUpRequired() *Error {
	return &Error{Code: ESTEPUP, Key: "stepup.required", Message: "confirm with a second factor first"}
}
