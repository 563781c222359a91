package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"fristad"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// requestEvents returns the audit events a request left, as
// "action/result", in the order of the log.
func requestEvents(db *sqlstore.DB, requestID string) ([]string, error) {
	ctx := context.Background()
	var got []string
	err := db.Read(ctx, func(tx *sqlstore.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT action, result FROM audit_log WHERE request_id = $1 ORDER BY seq`, requestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var action, result string
			if err := rows.Scan(&action, &result); err != nil {
				return err
			}
			got = append(got, action+"/"+result)
		}
		return rows.Err()
	})
	return got, err
}

// checkLogWhole checks that the audit log has no gap in its sequence and
// verifies against its stored hashes, and returns its size.
func checkLogWhole(t *testing.T, db *sqlstore.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var rows, size int64
	if err := db.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(MAX(seq) + 1, 0) FROM audit_log`).Scan(&rows, &size)
	}); err != nil {
		t.Fatal(err)
	}
	if rows != size {
		t.Errorf("the audit log has %d events numbered up to %d: a gap", rows, size-1)
	}
	report, err := db.VerifyAudit(ctx, nil, nil)
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	if report.Size != size {
		t.Errorf("verified %d events of %d", report.Size, size)
	}
	return size
}

// TestConcurrentReadsAudited checks SR-71 under load: fifty readers at
// once, each read of case data (and each refusal) has its audit event in
// the log by the time the read answers — every reader looks for its own
// event right after — and changes writing their own events at the same
// time leave the sequence gap-free and the log verifiable.
func TestConcurrentReadsAudited(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		stranger := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		var cases []string
		for i := range 5 {
			c := newCase("Person "+itoa(i), "", "", "")
			if err := db.CreateCase(worker, c); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateNote(worker, c.ID, &fristad.Note{Body: "Första samtalet.", Sensitivity: fristad.SensitivityTeam}); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, c.ID)
		}
		before := checkLogWhole(t, db.DB)

		const readers, writers = 50, 5
		requests := 8
		if raceEnabled || testing.Short() {
			requests = 3
		}
		// Each kind of read answers something, and leaves one event.
		reads := []struct {
			want string
			read func(requestID, caseID string) error
		}{
			{"case.read/ok", func(rid, id string) error {
				c, err := db.FindCaseByID(fristad.NewContextWithRequestID(worker, rid), id)
				if err == nil && (c == nil || c.ID != id) {
					err = fmt.Errorf("FindCaseByID answered %v", c)
				}
				return err
			}},
			{"note.list/ok", func(rid, id string) error {
				notes, err := db.FindNotes(fristad.NewContextWithRequestID(worker, rid), id)
				if err == nil && len(notes) == 0 {
					err = fmt.Errorf("FindNotes answered no notes")
				}
				return err
			}},
			{"case.list/ok", func(rid, _ string) error {
				list, err := db.FindCases(fristad.NewContextWithRequestID(worker, rid), fristad.CaseFilter{})
				if err == nil && len(list) != len(cases) {
					err = fmt.Errorf("FindCases answered %d cases; want %d", len(list), len(cases))
				}
				return err
			}},
			{"case.read/denied", func(rid, id string) error {
				_, err := db.FindCaseByID(fristad.NewContextWithRequestID(stranger, rid), id)
				if fristad.ErrorCode(err) == fristad.ENOTFOUND {
					return nil
				}
				return fmt.Errorf("a stranger reading the case = %v; want ENOTFOUND", err)
			}},
		}
		var wg sync.WaitGroup
		for r := range readers {
			wg.Go(func() {
				for i := range requests {
					rid := fmt.Sprintf("read-%d-%d", r, i)
					kind := reads[(r+i)%len(reads)]
					if err := kind.read(rid, cases[(r+i)%len(cases)]); err != nil {
						t.Errorf("%s: %v", rid, err)
						return
					}
					got, err := requestEvents(db.DB, rid)
					if err != nil || !slices.Equal(got, []string{kind.want}) {
						t.Errorf("%s: events right after the read answered = %v, %v; want [%s]", rid, got, err, kind.want)
						return
					}
				}
			})
		}
		for w := range writers {
			wg.Go(func() {
				for i := range requests {
					rid := fmt.Sprintf("write-%d-%d", w, i)
					ctx := fristad.NewContextWithRequestID(worker, rid)
					if err := db.CreateNote(ctx, cases[(w+i)%len(cases)], &fristad.Note{Body: "Uppföljning " + rid, Sensitivity: fristad.SensitivityTeam}); err != nil {
						t.Errorf("%s: %v", rid, err)
						return
					}
					if got, err := requestEvents(db.DB, rid); err != nil || !slices.Equal(got, []string{"note.create/ok"}) {
						t.Errorf("%s: events = %v, %v; want [note.create/ok]", rid, got, err)
						return
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		size := checkLogWhole(t, db.DB)
		if want := before + int64((readers+writers)*requests); size != want {
			t.Errorf("the log holds %d events; want %d: %d before, one for each of %d reads and %d changes",
				size, want, before, readers*requests, writers*requests)
		}
	})
}

// TestReadAuditFailsClosed checks SR-71 for reads: when a read's audit
// event cannot be appended, the read answers nothing, and nothing of it
// is on record; the log goes on whole once it can be written again.
func TestReadAuditFailsClosed(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		ctx := t.Context()
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		stranger := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		trigger, drop := `CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit disk gone'); END`, `DROP TRIGGER no_audit`
		if db.Engine() == sqlstore.Postgres {
			trigger = `CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit disk gone'; END $$;
				CREATE TRIGGER no_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION no_audit()`
			drop = `DROP TRIGGER no_audit ON audit_log`
		}
		exec := func(q string) {
			t.Helper()
			if err := db.Write(ctx, func(tx *sqlstore.Tx) error { _, err := tx.ExecContext(ctx, q); return err }); err != nil {
				t.Fatal(err)
			}
		}
		exec(trigger)
		failing := fristad.NewContextWithRequestID(worker, "failing")
		if got, err := db.FindCaseByID(failing, c.ID); err == nil || got != nil {
			t.Errorf("FindCaseByID without its audit event = %v, %v; want an error and nothing", got, err)
		}
		if got, err := db.FindCases(failing, fristad.CaseFilter{}); err == nil || got != nil {
			t.Errorf("FindCases without its audit event = %v, %v; want an error and nothing", got, err)
		}
		if got, err := db.FindNotes(failing, c.ID); err == nil || got != nil {
			t.Errorf("FindNotes without its audit event = %v, %v; want an error and nothing", got, err)
		}
		if _, err := db.FindCaseByID(fristad.NewContextWithRequestID(stranger, "failing"), c.ID); err == nil || fristad.ErrorCode(err) == fristad.ENOTFOUND {
			t.Errorf("a refusal without its audit event = %v; want it to fail", err)
		}
		exec(drop)
		if got, err := requestEvents(db.DB, "failing"); err != nil || len(got) != 0 {
			t.Errorf("events of the failed reads = %v, %v; want none", got, err)
		}
		if _, err := db.FindCaseByID(fristad.NewContextWithRequestID(worker, "again"), c.ID); err != nil {
			t.Fatalf("reading once the log can be written again: %v", err)
		}
		if got, _ := requestEvents(db.DB, "again"); !slices.Equal(got, []string{"case.read/ok"}) {
			t.Errorf("events of the read = %v", got)
		}
		checkLogWhole(t, db.DB)
	})
}

