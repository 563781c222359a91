package sqlstore

import (
	"context"

	"fristad"
)

// NoticeMailService hands out the content-free notices that are to be e-mailed to staff.
type NoticeMailService struct{ db *DB }

var (
	_ fristad.NoticeMailService = (*NoticeMailService)(nil)
)

// NewNoticeMailService returns the notice mail service over db.
func NewNoticeMailService(db *DB) *NoticeMailService { return &NoticeMailService{db: db} }

// systemOnly refuses anyone but the system itself.
func systemOnly(ctx context.Context) error {
	if a := fristad.ActorFromContext(ctx); a == nil || a.System == "" {
		return fristad.Errorf(fristad.EFORBIDDEN, "only the system sends notices")
	}
	return nil
}

// PendingNoticeMail returns users with notices not yet mailed, oldest
// first. Disabled users get none: their account is closed.
func (s *NoticeMailService) PendingNoticeMail(ctx context.Context, limit int) (_ []*fristad.NoticeMail, err error) {
	defer wrapErr(&err, "NoticeMailService.PendingNoticeMail")
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var out []*fristad.NoticeMail
	err = s.db.read(ctx, func(tx *Tx) error {
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
func (s *NoticeMailService) NoticeMailed(ctx context.Context, n *fristad.NoticeMail, sent bool) (err error) {
	defer wrapErr(&err, "NoticeMailService.NoticeMailed")
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if sent {
			_, err := tx.ExecContext(ctx, `UPDATE user_notices SET mailed_at = $1 WHERE user_id = $2 AND mailed_at IS NULL`, tx.now, n.UserID)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE user_notices SET mail_attempts = mail_attempts + 1 WHERE user_id = $1 AND mailed_at IS NULL`, n.UserID)
		return err
	})
}
