package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestAuditVerifyRowForms changes rows behind Fristad's back in ways the
// fast reading of SQLite cannot express — a NUL inside a value, values
// shifted across a NUL, a time written in another form — and checks that
// verification still finds every change, and accepts a time that is only
// written differently.
func TestAuditVerifyRowForms(t *testing.T) {
	for _, tt := range []struct {
		name   string
		tamper string
		bad    int64 // the event named, or -1 when the log must verify
	}{
		{"NUL inside a value", `UPDATE audit_log SET actor_id = actor_id || char(0) WHERE seq = 4`, 4},
		{"values shifted across a NUL", `UPDATE audit_log SET actor_id = actor_id || char(0) || actor_org, actor_org = '' WHERE seq = 6`, 6},
		{"time in another form, same instant", `UPDATE audit_log SET at = '2026-03-01T08:00:00.123Z' WHERE seq = 5`, -1},
		{"time one second later", `UPDATE audit_log SET at = datetime(at, '+1 second') WHERE seq = 7`, 7},
		{"ip hash added", `UPDATE audit_log SET ip_hmac = x'00ff' WHERE seq = 8`, 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
			ctx := t.Context()
			db.Now = func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 123e6, time.UTC) }
			for i := range 12 {
				if err := db.CreateOrganisation(cli(t), &fristad.Organisation{Name: "Org " + itoa(i), Type: "ngo"}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.VerifyAudit(ctx, nil, nil); err != nil {
				t.Fatalf("untouched log: %v", err)
			}
			err := db.Write(ctx, func(tx *sqlstore.Tx) error {
				res, err := tx.ExecContext(ctx, tt.tamper)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					t.Fatalf("%d rows changed, want 1", n)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.VerifyAudit(ctx, nil, nil)
			if tt.bad < 0 {
				if err != nil {
					t.Fatalf("VerifyAudit = %v; want the log to verify", err)
				}
				return
			}
			var ve *audit.VerifyError
			if !errors.As(err, &ve) || ve.Index != tt.bad {
				t.Fatalf("VerifyAudit = %v; want it to name event %d", err, tt.bad)
			}
		})
	}
}