// TestCloseKeepsAcknowledgedReads closes the database while fifty
// readers are reading: every read that answered has its event in the log
// when the database is opened again, and the log verifies.
func TestCloseKeepsAcknowledgedReads(t *testing.T) {
	for _, engine := range sqlstoretest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := sqlstoretest.NewDSN(t, engine)
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			kr, err := seal.GenerateKeyring()
			if err != nil {
				t.Fatal(err)
			}
			if err := db.InitKeys(ctx, kr); err != nil {
				t.Fatal(err)
			}
			st := sqlstoretest.NewStore(db)
			org := mustCreateOrg(t, st, "Socialtjänsten A", "social_services")
			worker := fristad.NewContextWithActor(ctx, &fristad.Actor{UserID: "worker-a", OrganisationID: org.ID, Roles: []fristad.Role{fristad.RoleCaseWorker}})
			c := newCase("Maria", "", "", "")
			if err := st.CreateCase(worker, c); err != nil {
				t.Fatal(err)
			}

			var (
				mu       sync.Mutex
				answered []string
				enough   = make(chan struct{})
				once     sync.Once
				wg       sync.WaitGroup
			)
			for r := range 50 {
				wg.Go(func() {
					for i := 0; ; i++ {
						rid := fmt.Sprintf("read-%d-%d", r, i)
						got, err := st.FindCaseByID(fristad.NewContextWithRequestID(worker, rid), c.ID)
						if err != nil {
							if got != nil {
								t.Errorf("%s failed (%v) but answered", rid, err)
							}
							return // closed
						}
						mu.Lock()
						answered = append(answered, rid)
						if len(answered) >= 100 {
							once.Do(func() { close(enough) })
						}
						mu.Unlock()
					}
				})
			}
			finished := make(chan struct{})
			go func() { wg.Wait(); close(finished) }()
			select {
			case <-enough:
			case <-finished:
				t.Fatal("the readers stopped before the database was closed")
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			<-finished

			again, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			for _, rid := range answered {
				if got, err := requestEvents(again, rid); err != nil || !slices.Equal(got, []string{"case.read/ok"}) {
					t.Fatalf("%s answered, and left %v, %v in the log", rid, got, err)
				}
			}
			checkLogWhole(t, again)
		})
	}
}
