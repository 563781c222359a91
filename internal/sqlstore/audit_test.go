package sqlstore_test

import (
	"slices"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"

	"golang.org/x/mod/sumdb/note"
)

func auditor(t *testing.T) *fristad.Actor {
	return &fristad.Actor{UserID: "auditor-1", OrganisationID: "org-a", Roles: []fristad.Role{fristad.RoleAuditor}}
}

// TestAuditTrail checks that logging in, failing and administering
// leave the events they should (SR-70), that only auditors read them and
// that their reading is itself on record (SR-75).
func TestAuditTrail(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		u, secret := mustActivate(t, db, clk, "ann@example.org", fristad.RoleCaseWorker)
		db.Login(ctx, "ann@example.org", "wrong wrong wrong", client)
		session := mustLogin(t, db, clk, "ann@example.org", secret)
		if err := db.Logout(ctx, session); err != nil {
			t.Fatal(err)
		}
		if err := db.DisableUser(cli(t), u.ID); err != nil {
			t.Fatal(err)
		}

		actx := fristad.NewContextWithActor(ctx, auditor(t))
		events, err := db.FindAuditEvents(actx, fristad.AuditFilter{ObjectID: &u.ID})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range slices.Backward(events) {
			got = append(got, e.Action+"/"+e.Result)
		}
		want := []string{
			"user.create/ok", "user.activation.password/ok", "user.activated/ok",
			"authn.password/failed", "authn.password/ok", "authn.login/ok", "user.disable/ok",
		}
		if !slices.Equal(got, want) {
			t.Errorf("audit trail of the user:\n got %v\nwant %v", got, want)
		}
		for _, e := range events {
			if e.Action == "user.create" && e.ActorID != "system:cli" {
				t.Errorf("user.create by %q; want system:cli", e.ActorID)
			}
			if e.Action == "authn.login" && e.ActorID != u.ID {
				t.Errorf("authn.login by %q; want the user", e.ActorID)
			}
		}
		all, err := db.FindAuditEvents(actx, fristad.AuditFilter{ActorID: &u.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(all, func(e *fristad.AuditEvent) bool { return e.Action == "session.logout" }) {
			t.Error("no session.logout event")
		}
		reads, err := db.FindAuditEvents(actx, fristad.AuditFilter{ActorID: new("auditor-1")})
		if err != nil || len(reads) < 2 || reads[0].Action != "audit.read" {
			t.Errorf("the auditor's reads are not on record: %v %v", reads, err)
		}
		if _, err := db.FindAuditEvents(as(t, fristad.RoleCaseWorker, fristad.RoleAdministrator), fristad.AuditFilter{}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a non-auditor reading the audit = %v; want ENOTFOUND", err)
		}
		report, err := db.VerifyAudit(ctx, nil, nil)
		if err != nil {
			t.Fatalf("VerifyAudit: %v", err)
		}
		if report.Size < int64(len(want)) {
			t.Errorf("verified %d events", report.Size)
		}
	})
}

// TestAuditFailsClosed checks SR-71: when the audit row cannot be
// written, the change it records is not written either.
func TestAuditFailsClosed(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		trigger := `CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit disk gone'); END`
		if db.Engine() == sqlstore.Postgres {
			trigger = `CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit disk gone'; END $$;
				CREATE TRIGGER no_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION no_audit()`
		}
		if err := db.Write(ctx, func(tx *sqlstore.Tx) error { _, err := tx.ExecContext(ctx, trigger); return err }); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateOrganisation(cli(t), &fristad.Organisation{Name: "Ghost", Type: "ngo"}); err == nil {
			t.Fatal("the organisation was created without its audit event")
		}
		orgs, err := db.FindOrganisations(cli(t), fristad.OrganisationFilter{Name: new("Ghost")})
		if err != nil || len(orgs) != 0 {
			t.Errorf("organisation written without audit: %v %v", orgs, err)
		}
	})
}

// TestAuditTamper runs the tamper suite against the real tables: every
// change made behind Fristad's back is found, and named (SR-73).
func TestAuditTamper(t *testing.T) {
	signerKey, verifierKey, err := audit.NewKey("fristad-test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(signerKey)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(verifierKey)
	if err != nil {
		t.Fatal(err)
	}
	verifiers := note.VerifierList(verifier)
	for _, tt := range []struct {
		name   string
		tamper string
		want   string // in the error
	}{
		{"changed column", `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 12`, "12"},
		{"deleted row", `DELETE FROM audit_log WHERE seq = 7`, "7"},
		{"swapped rows", `UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -1`, "3"},
		{"changed hash", `UPDATE audit_hashes SET hash = (SELECT hash FROM audit_hashes WHERE idx = 0) WHERE idx = 9`, ""},
		{"truncated", `DELETE FROM audit_log WHERE seq >= 15`, ""},
		{"checkpoint changed", `UPDATE audit_checkpoints SET root = (SELECT hash FROM audit_hashes WHERE idx = 0)`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
				ctx := t.Context()
				for i := range 20 {
					org := &fristad.Organisation{Name: "Org " + itoa(i), Type: "ngo"}
					if err := db.CreateOrganisation(cli(t), org); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := db.CheckpointAudit(ctx, signer); err != nil {
					t.Fatal(err)
				}
				if _, err := db.VerifyAudit(ctx, verifiers, nil); err != nil {
					t.Fatalf("untouched log: %v", err)
				}
				err := db.Write(ctx, func(tx *sqlstore.Tx) error {
					for q := range strings.SplitSeq(tt.tamper, "; ") {
						if _, err := tx.ExecContext(ctx, q); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				_, err = db.VerifyAudit(ctx, verifiers, nil)
				if err == nil {
					t.Fatal("VerifyAudit found nothing")
				}
				if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
					t.Errorf("VerifyAudit = %v; want it to name %s", err, tt.want)
				}
			})
		})
	}
}

// TestAuditCheckpointWitness checks that a log rewritten with recomputed
// hashes is caught by a checkpoint kept outside the system.
func TestAuditCheckpointWitness(t *testing.T) {
	signerKey, verifierKey, _ := audit.NewKey("fristad-test")
	signer, _ := note.NewSigner(signerKey)
	verifier, _ := note.NewVerifier(verifierKey)
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		for i := range 5 {
			db.CreateOrganisation(cli(t), &fristad.Organisation{Name: "W " + itoa(i), Type: "ngo"})
		}
		signed, err := db.CheckpointAudit(ctx, signer)
		if err != nil {
			t.Fatal(err)
		}
		witnessed, err := audit.OpenCheckpoint(signed, note.VerifierList(verifier))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckpointAudit(ctx, signer); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("a second checkpoint of the same size = %v; want ECONFLICT", err)
		}
		// Throw away the whole log and its checkpoints and start again:
		// internally consistent, but not the log the witness saw.
		err = db.Write(ctx, func(tx *sqlstore.Tx) error {
			for _, q := range []string{`DELETE FROM audit_log`, `DELETE FROM audit_hashes`, `DELETE FROM audit_checkpoints`} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 7 {
			db.CreateOrganisation(cli(t), &fristad.Organisation{Name: "X " + itoa(i), Type: "ngo"})
		}
		if _, err := db.VerifyAudit(ctx, note.VerifierList(verifier), nil); err != nil {
			t.Fatalf("the rewritten log verifies on its own, as expected without a witness: %v", err)
		}
		if _, err := db.VerifyAudit(ctx, note.VerifierList(verifier), []audit.Checkpoint{witnessed}); err == nil {
			t.Fatal("a rewritten log passed against the witnessed checkpoint")
		}
	})
}
