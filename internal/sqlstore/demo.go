package sqlstore

import (
	"context"

	"fristad"
	"fristad/internal/auth"
)

// CreateDemoUser creates an activated user with a known password and TOTP
// secret, printed by 'fristad demo' so a newcomer can log in at once. It
// works on a demo database only, for the command line only.
func (db *DB) CreateDemoUser(ctx context.Context, user *fristad.User, password, totpSecret string) error {
	if a := fristad.ActorFromContext(ctx); a == nil || a.System == "" {
		return fristad.Errorf(fristad.EFORBIDDEN, "only the command line seeds demo data")
	}
	if err := user.Validate(); err != nil {
		return err
	}
	hash := auth.HashPassword(password, db.authConfig().Argon2)
	return db.write(ctx, func(tx *Tx) error {
		var demo bool
		if err := tx.QueryRowContext(ctx, `SELECT demo FROM instance WHERE id = 1`).Scan(&demo); err != nil || !demo {
			return fristad.Errorf(fristad.EFORBIDDEN, "demo users go into demo databases only")
		}
		if err := createUser(ctx, tx, user); err != nil {
			return err
		}
		dk, err := db.dataKey(ctx, tx, staffSubject, true)
		if err != nil {
			return err
		}
		sealed, err := dk.Seal([]byte(totpSecret), "users", "totp_secret", user.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE users SET password_hash = $1, totp_secret = $2, activated_at = $3 WHERE id = $4`,
			hash, sealed, tx.now, user.ID)
		if err != nil {
			return err
		}
		user.Activated = true
		return db.audit(ctx, tx, auditEvent{Action: "user.create", ObjectType: "user", ObjectID: user.ID, Purpose: "demo"})
	})
}
