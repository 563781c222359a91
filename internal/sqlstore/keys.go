package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fristad"
	"fristad/internal/seal"
)

// staffSubject is the key-store subject whose data key seals staff
// credentials (TOTP secrets). Data subjects — the people the programme
// supports — each have their own key, so erasing one destroys only theirs.
const staffSubject = "staff-credentials"

// keyring returns the master keyring, or EUNAVAILABLE without one: with
// no master key nothing sealed can be written or read.
func (db *DB) keyring() (*seal.Keyring, error) {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	if db.Keyring == nil {
		return nil, fristad.Errorf(fristad.EUNAVAILABLE, "no master key is loaded: start with --master-key-file")
	}
	return db.Keyring, nil
}

// reloadKeyring reads the master key file again, when the keyring came
// from one: 'fristad keys rotate' adds a key and re-wraps the data keys
// under it while Fristad runs, and a running server meets the new key
// this way, without a restart.
func (db *DB) reloadKeyring() (*seal.Keyring, bool) {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	if db.KeyringFile == "" {
		return nil, false
	}
	kr, err := seal.LoadKeyringFile(db.KeyringFile)
	if err != nil {
		return nil, false
	}
	db.Keyring = kr
	return kr, true
}

// dataKey returns the data key of a subject from the key store, creating
// it first when create is set; without it, a missing key is ENOTFOUND —
// the subject was never sealed for, or has been erased.
func (db *DB) dataKey(ctx context.Context, tx *Tx, subjectID string, create bool) (*seal.DataKey, error) {
	kr, err := db.keyring()
	if err != nil {
		return nil, err
	}
	var wrapped []byte
	err = tx.QueryRowContext(ctx, `SELECT wrapped FROM keystore.subject_keys WHERE subject_id = $1`, subjectID).Scan(&wrapped)
	switch {
	case err == nil:
		dk, err := kr.UnwrapDataKey(subjectID, wrapped)
		if errors.Is(err, seal.ErrUnknownKey) {
			if fresh, ok := db.reloadKeyring(); ok {
				return fresh.UnwrapDataKey(subjectID, wrapped)
			}
		}
		return dk, err
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	case !create:
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no data key")
	}
	dk, wrapped, err := kr.NewDataKey(subjectID)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO keystore.subject_keys (subject_id, wrapped, kek_id, created_at) VALUES ($1, $2, $3, $4)`,
		subjectID, wrapped, seal.WrappedKeyID(wrapped), tx.now)
	if err == nil {
		err = db.audit(ctx, tx, auditEvent{Action: "key.create", ObjectType: "subject_key", ObjectID: subjectID})
	}
	if err != nil {
		dk.Destroy()
		return nil, err
	}
	return dk, nil
}

// dataKeys returns the data keys of many subjects in one query; subjects
// without a key (never sealed for, or erased) are missing from the map.
func (db *DB) dataKeys(ctx context.Context, tx *Tx, subjects []string) (map[string]*seal.DataKey, error) {
	keys := map[string]*seal.DataKey{}
	if len(subjects) == 0 {
		return keys, nil
	}
	kr, err := db.keyring()
	if err != nil {
		return nil, err
	}
	args := make([]any, len(subjects))
	marks := make([]string, len(subjects))
	for i, s := range subjects {
		args[i], marks[i] = s, "$"+itoa(i+1)
	}
	rows, err := tx.QueryContext(ctx, `SELECT subject_id, wrapped FROM keystore.subject_keys WHERE subject_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var wrapped []byte
		if err := rows.Scan(&id, &wrapped); err != nil {
			return nil, err
		}
		dk, err := kr.UnwrapDataKey(id, wrapped)
		if errors.Is(err, seal.ErrUnknownKey) {
			if fresh, ok := db.reloadKeyring(); ok {
				kr = fresh
				dk, err = kr.UnwrapDataKey(id, wrapped)
			}
		}
		if err != nil {
			return nil, err
		}
		keys[id] = dk
	}
	return keys, rows.Err()
}

