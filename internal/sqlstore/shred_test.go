package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

func dpo(t *testing.T) context.Context {
	return fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "dpo", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleAuditor}})
}

// TestShredSubject checks crypto-shredding (SR-63): after a subject's key
// is destroyed nothing sealed for them opens, the act is audited, and the
// audit trail still verifies.
func TestShredSubject(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		ct, err := db.SealForSubject(ctx, "PERSON1", []byte("Namn Efternamn"), "row-1")
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.SealForSubject(ctx, "PERSON2", []byte("Annan Person"), "row-2")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ShredSubject(as(t, fristad.RoleAdministrator), "PERSON1", "DPO-2026-17"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("an administrator shredding = %v; want ENOTFOUND", err)
		}
		if err := db.ShredSubject(dpo(t), "PERSON1", ""); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("shredding without a decision = %v; want EINVALID", err)
		}
		if err := db.ShredSubject(dpo(t), "staff-credentials", "x"); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("shredding the staff key = %v; want EINVALID", err)
		}
		if err := db.ShredSubject(dpo(t), "PERSON1", "DPO-2026-17"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.OpenForSubject(ctx, "PERSON1", ct, "row-1"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("opening a shredded subject's data = %v; want ENOTFOUND", err)
		}
		if got, err := db.OpenForSubject(ctx, "PERSON2", other, "row-2"); err != nil || string(got) != "Annan Person" {
			t.Errorf("another subject after the shred: %q, %v", got, err)
		}
		if err := db.ShredSubject(dpo(t), "PERSON1", "DPO-2026-17"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("shredding twice = %v; want ENOTFOUND", err)
		}
		events, err := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: new("PERSON1")})
		if err != nil || len(events) < 2 || events[0].Action != "subject.shredded" || events[0].Purpose != "DPO-2026-17" {
			t.Errorf("audit of the shred: %+v %v", events, err)
		}
		if _, err := db.VerifyAudit(ctx, nil, nil); err != nil {
			t.Errorf("the audit trail after a shred: %v", err)
		}
	})
}

// TestShredReachesBackups checks that an old backup of the database is
// no way back to a shredded subject: the key never was in the database
// file, and the key store no longer holds it, not even in its log.
func TestShredReachesBackups(t *testing.T) {
	ctx := t.Context()
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	ct, err := db.SealForSubject(ctx, "PERSON1", []byte("Canary-7f3a"), "row-1")
	if err != nil {
		t.Fatal(err)
	}
	// The wrapped key, as the key store holds it.
	var wrapped []byte
	if err := db.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT wrapped FROM keystore.subject_keys WHERE subject_id = 'PERSON1'`).Scan(&wrapped)
	}); err != nil {
		t.Fatal(err)
	}
	// A backup of the case data taken before the erasure.
	backupDir := t.TempDir()
	if err := db.Write(ctx, func(tx *sqlstore.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE scratch (id TEXT PRIMARY KEY, secret BLOB)`)
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO scratch (id, secret) VALUES ('row-1', $1)`, ct)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(backupDir, "fristad.db")
	if err := db.ExecRaw(ctx, `VACUUM INTO '`+backup+`'`); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(backup); bytes.Contains(b, wrapped) {
		t.Fatal("the case-data backup holds the wrapped data key")
	}

	if err := db.ShredSubject(dpo(t), "PERSON1", "DPO-2026-18"); err != nil {
		t.Fatal(err)
	}
	keys := sqlstore.KeyStorePath(db.Source())
	for _, f := range []string{keys, keys + "-wal"} {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, wrapped) {
			t.Errorf("%s still holds the shredded key", filepath.Base(f))
		}
	}

	// Restore the old backup beside today's key store: the data is there,
	// sealed, and stays unreadable.
	cur, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(sqlstore.KeyStorePath(backup), cur, 0o600)
	restored, err := sqlstore.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.InitKeys(ctx, db.Keyring); err != nil {
		t.Fatal(err)
	}
	var old []byte
	if err := restored.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT secret FROM scratch WHERE id = 'row-1'`).Scan(&old)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := restored.OpenForSubject(ctx, "PERSON1", old, "row-1"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
		t.Errorf("the restored backup opens the shredded subject: %v", err)
	}
	if b, _ := os.ReadFile(backup); bytes.Contains(b, []byte("Canary-7f3a")) {
		t.Error("the backup holds the sealed value in clear")
	}
}

// TestCiphertextBoundToRow checks SR-61: a sealed value moved to another
// row does not open there.
func TestCiphertextBoundToRow(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		ct, err := db.SealForSubject(ctx, "PERSON1", []byte("Adress 1"), "row-1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.OpenForSubject(ctx, "PERSON1", ct, "row-2"); !errors.Is(err, seal.ErrIntegrity) {
			t.Errorf("a value moved to another row = %v; want an integrity failure", err)
		}

		// Two users' sealed TOTP secrets swapped behind Fristad's back:
		// neither works for the other.
		clk := withClock(db)
		a, _ := mustActivate(t, db, clk, "a@example.org", fristad.RoleCaseWorker)
		b, secretB := mustActivate(t, db, clk, "b@example.org", fristad.RoleCaseWorker)
		err = db.Write(ctx, func(tx *sqlstore.Tx) error {
			var sa, sb []byte
			if err := tx.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = $1`, a.ID).Scan(&sa); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = $1`, b.ID).Scan(&sb); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, sb, a.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, sa, b.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := db.Login(ctx, "a@example.org", goodPassword, client)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := auth.TOTPCode(secretB, clk.Now())
		if _, err := db.VerifyTOTP(ctx, pending, code, client); err == nil {
			t.Fatal("a moved TOTP secret let its code log in as another user")
		}
	})
}
