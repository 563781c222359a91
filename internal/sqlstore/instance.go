package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"fristad"
)

// InitInstance records, once, whether this installation holds demo data.
// Calling it again with the same value does nothing; asking a real
// installation to become a demo one, or the reverse, is a conflict, so
// fictional and real records never share a database.
func (db *DB) InitInstance(ctx context.Context, demo bool) error {
	return db.write(ctx, func(tx *Tx) error {
		var have bool
		err := tx.QueryRowContext(ctx, `SELECT demo FROM instance WHERE id = 1`).Scan(&have)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx,
				`INSERT INTO instance (id, demo, created_at) VALUES (1, $1, $2)`, demo, tx.Now())
			return err
		case err != nil:
			return err
		case have != demo:
			if have {
				return fristad.Errorf(fristad.ECONFLICT, "this database holds demo data")
			}
			return fristad.Errorf(fristad.ECONFLICT, "this database holds real data and cannot be used for the demo")
		}
		return nil
	})
}

// IsDemo reports whether the database holds demo data. A database that was
// never initialised is not a demo.
func (db *DB) IsDemo(ctx context.Context) (bool, error) {
	var demo bool
	err := db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT demo FROM instance WHERE id = 1`).Scan(&demo)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return demo, err
}
