package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
)

// PasskeyService keeps passkeys and runs their ceremonies' storage side.
type PasskeyService struct{ db *DB }

var (
	_ fristad.PasskeyService = (*PasskeyService)(nil)
)

// NewPasskeyService returns the passkey service over db.
func NewPasskeyService(db *DB) *PasskeyService { return &PasskeyService{db: db} }

// SaveCeremony keeps a WebAuthn ceremony's state.
func (s *PasskeyService) SaveCeremony(ctx context.Context, kind, userID string, data []byte) (_ string, err error) {
	defer wrapErr(&err, "PasskeyService.SaveCeremony")
	token := auth.NewToken()
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webauthn_ceremonies WHERE expires_at <= $1`, tx.now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webauthn_ceremonies (token_hash, kind, user_id, data, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			auth.HashToken(token), kind, userID, data, tx.now.Add(fristad.CeremonyTTL))
		return err
	})
	return token, err
}

// TakeCeremony returns and removes a ceremony's state: each challenge is
// answered once (SR-01).
func (s *PasskeyService) TakeCeremony(ctx context.Context, token, kind string) (_ string, _ []byte, err error) {
	defer wrapErr(&err, "PasskeyService.TakeCeremony")
	var userID string
	var data []byte
	err = s.db.write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			SELECT user_id, data FROM webauthn_ceremonies WHERE token_hash = $1 AND kind = $2 AND expires_at > $3`,
			auth.HashToken(token), kind, tx.now).Scan(&userID, &data)
		if errors.Is(err, sql.ErrNoRows) {
			return fristad.Errorf(fristad.ENOTFOUND, "no such ceremony")
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM webauthn_ceremonies WHERE token_hash = $1`, auth.HashToken(token))
		return err
	})
	return userID, data, err
}

// Passkeys returns the actor's own passkeys.
func (s *PasskeyService) Passkeys(ctx context.Context) (_ []*fristad.Passkey, err error) {
	defer wrapErr(&err, "PasskeyService.Passkeys")
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" || actor.TokenScope != "" {
		return nil, fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	var keys []*fristad.Passkey
	err = s.db.read(ctx, func(tx *Tx) (err error) {
		keys, err = findPasskeys(ctx, tx, actor.UserID)
		return err
	})
	return keys, err
}

func findPasskeys(ctx context.Context, tx *Tx, userID string) ([]*fristad.Passkey, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, user_id, name, credential, created_at, last_used_at
		FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []*fristad.Passkey
	for rows.Next() {
		var p fristad.Passkey
		var used sql.NullTime
		if err := rows.Scan(&p.ID, &p.UserID, &p.Name, &p.Credential, &p.CreatedAt, &used); err != nil {
			return nil, err
		}
		if used.Valid {
			p.LastUsedAt = &used.Time
		}
		keys = append(keys, &p)
	}
	return keys, rows.Err()
}

// changingFactors checks that the actor is a person at a browser who
// confirmed a second factor within the last minutes.
func changingFactors(ctx context.Context, tx *Tx) (*fristad.Actor, error) {
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" || actor.TokenScope != "" {
		return nil, fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	if !actor.FreshStepUp(tx.now) {
		return nil, fristad.ErrStepUpRequired()
	}
	return actor, nil
}

// endOtherSessions ends every session of a user but the current one, so
// a change of factors locks out whoever else was logged in (SR-12).
func endOtherSessions(ctx context.Context, tx *Tx, userID, keep string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
	return err
}

// AddPasskey stores a new passkey for the actor.
func (s *PasskeyService) AddPasskey(ctx context.Context, p *fristad.Passkey) (err error) {
	defer wrapErr(&err, "PasskeyService.AddPasskey")
	p.Name = strings.TrimSpace(p.Name)
	if utf8.RuneCountInString(p.Name) > 100 || !fristad.IsCleanText(p.Name) {
		return &fristad.Error{Code: fristad.EINVALID, Field: "name", Key: "passkey.name.invalid", Message: "the name is too long or holds control characters"}
	}
	return s.db.write(ctx, func(tx *Tx) error {
		actor, err := changingFactors(ctx, tx)
		if err != nil {
			return err
		}
		p.UserID, p.CreatedAt = actor.UserID, tx.now
		_, err = tx.ExecContext(ctx, `INSERT INTO passkeys (id, user_id, name, credential, created_at) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.UserID, p.Name, p.Credential, p.CreatedAt)
		if fristad.ErrorCode(translate(err)) == fristad.ECONFLICT {
			return fristad.Localized(fristad.ECONFLICT, "passkey.exists", nil, "this passkey is registered already")
		}
		if err != nil {
			return err
		}
		if err := endOtherSessions(ctx, tx, actor.UserID, actor.SessionID); err != nil {
			return err
		}
		if err := notify(ctx, tx, actor.UserID, "passkey.added"); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "factor.passkey.add", ObjectType: "passkey", ObjectID: p.ID})
	})
}

// RemovePasskey removes one of the actor's passkeys.
func (s *PasskeyService) RemovePasskey(ctx context.Context, id string) (err error) {
	defer wrapErr(&err, "PasskeyService.RemovePasskey")
	return s.db.write(ctx, func(tx *Tx) error {
		actor, err := changingFactors(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		if err := endOtherSessions(ctx, tx, actor.UserID, actor.SessionID); err != nil {
			return err
		}
		if err := notify(ctx, tx, actor.UserID, "passkey.removed"); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "factor.passkey.remove", ObjectType: "passkey", ObjectID: id})
	})
}

