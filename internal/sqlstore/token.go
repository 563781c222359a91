package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"fristad"
	"fristad/internal/auth"
)

// TokenService keeps personal API tokens and authenticates them.
type TokenService struct{ db *DB }

var (
	_ fristad.TokenService = (*TokenService)(nil)
)

// NewTokenService returns the token service over db.
func NewTokenService(db *DB) *TokenService { return &TokenService{db: db} }

// mayManageTokens allows the token's own user, and administrators and the
// command line for anyone's.
func mayManageTokens(ctx context.Context, userID string) error {
	actor := fristad.ActorFromContext(ctx)
	if actor == nil {
		return fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	if actor.UserID == userID && actor.UserID != "" && actor.TokenScope == "" {
		return nil // a person at a browser, for themselves; never a token making tokens
	}
	return fristad.Authorize(actor, fristad.ActionTokenManage, nil, fristad.ENOTFOUND)
}

// CreateToken issues an API token.
func (s *TokenService) CreateToken(ctx context.Context, userID, name, scope string, ttl time.Duration) (_ *fristad.APIToken, err error) {
	defer wrapErr(&err, "TokenService.CreateToken")
	if err := mayManageTokens(ctx, userID); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	switch {
	case scope != fristad.ScopeRead && scope != fristad.ScopeWrite:
		return nil, &fristad.Error{Code: fristad.EINVALID, Field: "scope", Key: "token.scope.invalid", Message: "the scope must be read or write"}
	case ttl < 0 || ttl > fristad.MaxTokenTTL:
		return nil, &fristad.Error{Code: fristad.EINVALID, Field: "expires", Key: "token.ttl.invalid", Message: "a token lives at most a year"}
	case utf8.RuneCountInString(name) > 100 || !fristad.IsCleanText(name):
		return nil, &fristad.Error{Code: fristad.EINVALID, Field: "name", Key: "token.name.invalid", Message: "the name is too long or holds control characters"}
	}
	if ttl == 0 {
		ttl = fristad.DefaultTokenTTL
	}
	t := &fristad.APIToken{ID: auth.NewID(), UserID: userID, Name: name, Scope: scope, Token: "fristad_" + auth.NewToken()}
	err = s.db.write(ctx, func(tx *Tx) error {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT activated_at IS NOT NULL AND disabled_at IS NULL FROM users WHERE id = $1`, userID).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		if err != nil {
			return err
		}
		if !active {
			return fristad.Localized(fristad.EINVALID, "token.user.inactive", nil, "the user is not activated or is disabled")
		}
		t.CreatedAt, t.ExpiresAt = tx.now, tx.now.Add(ttl)
		_, err = tx.ExecContext(ctx, `
			INSERT INTO api_tokens (id, token_hash, user_id, name, scope, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			t.ID, auth.HashToken(t.Token), userID, t.Name, t.Scope, t.CreatedAt, t.ExpiresAt)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "token.create", ObjectType: "api_token", ObjectID: t.ID, Purpose: scope})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// FindTokens returns a user's tokens, newest first.
func (s *TokenService) FindTokens(ctx context.Context, userID string) (_ []*fristad.APIToken, err error) {
	defer wrapErr(&err, "TokenService.FindTokens")
	if err := mayManageTokens(ctx, userID); err != nil {
		return nil, err
	}
	var tokens []*fristad.APIToken
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at
			FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t fristad.APIToken
			var used, revoked sql.NullTime
			if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Scope, &t.CreatedAt, &t.ExpiresAt, &used, &revoked); err != nil {
				return err
			}
			if used.Valid {
				t.LastUsedAt = &used.Time
			}
			if revoked.Valid {
				t.RevokedAt = &revoked.Time
			}
			tokens = append(tokens, &t)
		}
		return rows.Err()
	})
	return tokens, err
}

// RevokeToken ends a token.
func (s *TokenService) RevokeToken(ctx context.Context, id string) (err error) {
	defer wrapErr(&err, "TokenService.RevokeToken")
	return s.db.write(ctx, func(tx *Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM api_tokens WHERE id = $1`, id).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		if err != nil {
			return err
		}
		if err := mayManageTokens(ctx, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.now, id); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "token.revoke", ObjectType: "api_token", ObjectID: id})
	})
}

// AuthenticateToken returns the actor of an API token. It reads, in a
// read transaction, so a revoked or expired token, or one whose user is
// disabled, is refused on its next request; last_used_at is written at
// most once a minute (lastSeenEvery), when it is older than that.
func (s *TokenService) AuthenticateToken(ctx context.Context, token string) (_ *fristad.Actor, err error) {
	defer wrapErr(&err, "TokenService.AuthenticateToken")
	unauthorized := fristad.Errorf(fristad.EUNAUTHORIZED, "the token is not valid")
	var (
		actor *fristad.Actor
		id    string
		stale bool
		now   time.Time
	)
	err = s.db.read(ctx, func(tx *Tx) error {
		a := &fristad.Actor{}
		var expires time.Time
		var used sql.NullTime
		var revoked, disabled bool
		err := tx.QueryRowContext(ctx, `
			SELECT t.id, t.scope, t.expires_at, t.last_used_at, t.revoked_at IS NOT NULL, u.id, u.org_id, u.email, u.name, u.disabled_at IS NOT NULL
			FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1`, auth.HashToken(token)).
			Scan(&id, &a.TokenScope, &expires, &used, &revoked, &a.UserID, &a.OrganisationID, &a.Email, &a.Name, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if revoked || disabled || !tx.now.Before(expires) {
			// Recorded through the committer, as reads are.
			return s.db.audit(ctx, tx, auditEvent{Action: "token.refused", ObjectType: "api_token", ObjectID: id, ActorID: a.UserID, Result: "denied"})
		}
		stale, now = !used.Valid || tx.now.Sub(used.Time) >= lastSeenEvery, tx.now
		if a.Roles, err = userRoles(ctx, tx, a.UserID); err != nil {
			return err
		}
		a.SessionID = "token:" + id
		actor = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	if actor == nil {
		return nil, unauthorized
	}
	if stale {
		err := s.db.write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, now, id)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return actor, nil
}
