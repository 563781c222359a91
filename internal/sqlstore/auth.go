package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
)

// AuthService logs staff in and out and keeps their sessions and activations.
type AuthService struct{ db *DB }

var (
	_ fristad.AuthService = (*AuthService)(nil)
)

// NewAuthService returns the auth service over db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

// AuthConfig holds the settings of logging in.
type AuthConfig struct {
	Argon2          auth.Argon2Params
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
}

// loginThrottle is the throttling of logins (SR-03).
var loginThrottle = fristad.DefaultLoginThrottle

// errLoginFailed is the one answer to every failed login (SR-04).
var errLoginFailed = fristad.Localized(fristad.EUNAUTHORIZED, "login.failed", nil, "wrong e-mail address, password or code")

func errThrottled() error {
	return fristad.Localized(fristad.ERATELIMIT, "login.throttled", map[string]any{"Minutes": int(loginThrottle.Window.Minutes())}, "too many failed attempts; wait and try again")
}

// authConfig returns the configuration with defaults filled in.
func (db *DB) authConfig() AuthConfig {
	c := db.Auth
	if c.Argon2.Memory == 0 {
		c.Argon2 = auth.DefaultArgon2
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = fristad.DefaultIdleTimeout
	}
	if c.AbsoluteTimeout == 0 {
		c.AbsoluteTimeout = fristad.DefaultAbsoluteTimeout
	}
	return c
}

// sessions returns the session policy of the configuration (SR-11).
func (c AuthConfig) sessions() fristad.SessionPolicy {
	return fristad.SessionPolicy{IdleTimeout: c.IdleTimeout, AbsoluteTimeout: c.AbsoluteTimeout}
}