// PasskeyUser returns the active user a user handle names, with their
// passkeys.
func (s *PasskeyService) PasskeyUser(ctx context.Context, userHandle []byte) (_ *fristad.User, _ []*fristad.Passkey, err error) {
	defer wrapErr(&err, "PasskeyService.PasskeyUser")
	var u fristad.User
	var keys []*fristad.Passkey
	err = s.db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			SELECT id, org_id, email, name FROM users
			WHERE id = $1 AND activated_at IS NOT NULL AND disabled_at IS NULL`, string(userHandle)).
			Scan(&u.ID, &u.OrganisationID, &u.Email, &u.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		if err != nil {
			return err
		}
		keys, err = findPasskeys(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	u.Activated = true
	return &u, keys, nil
}

// LoginWithPasskey starts a session after a verified passkey assertion: a
// passkey with user verification is both factors at once.
func (s *PasskeyService) LoginWithPasskey(ctx context.Context, userID string, p *fristad.Passkey, client fristad.Client) (_ string, err error) {
	defer wrapErr(&err, "PasskeyService.LoginWithPasskey")
	cfg := s.db.authConfig()
	var token string
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := updatePasskeyUse(ctx, tx, userID, p); err != nil {
			return err
		}
		var err error
		if token, err = createSession(ctx, tx, userID, client, cfg); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "authn.login", ObjectType: "user", ObjectID: userID, ActorID: userID, Purpose: "passkey", IP: client.IP})
	})
	return token, err
}

// updatePasskeyUse stores a passkey's counters after a verified use; a
// passkey of a disabled user, or of another user, is refused.
func updatePasskeyUse(ctx context.Context, tx *Tx, userID string, p *fristad.Passkey) error {
	res, err := tx.ExecContext(ctx, `
		UPDATE passkeys SET credential = $1, last_used_at = $2
		WHERE id = $3 AND user_id = $4 AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL)`,
		p.Credential, tx.now, p.ID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errLoginFailed
	}
	return nil
}

// RecordPasskeyFailure audits a refused passkey assertion.
func (s *PasskeyService) RecordPasskeyFailure(ctx context.Context, userID, reason string, client fristad.Client) (err error) {
	defer wrapErr(&err, "PasskeyService.RecordPasskeyFailure")
	return s.db.record(ctx, auditEvent{Action: "authn.passkey", ObjectType: "user", ObjectID: userID, ActorID: userID, Purpose: reason, Result: audit.ResultFailed, IP: client.IP})
}

// StepUpTOTP confirms the actor with a fresh TOTP code.
func (s *PasskeyService) StepUpTOTP(ctx context.Context, session, code string, client fristad.Client) (_ string, err error) {
	defer wrapErr(&err, "PasskeyService.StepUpTOTP")
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" || actor.TokenScope != "" {
		return "", fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	var token string
	var failed bool
	err = s.db.write(ctx, func(tx *Tx) error {
		var sealed []byte
		var lastStep int64
		if err := tx.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1`, actor.UserID).Scan(&sealed, &lastStep); err != nil {
			return err
		}
		dk, err := s.db.dataKey(ctx, tx, staffSubject, false)
		if err != nil {
			return err
		}
		secret, err := dk.Open(sealed, "users", "totp_secret", actor.UserID)
		if err != nil {
			return err
		}
		step, ok := auth.VerifyTOTP(string(secret), code, tx.now, lastStep)
		if !ok {
			failed = true
			return s.db.audit(ctx, tx, auditEvent{Action: "authn.stepup", ObjectType: "session", ObjectID: actor.SessionID, Purpose: "totp", Result: audit.ResultFailed, IP: client.IP})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2`, step, actor.UserID); err != nil {
			return err
		}
		token, err = s.db.rotateSession(ctx, tx, session, "totp", client)
		return err
	})
	if err == nil && failed {
		err = fristad.Localized(fristad.EINVALID, "stepup.code.wrong", nil, "the code does not match")
	}
	return token, err
}

// StepUpPasskey confirms the actor after a verified passkey assertion.
func (s *PasskeyService) StepUpPasskey(ctx context.Context, session string, p *fristad.Passkey, client fristad.Client) (_ string, err error) {
	defer wrapErr(&err, "PasskeyService.StepUpPasskey")
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" || actor.TokenScope != "" {
		return "", fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	var token string
	err = s.db.write(ctx, func(tx *Tx) (err error) {
		if err := updatePasskeyUse(ctx, tx, actor.UserID, p); err != nil {
			return err
		}
		token, err = s.db.rotateSession(ctx, tx, session, "passkey", client)
		return err
	})
	return token, err
}

// rotateSession gives the session a new token and a fresh step-up time;
// the old token stops working (SR-10).
func (db *DB) rotateSession(ctx context.Context, tx *Tx, session, method string, client fristad.Client) (string, error) {
	token := auth.NewToken()
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET token_hash = $1, stepup_at = $2, last_seen_at = $2 WHERE token_hash = $3`,
		auth.HashToken(token), tx.now, auth.HashToken(session))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", fristad.Errorf(fristad.EUNAUTHORIZED, "the session has ended")
	}
	actor := fristad.ActorFromContext(ctx)
	return token, db.audit(ctx, tx, auditEvent{Action: "authn.stepup", ObjectType: "session", ObjectID: actor.SessionID, Purpose: method, IP: client.IP})
}
