package sqlstore_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestResidences checks where she lives: addresses sealed at rest, a
// shelter's always protected and shown only when revealed after a fresh
// second factor, by the team's case workers and coordinators, audited
// (DP-05, DP-08).
func TestResidences(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		fresh := f.actor(t, f.orgA, "worker-a", true, fristad.RoleCaseWorker)
		police := f.actor(t, f.orgA, "police-a", true, fristad.RolePoliceLiaison)
		outsider := f.actor(t, f.orgB, "worker-b", true, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}

		for _, r := range []*fristad.Residence{{Kind: "castle", Since: "2026-05-01"}, {Kind: "shelter", Since: "1 maj"}, {Kind: "shelter", Since: "2026-05-01", Address: "a\x00b"}} {
			if err := db.RecordResidence(worker, c.ID, r); fristad.ErrorCode(err) != fristad.EINVALID {
				t.Errorf("RecordResidence(%+v) = %v, want invalid", r, err)
			}
		}
		home := &fristad.Residence{Kind: "with_family_or_friends", Since: "2026-04-01", Address: "CANARY-HOME Storgatan 1, Malmö"}
		shelter := &fristad.Residence{Kind: "shelter", Since: "2026-05-02", Address: "CANARY-SHELTER Hemliga vägen 7"}
		for _, r := range []*fristad.Residence{home, shelter} {
			if err := db.RecordResidence(worker, c.ID, r); err != nil {
				t.Fatal(err)
			}
			f.clk.Add(time.Minute)
		}
		if home.Protected || !shelter.Protected {
			t.Errorf("protected: home %v, shelter %v", home.Protected, shelter.Protected)
		}
		if db.Engine() == sqlstore.SQLite && strings.Contains(sqlstoretest.DumpSQLite(t, db.DB), "CANARY-") {
			t.Error("an address is stored in the clear")
		}

		list, err := db.Residences(worker, c.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("Residences = %d, %v", len(list), err)
		}
		if list[0].ID != shelter.ID || list[0].Address != "" || !list[0].HasAddress || !list[0].Protected {
			t.Errorf("the shelter, newest, as listed: %+v", list[0])
		}
		if list[1].Address != home.Address {
			t.Errorf("an address that is not protected: %q", list[1].Address)
		}

		// Revealing: a fresh second factor, the team's case worker only.
		if _, err := db.RevealResidence(worker, c.ID, shelter.ID); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Errorf("reveal without a fresh factor = %v, want step-up", err)
		}
		got, err := db.RevealResidence(fresh, c.ID, shelter.ID)
		if err != nil || got.Address != shelter.Address {
			t.Errorf("reveal = %+v, %v", got, err)
		}
		if _, err := db.RevealResidence(police, c.ID, shelter.ID); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a police liaison revealing a shelter address = %v, want forbidden", err)
		}
		if _, err := db.RevealResidence(outsider, c.ID, shelter.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation revealing = %v, want not found", err)
		}
		if _, err := db.Residences(outsider, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation listing = %v, want not found", err)
		}
		if _, err := db.RevealResidence(fresh, c.ID, "no-such-id"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("revealing an unknown residence = %v", err)
		}
		if err := db.RecordResidence(police, c.ID, &fristad.Residence{Kind: "own_home", Since: "2026-06-01"}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a police liaison recording a residence = %v, want forbidden", err)
		}

		// A person with protected identity: every address is protected.
		p := newCase("Sara", "", "", "")
		p.Person.Protection = fristad.ProtectionRegistration
		if err := db.CreateCase(worker, p); err != nil {
			t.Fatal(err)
		}
		own := &fristad.Residence{Kind: "own_home", Since: "2026-05-01", Address: "Vanliga gatan 2"}
		if err := db.RecordResidence(worker, p.ID, own); err != nil || !own.Protected {
			t.Errorf("an address of a protected person: protected %v, %v", own.Protected, err)
		}

		events, err := db.FindAuditEvents(fristad.NewContextWithActor(t.Context(), auditor(t)), fristad.AuditFilter{ObjectID: &c.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"residence.record", "residence.list", "residence.reveal"} {
			if !slices.Contains(actions, want) {
				t.Errorf("no %s in the audit trail: %v", want, actions)
			}
		}
	})
}