// keyedHash returns a keyed hash of s, so the throttling table does not
// list who tried to log in or from where. The key is the blind-index key
// from the key store (see InitKeys).
func (db *DB) keyedHash(kind, s string) (string, error) {
	ix := db.indexer.Load()
	if ix == nil {
		return "", fristad.Errorf(fristad.EUNAVAILABLE, "the key store is not open: no master key?")
	}
	return hex.EncodeToString(ix.Token("throttle."+kind, s)), nil
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// dummy returns a password hash to verify when an account does not exist,
// so that answer takes as long as a wrong password (SR-04).
func (db *DB) dummy() string {
	dummyOnce.Do(func() { dummyHash = auth.DummyHash(db.authConfig().Argon2) })
	return dummyHash
}

// Login checks an e-mail address and password.
func (s *AuthService) Login(ctx context.Context, email, password string, client fristad.Client) (_ string, err error) {
	defer wrapErr(&err, "AuthService.Login")
	email = fristad.NormalizeEmail(email)
	emailHash, err := s.db.keyedHash("email", email)
	if err != nil {
		return "", err
	}
	ipHash, err := s.db.keyedHash("ip", client.IP)
	if err != nil {
		return "", err
	}
	var (
		userID, hash string
		usable       bool
		throttled    error
	)
	err = s.db.read(ctx, func(tx *Tx) error {
		if throttled = checkThrottle(ctx, tx, emailHash, ipHash); throttled != nil {
			return nil
		}
		var ph sql.NullString
		var activated, disabled bool
		err := tx.QueryRowContext(ctx, `
			SELECT id, password_hash, activated_at IS NOT NULL, disabled_at IS NOT NULL
			FROM users WHERE email = $1`, email).Scan(&userID, &ph, &activated, &disabled)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		hash, usable = ph.String, err == nil && ph.Valid && activated && !disabled
		return nil
	})
	if err != nil {
		return "", err
	}
	if throttled != nil {
		return "", s.db.recordThrottled(ctx, client.IP, throttled)
	}
	// The slow hash runs outside any transaction, and always runs.
	if !usable {
		hash = s.db.dummy()
	}
	if s.db.onVerify != nil {
		s.db.onVerify(hash)
	}
	ok, err := auth.VerifyPassword(password, hash)
	if err != nil || !ok || !usable {
		return "", s.db.recordFailure(ctx, emailHash, ipHash, auditEvent{Action: "authn.password", ObjectType: "user", ObjectID: userID, ActorID: userID, IP: client.IP})
	}
	pending := auth.NewToken()
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending_logins WHERE expires_at <= $1`, tx.now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO pending_logins (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			auth.HashToken(pending), userID, tx.now, tx.now.Add(fristad.PendingLoginTTL))
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "authn.password", ObjectType: "user", ObjectID: userID, ActorID: userID, IP: client.IP})
	})
	return pending, err
}

// checkThrottle refuses an account name or an address with too many
// recent failures.
func checkThrottle(ctx context.Context, tx *Tx, emailHash, ipHash string) error {
	since := loginThrottle.Since(tx.now)
	var byEmail, byIP int
	err := tx.QueryRowContext(ctx, `
		SELECT
			(SELECT count(*) FROM login_failures WHERE email_hash = $1 AND at > $3),
			(SELECT count(*) FROM login_failures WHERE ip_hash = $2 AND at > $3)`,
		emailHash, ipHash, since).Scan(&byEmail, &byIP)
	if err != nil {
		return err
	}
	if loginThrottle.Refused(byEmail, byIP) {
		return errThrottled()
	}
	return nil
}

// recordFailure counts a failed attempt, audits it, and returns the
// error to answer.
func (db *DB) recordFailure(ctx context.Context, emailHash, ipHash string, e auditEvent) error {
	err := db.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at <= $1`, loginThrottle.Since(tx.now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (email_hash, ip_hash, at) VALUES ($1, $2, $3)`, emailHash, ipHash, tx.now); err != nil {
			return err
		}
		// The moment a real account's name is locked, its owner is told.
		if e.ActorID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE email_hash = $1 AND at > $2`, emailHash, loginThrottle.Since(tx.now)).Scan(&n); err != nil {
				return err
			}
			if loginThrottle.Locks(n) {
				if err := notify(ctx, tx, e.ActorID, "signin.failures"); err != nil {
					return err
				}
			}
		}
		e.Result = audit.ResultFailed
		return db.audit(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	return errLoginFailed
}

// recordThrottled audits a refused attempt and returns the refusal.
func (db *DB) recordThrottled(ctx context.Context, ip string, refusal error) error {
	if err := db.record(ctx, auditEvent{Action: "authn.throttled", ObjectType: "user", Result: audit.ResultDenied, IP: ip}); err != nil {
		return err
	}
	return refusal
}

// VerifyTOTP completes a pending login.
func (s *AuthService) VerifyTOTP(ctx context.Context, pending, code string, client fristad.Client) (_ string, err error) {
	defer wrapErr(&err, "AuthService.VerifyTOTP")
	cfg := s.db.authConfig()
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	ipHash, err := s.db.keyedHash("ip", client.IP)
	if err != nil {
		return "", err
	}
	var (
		token     string
		failed    bool
		failHash  string
		userID    string
		throttled error
	)
	err = s.db.write(ctx, func(tx *Tx) error {
		var email string
		var sealed []byte
		var lastStep int64
		err := tx.QueryRowContext(ctx, `
			SELECT u.id, u.email, u.totp_secret, u.totp_last_step
			FROM pending_logins p JOIN users u ON u.id = p.user_id
			WHERE p.token_hash = $1 AND p.expires_at > $2 AND u.disabled_at IS NULL AND u.totp_secret IS NOT NULL`,
			auth.HashToken(pending), tx.now).Scan(&userID, &email, &sealed, &lastStep)
		if errors.Is(err, sql.ErrNoRows) {
			failed = true
			return nil
		}
		if err != nil {
			return err
		}
		if failHash, err = s.db.keyedHash("email", email); err != nil {
			return err
		}
		if throttled = checkThrottle(ctx, tx, failHash, ipHash); throttled != nil {
			// Committed, so the refusal is on record.
			return s.db.audit(ctx, tx, auditEvent{Action: "authn.throttled", ObjectType: "user", ObjectID: userID, ActorID: userID, Result: audit.ResultDenied, IP: client.IP})
		}
		dk, err := s.db.dataKey(ctx, tx, staffSubject, false)
		if err != nil {
			return err
		}
		secret, err := dk.Open(sealed, "users", "totp_secret", userID)
		if err != nil {
			return err
		}
		step, ok := auth.VerifyTOTP(string(secret), code, tx.now, lastStep)
		if !ok {
			failed = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2`, step, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending_logins WHERE token_hash = $1`, auth.HashToken(pending)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE email_hash = $1`, failHash); err != nil {
			return err
		}
		if token, err = createSession(ctx, tx, userID, client, cfg); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "authn.login", ObjectType: "user", ObjectID: userID, ActorID: userID, IP: client.IP})
	})
	if err != nil {
		return "", err
	}
	if throttled != nil {
		return "", throttled
	}
	if failed {
		if failHash == "" {
			if failHash, err = s.db.keyedHash("pending", pending); err != nil {
				return "", err
			}
		}
		return "", s.db.recordFailure(ctx, failHash, ipHash, auditEvent{Action: "authn.code", ObjectType: "user", ObjectID: userID, ActorID: userID, IP: client.IP})
	}
	return token, nil
}

// createSession starts a session for a user, ending the oldest beyond
// fristad.MaxSessions, and returns its token.
func createSession(ctx context.Context, tx *Tx, userID string, client fristad.Client, cfg AuthConfig) (string, error) {
	token := auth.NewToken()
	_, err := tx.ExecContext(ctx, `
		INSERT INTO sessions (id, token_hash, user_id, user_agent, created_at, last_seen_at, expires_at, stepup_at)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $5)`,
		auth.NewID(), auth.HashToken(token), userID, shortUserAgent(client.UserAgent), tx.now, cfg.sessions().Expires(tx.now))
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `
		DELETE FROM sessions WHERE user_id = $1 AND id NOT IN (
			SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2)`,
		userID, fristad.MaxSessions)
	return token, err
}

// shortUserAgent keeps enough of a browser's name to tell sessions apart.
func shortUserAgent(ua string) string {
	ua = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, ua)
	if len(ua) > 120 {
		ua = ua[:120]
	}
	return strings.ToValidUTF8(ua, "")
}

// lastSeenEvery is how stale a session's last_seen_at (and a token's
// last_used_at) may grow before a request writes it again: authenticating
// reads only, and writes at most once a minute per session or token, so
// fifty colleagues' requests do not queue for the write lock on the way
// in.
//
// The idle timeout (SR-11) is then kept conservatively: last_seen_at is
// never later than a session's last request and at most lastSeenEvery
// earlier, so an idle session ends no later than IdleTimeout after its
// last request, and at most a minute sooner. It never lives longer.
const lastSeenEvery = time.Minute

// Authenticate returns the actor of a session token. It reads, in a read
// transaction; it writes only when the session's last_seen_at is a
// minute old (lastSeenEvery), and when the session has ended, to delete
// it and record that. A session ended by logout, by its user's end of it
// or by the user's disabling is refused on its next request, as it is
// read afresh every time; so are the roles (SR-12).
func (s *AuthService) Authenticate(ctx context.Context, token string) (_ *fristad.Actor, err error) {
	defer wrapErr(&err, "AuthService.Authenticate")
	cfg := s.db.authConfig()
	var (
		actor, ended *fristad.Actor
		stale        bool
		now          time.Time
	)
	unauthorized := fristad.Errorf(fristad.EUNAUTHORIZED, "the session has ended")
	err = s.db.read(ctx, func(tx *Tx) error {
		a := &fristad.Actor{}
		var lastSeen, expires time.Time
		var disabled bool
		err := tx.QueryRowContext(ctx, `
			SELECT s.id, s.last_seen_at, s.expires_at, s.stepup_at, u.id, u.org_id, u.email, u.name, u.disabled_at IS NOT NULL
			FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = $1`, auth.HashToken(token)).
			Scan(&a.SessionID, &lastSeen, &expires, &a.StepUpAt, &a.UserID, &a.OrganisationID, &a.Email, &a.Name, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if disabled || cfg.sessions().Expired(lastSeen, expires, tx.now) {
			ended = a
			return nil
		}
		stale, now = tx.now.Sub(lastSeen) >= lastSeenEvery, tx.now
		if a.Roles, err = userRoles(ctx, tx, a.UserID); err != nil {
			return err
		}
		actor = a
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case ended != nil:
		// The rare path that writes: whichever request finds the session
		// ended first deletes it and records that, once.
		err := s.db.write(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, ended.SessionID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			return s.db.audit(ctx, tx, auditEvent{Action: "session.expired", ObjectType: "session", ObjectID: ended.SessionID, ActorID: ended.UserID})
		})
		if err != nil {
			return nil, err
		}
		return nil, unauthorized
	case actor == nil:
		return nil, unauthorized
	case stale:
		err := s.db.write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1`, now, actor.SessionID)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return actor, nil
}

// Logout ends the session of a token.
func (s *AuthService) Logout(ctx context.Context, token string) (err error) {
	defer wrapErr(&err, "AuthService.Logout")
	return s.db.write(ctx, func(tx *Tx) error {
		var id, userID string
		err := tx.QueryRowContext(ctx, `SELECT id, user_id FROM sessions WHERE token_hash = $1`, auth.HashToken(token)).Scan(&id, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "session.logout", ObjectType: "session", ObjectID: id, ActorID: userID})
	})
}

// Sessions returns the actor's own sessions, newest first.
func (s *AuthService) Sessions(ctx context.Context) (_ []*fristad.Session, err error) {
	defer wrapErr(&err, "AuthService.Sessions")
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" {
		return nil, fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	var sessions []*fristad.Session
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, user_id, user_agent, created_at, last_seen_at, expires_at
			FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id`, actor.UserID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s fristad.Session
			if err := rows.Scan(&s.ID, &s.UserID, &s.UserAgent, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt); err != nil {
				return err
			}
			s.Current = s.ID == actor.SessionID
			sessions = append(sessions, &s)
		}
		return rows.Err()
	})
	return sessions, err
}

// EndSession ends one of the actor's own sessions. Another user's session
// answers as one that does not exist.
func (s *AuthService) EndSession(ctx context.Context, id string) (err error) {
	defer wrapErr(&err, "AuthService.EndSession")
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" {
		return fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	return s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, id, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "session.end", ObjectType: "session", ObjectID: id})
	})
}

// CheckActivation returns a valid activation.
func (s *AuthService) CheckActivation(ctx context.Context, token string) (_ *fristad.Activation, err error) {
	defer wrapErr(&err, "AuthService.CheckActivation")
	var a *fristad.Activation
	err = s.db.read(ctx, func(tx *Tx) (err error) {
		a, _, err = findActivation(ctx, tx, token)
		return err
	})
	return a, err
}

// findActivation returns a valid activation and its stored state.
func findActivation(ctx context.Context, tx *Tx, token string) (*fristad.Activation, activationState, error) {
	a := &fristad.Activation{Token: token}
	var st activationState
	var ph sql.NullString
	err := tx.QueryRowContext(ctx, `
		SELECT a.user_id, u.email, a.expires_at, a.password_hash, a.totp_secret, o.name
		FROM activations a JOIN users u ON u.id = a.user_id JOIN organisations o ON o.id = u.org_id
		WHERE a.token_hash = $1 AND a.expires_at > $2 AND u.disabled_at IS NULL`,
		auth.HashToken(token), tx.now).Scan(&a.UserID, &a.Email, &a.ExpiresAt, &ph, &st.totpSecret, &st.orgName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, st, fristad.Localized(fristad.ENOTFOUND, "activate.invalid", nil, "the activation link is not valid: it was used, replaced or has expired")
	}
	st.passwordHash = ph.String
	return a, st, err
}

type activationState struct {
	passwordHash string
	totpSecret   []byte
	orgName      string
}

// SetActivationPassword stores the new password of an activation and
// returns a TOTP secret to enrol.
func (s *AuthService) SetActivationPassword(ctx context.Context, token, password string) (_ *fristad.TOTPEnrolment, err error) {
	defer wrapErr(&err, "AuthService.SetActivationPassword")
	cfg := s.db.authConfig()
	var (
		a  *fristad.Activation
		st activationState
	)
	err = s.db.read(ctx, func(tx *Tx) (err error) {
		a, st, err = findActivation(ctx, tx, token)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := auth.CheckPassword(password, a.Email, st.orgName); err != nil {
		return nil, err
	}
	hash := auth.HashPassword(password, cfg.Argon2)
	secret, uri, err := auth.NewTOTP("Fristad", a.Email)
	if err != nil {
		return nil, err
	}
	tokenHash := auth.HashToken(token)
	err = s.db.write(ctx, func(tx *Tx) error {
		dk, err := s.db.dataKey(ctx, tx, staffSubject, true)
		if err != nil {
			return err
		}
		sealed, err := dk.Seal([]byte(secret), "activations", "totp_secret", tokenHash)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE activations SET password_hash = $1, totp_secret = $2
			WHERE token_hash = $3 AND expires_at > $4`, hash, sealed, tokenHash, tx.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fristad.Localized(fristad.ENOTFOUND, "activate.invalid", nil, "the activation link is not valid")
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.activation.password", ObjectType: "user", ObjectID: a.UserID, ActorID: a.UserID})
	})
	if err != nil {
		return nil, err
	}
	return &fristad.TOTPEnrolment{Secret: secret, URI: uri}, nil
}

