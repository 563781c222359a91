package sqlstore

import "context"

// Write exposes write transactions to the external tests.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error { return db.write(ctx, fn) }

// Read exposes read-only transactions to the external tests.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error { return db.read(ctx, fn) }
