package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestIndicators checks the indicator checklist (ID-04): each save a new
// record, newest first, sealed, checked against the code lists, read by
// the team and saved only by those who may change the case.
func TestIndicators(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		first := &fristad.Indicators{Indicators: []string{"not_free_to_leave", "documents_withheld", "not_free_to_leave"}, Control: []string{"debt_bondage"},
			Recruitment: []string{"online_advertisement"}, Account: "CANARY-ACCOUNT Hon svarade på en annons om städjobb."}
		if err := db.SaveIndicators(worker, c.ID, first); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(time.Hour)
		second := &fristad.Indicators{Indicators: []string{"earnings_taken"}, Account: "Hon berättade mer."}
		if err := db.SaveIndicators(worker, c.ID, second); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindIndicators(worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != second.ID || strings.Join(got[1].Indicators, ",") != "documents_withheld,not_free_to_leave" ||
			got[1].Control[0] != "debt_bondage" || !strings.HasPrefix(got[1].Account, "CANARY-ACCOUNT") || got[1].RecordedBy != "worker-a" {
			t.Errorf("the records: %+v %+v", got[0], got[1])
		}
		if db.Engine() == sqlstore.SQLite {
			dump := sqlstoretest.DumpSQLite(t, db.DB)
			if strings.Contains(dump, "CANARY-ACCOUNT") || strings.Contains(dump, "debt_bondage") {
				t.Error("the checklist is stored in clear")
			}
		}
		for name, bad := range map[string]*fristad.Indicators{
			"an unknown indicator": {Indicators: []string{"looks_sad"}},
			"an unknown control":   {Control: []string{"magic"}},
			"an unknown method":    {Recruitment: []string{"pigeon"}},
			"a control character":  {Account: "a\x00b"},
		} {
			if err := db.SaveIndicators(worker, c.ID, bad); fristad.ErrorCode(err) != fristad.EINVALID {
				t.Errorf("%s = %v; want EINVALID", name, err)
			}
		}
		partner := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if _, err := db.FindIndicators(partner, c.ID); err != nil {
			t.Errorf("a partner of the team reading: %v", err)
		}
		if err := db.SaveIndicators(partner, c.ID, &fristad.Indicators{}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner saving = %v; want EFORBIDDEN", err)
		}
		other := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if _, err := db.FindIndicators(other, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation reading = %v; want ENOTFOUND", err)
		}
	})
}