// CompleteActivation confirms the TOTP secret and activates the account.
func (s *AuthService) CompleteActivation(ctx context.Context, token, code string) (err error) {
	defer wrapErr(&err, "AuthService.CompleteActivation")
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	return s.db.write(ctx, func(tx *Tx) error {
		a, st, err := findActivation(ctx, tx, token)
		if err != nil {
			return err
		}
		if st.passwordHash == "" || st.totpSecret == nil {
			return fristad.Localized(fristad.EINVALID, "activate.password.first", nil, "choose a password first")
		}
		dk, err := s.db.dataKey(ctx, tx, staffSubject, false)
		if err != nil {
			return err
		}
		secret, err := dk.Open(st.totpSecret, "activations", "totp_secret", auth.HashToken(token))
		if err != nil {
			return err
		}
		step, ok := auth.VerifyTOTP(string(secret), code, tx.now, 0)
		if !ok {
			return fristad.Localized(fristad.EINVALID, "activate.code.wrong", nil, "the code does not match; check the time on your phone and try the next code")
		}
		sealed, err := dk.Seal(secret, "users", "totp_secret", a.UserID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE users SET password_hash = $1, totp_secret = $2, totp_last_step = $3, activated_at = $4, updated_at = $4
			WHERE id = $5`, st.passwordHash, sealed, step, tx.now, a.UserID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activations WHERE user_id = $1`, a.UserID); err != nil {
			return err
		}
		// New factors end every session the account had (SR-12).
		if err := endUserSessions(ctx, tx, a.UserID); err != nil {
			return err
		}
		if err := notify(ctx, tx, a.UserID, "factors.set"); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.activated", ObjectType: "user", ObjectID: a.UserID, ActorID: a.UserID})
	})
}

