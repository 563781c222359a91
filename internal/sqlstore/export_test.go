package sqlstore

import "context"

// Write exposes write transactions to the external tests.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error { return db.write(ctx, fn) }

// Read exposes read-only transactions to the external tests.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error { return db.read(ctx, fn) }

// SealForSubject seals plaintext with a subject's data key, creating the
// key, as the case-data code will.
func (db *DB) SealForSubject(ctx context.Context, subject string, plaintext []byte, rowID string) ([]byte, error) {
	var out []byte
	err := db.write(ctx, func(tx *Tx) error {
		dk, err := db.dataKey(ctx, tx, subject, true)
		if err != nil {
			return err
		}
		out, err = dk.Seal(plaintext, "scratch", "secret", rowID)
		return err
	})
	return out, err
}

// OpenForSubject opens what SealForSubject sealed.
func (db *DB) OpenForSubject(ctx context.Context, subject string, ciphertext []byte, rowID string) ([]byte, error) {
	var out []byte
	err := db.read(ctx, func(tx *Tx) error {
		dk, err := db.dataKey(ctx, tx, subject, false)
		if err != nil {
			return err
		}
		out, err = dk.Open(ciphertext, "scratch", "secret", rowID)
		return err
	})
	return out, err
}

// ExecRaw runs a statement outside any transaction, such as VACUUM INTO.
func (db *DB) ExecRaw(ctx context.Context, query string) error {
	_, err := db.db.ExecContext(ctx, query)
	return err
}
