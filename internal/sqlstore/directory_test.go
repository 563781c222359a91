package sqlstore_test

import (
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sqlstoretest"
)

// TestPublicListings checks that the public directory shows a provider
// only when the coordinator listed it and its certification holds on the
// day (IN-01, SP-06), and that it never carries the internal contact.
func TestPublicListings(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		coord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		listed := &fristad.Provider{OrganisationID: f.orgB.ID, Certification: "certified", CertifiedUntil: "2026-06-30",
			Services: []string{"accommodation", "psychological"}, Languages: []string{"ro", "sv"}, Regions: []string{"Skåne, västra", "Halland"},
			TakesChildren: true, TakesWomen: true, Accessible: true, Contact: "Skyddat boende, Hemliga gatan 1",
			Listed: true, PublicDescription: "  Stöd dygnet runt\nför kvinnor. ", PublicPhone: "010-000 00 01"}
		if err := db.SaveProvider(coord, listed); err != nil {
			t.Fatal(err)
		}
		// Certified but not listed: stays out of the directory.
		if err := db.SaveProvider(coord, &fristad.Provider{OrganisationID: f.orgA.ID, Certification: "certified", CertifiedUntil: "2027-12-31",
			Services: []string{"legal_help"}, TakesWomen: true}); err != nil {
			t.Fatal(err)
		}

		got, err := db.PublicListings(t.Context(), "2026-05-04")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d listings; want 1 (the unlisted provider stays out): %+v", len(got), got)
		}
		l := got[0]
		if l.ID != f.orgB.ID || l.Name != "Kvinnojouren B" || l.Description != "Stöd dygnet runt för kvinnor." || l.Phone != "010-000 00 01" ||
			strings.Join(l.Services, ",") != "accommodation,psychological" || strings.Join(l.Languages, ",") != "ro,sv" ||
			strings.Join(l.Regions, "|") != "Skåne, västra|Halland" || !l.Children || l.Men || !l.Women || !l.Accessible || l.UpdatedAt.IsZero() {
			t.Errorf("listing = %+v", l)
		}
		if strings.Contains(strings.ToLower(l.Description+l.Phone), "hemliga") {
			t.Errorf("the internal contact leaked into the listing: %+v", l)
		}

		// The day the certification ends it is still listed; the day
		// after, not.
		for day, want := range map[string]int{"2026-06-30": 1, "2026-07-01": 0} {
			if got, err := db.PublicListings(t.Context(), day); err != nil || len(got) != want {
				t.Errorf("listings on %s: %d, %v; want %d", day, len(got), err, want)
			}
		}
		// Listed but no longer certified: out.
		listed.Certification = "revoked"
		if err := db.SaveProvider(coord, listed); err != nil {
			t.Fatal(err)
		}
		if got, err := db.PublicListings(t.Context(), "2026-05-04"); err != nil || len(got) != 0 {
			t.Errorf("a revoked provider listed: %+v, %v", got, err)
		}
		// The registry still shows everything to staff.
		ps, err := db.FindProviders(coord)
		if err != nil || len(ps) != 2 {
			t.Fatalf("providers: %d, %v", len(ps), err)
		}
		for _, p := range ps {
			if p.OrganisationID == f.orgB.ID && (!p.Listed || p.PublicPhone != "010-000 00 01" || !p.TakesWomen) {
				t.Errorf("read back: %+v", p)
			}
		}
	})
}

// TestPublicProgrammes checks that the portal gets the latest published
// version of each programme that applies on the day, and no draft, and
// only when that version is marked for the portal.
func TestPublicProgrammes(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		coord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		v1 := newProgramme("Stödprogrammet")
		v1.Public = true
		mustPublish(t, db, coord, v1)
		draft := newProgramme("Stödprogrammet")
		draft.ProgrammeID, draft.Description["sv"] = v1.ProgrammeID, "Utkast."
		if err := db.CreateProgrammeVersion(coord, draft); err != nil {
			t.Fatal(err)
		}
		later := newProgramme("Barnprogrammet")
		later.TargetGroup, later.ValidFrom, later.Public = "children", "2027-01-01", true
		mustPublish(t, db, coord, later)
		ended := newProgramme("Avslutat program")
		ended.ValidTo, ended.Public = "2026-03-31", true
		internal := newProgramme("Internt program")
		mustPublish(t, db, coord, internal) // not marked for the portal
		mustPublish(t, db, coord, ended)

		got, err := db.PublicProgrammes(t.Context(), "2026-05-04")
		if err != nil || len(got) != 1 || got[0].ID != v1.ProgrammeID || got[0].Description["sv"] != "Stöd till vuxna." ||
			len(got[0].Phases) != 3 || strings.Join(got[0].Types, ",") != "accommodation,job_coaching,psychological,swedish_tuition" {
			t.Fatalf("programmes on 2026-05-04: %+v, %v; want only the published version of Stödprogrammet", got, err)
		}

		// A second version is published: it replaces the first.
		v2 := newProgramme("Stödprogrammet")
		v2.ProgrammeID, v2.Description["sv"], v2.Public = v1.ProgrammeID, "Andra versionen.", true
		mustPublish(t, db, coord, v2)
		got, err = db.PublicProgrammes(t.Context(), "2027-02-01")
		if err != nil || len(got) != 2 || got[0].Name["sv"] != "Barnprogrammet" || got[1].Description["sv"] != "Andra versionen." {
			t.Errorf("programmes on 2027-02-01: %+v, %v; want Barnprogrammet and the second version of Stödprogrammet", got, err)
		}

		// A third version taken off the portal takes the programme off,
		// rather than showing an older version.
		v3 := newProgramme("Stödprogrammet")
		v3.ProgrammeID = v1.ProgrammeID
		mustPublish(t, db, coord, v3)
		got, err = db.PublicProgrammes(t.Context(), "2027-02-01")
		if err != nil || len(got) != 1 || got[0].Name["sv"] != "Barnprogrammet" {
			t.Errorf("programmes after a version off the portal: %+v, %v; want Barnprogrammet alone", got, err)
		}
	})
}
