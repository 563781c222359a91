package fristad

import (
	"context"
	"time"
)

// Token scopes: what an API token may do on its user's behalf.
const (
	ScopeRead  = "read"  // read only
	ScopeWrite = "write" // read and change
)

// DefaultTokenTTL is how long an API token lives unless told otherwise;
// MaxTokenTTL is the longest allowed.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 365 * 24 * time.Hour
)

// APIToken is a personal token for the JSON API. It acts as its user,
// within its scope, until it expires or is revoked, and never after the
// user is disabled. Only a hash is stored; Token is set once, when the
// token is created.
type APIToken struct {
	ID         string
	UserID     string
	Name       string // what the user calls it, e.g. "reporting script"
	Scope      string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time

	Token string
}

// ActionTokenManage is creating, listing or revoking another user's API
// tokens.
const ActionTokenManage Action = "token.manage"

// TokenService manages API tokens.
type TokenService interface {
	// CreateToken issues a token for a user with the given name, scope and
	// lifetime (0 means DefaultTokenTTL) and returns it with Token set.
	CreateToken(ctx context.Context, userID, name, scope string, ttl time.Duration) (*APIToken, error)
	// FindTokens returns a user's tokens, newest first.
	FindTokens(ctx context.Context, userID string) ([]*APIToken, error)
	// RevokeToken ends a token at once.
	RevokeToken(ctx context.Context, id string) error
	// AuthenticateToken returns the actor of a token, or EUNAUTHORIZED.
	AuthenticateToken(ctx context.Context, token string) (*Actor, error)
}