// RewrapKeys re-wraps every data key in the key store under the
// keyring's primary master key, one row per transaction so an interrupted
// run loses nothing and can simply be run again. It returns how many rows
// it changed; afterwards no row needs an older master key.
func (db *DB) RewrapKeys(ctx context.Context) (int, error) {
	kr, err := db.keyring()
	if err != nil {
		return 0, err
	}
	primary := kr.PrimaryID()
	var ids []string
	err = db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT subject_id FROM keystore.subject_keys WHERE kek_id <> $1 ORDER BY subject_id`, primary)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := db.write(ctx, func(tx *Tx) error {
			var wrapped []byte
			if err := tx.QueryRowContext(ctx, `SELECT wrapped FROM keystore.subject_keys WHERE subject_id = $1`, id).Scan(&wrapped); err != nil {
				return err
			}
			rewrapped, changed, err := kr.Rewrap(id, wrapped)
			if err != nil || !changed {
				return err
			}
			_, err = tx.ExecContext(ctx, `
				UPDATE keystore.subject_keys SET wrapped = $1, kek_id = $2, rewrapped_at = $3 WHERE subject_id = $4`,
				rewrapped, seal.WrappedKeyID(rewrapped), tx.now, id)
			if err != nil {
				return err
			}
			return db.audit(ctx, tx, auditEvent{Action: "key.rewrap", ObjectType: "subject_key", ObjectID: id, Purpose: kr.PrimaryID()})
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// KeyUse counts the key-store rows wrapped by each master key id, so an
// administrator can see when an old master key is no longer needed.
func (db *DB) KeyUse(ctx context.Context) (map[string]int, error) {
	use := map[string]int{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT kek_id, count(*) FROM keystore.subject_keys GROUP BY kek_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			use[id] = n
		}
		return rows.Err()
	})
	return use, err
}

// InitKeys opens the key store with the keyring: it creates the
// blind-index key at first use and keeps the indexer for keyed hashes.
// Call it after Migrate and before serving.
func (db *DB) InitKeys(ctx context.Context, kr *seal.Keyring) error {
	db.keyMu.Lock()
	db.Keyring = kr
	db.keyMu.Unlock()
	return db.write(ctx, func(tx *Tx) error {
		var wrapped []byte
		err := tx.QueryRowContext(ctx, `SELECT wrapped FROM keystore.subject_keys WHERE subject_id = $1`, seal.IndexKeySubject).Scan(&wrapped)
		if errors.Is(err, sql.ErrNoRows) {
			if wrapped, err = kr.NewIndexKey(); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `
				INSERT INTO keystore.subject_keys (subject_id, wrapped, kek_id, created_at) VALUES ($1, $2, $3, $4)`,
				seal.IndexKeySubject, wrapped, seal.WrappedKeyID(wrapped), tx.now)
			if err == nil {
				err = db.audit(ctx, tx, auditEvent{Action: "key.create", ObjectType: "index_key", ObjectID: seal.IndexKeySubject})
			}
		}
		if err != nil {
			return err
		}
		ix, err := kr.Indexer(wrapped, seal.MaxTokenBits)
		if err != nil {
			return fristad.Errorf(fristad.EUNAVAILABLE, "the master key does not open this key store: %v", err)
		}
		db.indexer.Store(ix)
		return nil
	})
}

// ShredSubject erases a data subject by destroying their data key: every
// field sealed for them, in the database and in every backup of it,
// becomes unreadable at once (crypto-shredding, SR-63). decision names
// the data-protection officer's decision, for the audit trail. On SQLite
// the key store's write-ahead log is checkpointed and truncated, so the
// destroyed key is not left in it; secure_delete overwrites the freed
// page. Backups of the key store itself keep the key until they age out,
// which is why they are kept apart and for a short time.
func (db *DB) ShredSubject(ctx context.Context, subjectID, decision string) error {
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionSubjectErase, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	if strings.TrimSpace(decision) == "" {
		return &fristad.Error{Code: fristad.EINVALID, Field: "decision", Key: "erase.decision.required", Message: "erasure needs the decision it follows"}
	}
	if subjectID == staffSubject || strings.HasPrefix(subjectID, seal.ReservedSubjectPrefix) {
		return fristad.Errorf(fristad.EINVALID, "not a data subject")
	}
	err := db.write(ctx, func(tx *Tx) error {
		// A person's record includes the records merged into it: their
		// cases' content is sealed under their own keys (ID-10).
		res, err := tx.ExecContext(ctx, `DELETE FROM keystore.subject_keys WHERE subject_id = $1
			OR subject_id IN (SELECT id FROM persons WHERE merged_into = $1)`, subjectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		return db.audit(ctx, tx, auditEvent{Action: "subject.shredded", ObjectType: "subject", ObjectID: subjectID, Purpose: decision})
	})
	if err != nil {
		return err
	}
	if db.dialect.name == SQLite {
		if _, err := db.db.ExecContext(ctx, `PRAGMA keystore.wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("shred: checkpoint the key store: %w", err)
		}
	}
	return nil
}
