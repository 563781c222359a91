package sqlstore

import (
	"context"

	"fristad"
)

var _ fristad.NoticeMailService = (*DB)(nil)

// systemOnly refuses anyone but the system itself.
func systemOnly(ctx context.Context) error {
	if a := fristad.ActorFromContext(ctx); a == nil || a.System == "" {
		return fristad.Errorf(fristad.EFORBIDDEN, "only the system sends notices")
	}
	return nil
}

// PendingNoticeMail returns users with notices not yet mailed, oldest
// first. Disabled users get none: their account is closed.
func (db *DB) PendingNoticeMail(ctx context.Context, limit int) ([]*fristad.NoticeMail, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var out []*fristad.NoticeMail
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT u.id, u.email, MAX(n.mail_attempts) FROM user_notices n
			JOIN users u ON u.id = n.user_id
			WHERE n.mailed_at IS NULL AND n.mail_attempts < $1 AND u.disabled_at IS NULL
			GROUP BY u.id, u.email
			ORDER BY MIN(n.created_at), u.id LIMIT $2`, fristad.MaxNoticeMailAttempts, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n := &fristad.NoticeMail{}
			if err := rows.Scan(&n.UserID, &n.Email, &n.Attempts); err != nil {
				return err
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	return out, err
}

// NoticeMailed records a sending attempt for a user's pending notices.
func (db *DB) NoticeMailed(ctx context.Context, n *fristad.NoticeMail, sent bool) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if sent {
			_, err := tx.ExecContext(ctx, `UPDATE user_notices SET mailed_at = $1 WHERE user_id = $2 AND mailed_at IS NULL`, tx.now, n.UserID)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE user_notices SET mail_attempts = mail_attempts + 1 WHERE user_id = $1 AND mailed_at IS NULL`, n.UserID)
		return err
	})
}