// userRoles returns a user's roles, read afresh on every request so a
// change takes effect at once (SR-12).
func userRoles(ctx context.Context, tx *Tx, userID string) ([]fristad.Role, error) {
	rows, err := tx.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var roles []fristad.Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		roles = append(roles, fristad.Role(r))
	}
	return roles, rows.Err()
}

// notify records a notice for a user about their own account.
func notify(ctx context.Context, tx *Tx, userID, kind string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO user_notices (id, user_id, kind, created_at) VALUES ($1, $2, $3, $4)`, auth.NewID(), userID, kind, tx.now)
	return err
}

// Notices returns the last month's notices about the actor's account.
func (s *AuthService) Notices(ctx context.Context) (_ []*fristad.Notice, err error) {
	defer wrapErr(&err, "AuthService.Notices")
	actor := fristad.ActorFromContext(ctx)
	if actor == nil || actor.UserID == "" {
		return nil, fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	var out []*fristad.Notice
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT kind, created_at FROM user_notices
			WHERE user_id = $1 AND created_at > $2 ORDER BY created_at DESC, id LIMIT 20`,
			actor.UserID, tx.now.Add(-30*24*time.Hour))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n fristad.Notice
			if err := rows.Scan(&n.Kind, &n.CreatedAt); err != nil {
				return err
			}
			out = append(out, &n)
		}
		return rows.Err()
	})
	return out, err
}
