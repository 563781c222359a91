package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the case data to dataPath and of
// the key store to keysPath, each a SQLite file of its own readable by
// its owner alone, so the two can be kept for different times: the key
// store's copies for less long, so that restoring an old copy of the
// case data cannot bring back a person erased since (crypto-shredding).
// The key store is copied after the case data, so every key the data
// copy needs is in the keys copy unless it was destroyed in between.
// Neither file may exist. On PostgreSQL, back up with pg_dump instead:
// the key store is the keystore schema.
func (db *DB) Backup(ctx context.Context, dataPath, keysPath string) error {
	if db.dialect.name != SQLite {
		return errors.New("backup copies SQLite databases; on PostgreSQL use pg_dump, the case data and the keystore schema in separate dumps (pg_dump --exclude-schema=keystore, and pg_dump --schema=keystore)")
	}
	for _, c := range []struct{ schema, path string }{{"main", dataPath}, {"keystore", keysPath}} {
		if _, err := os.Stat(c.path); err == nil {
			return fmt.Errorf("backup: %s exists; choose a new name", c.path)
		}
		// Created empty, owner-only, before SQLite writes into it.
		f, err := os.OpenFile(c.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		f.Close()
		if _, err := db.db.ExecContext(ctx, `VACUUM `+c.schema+` INTO $1`, c.path); err != nil {
			os.Remove(c.path)
			return fmt.Errorf("backup of %s: %w", c.schema, err)
		}
	}
	return nil
}
