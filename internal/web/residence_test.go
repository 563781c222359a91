package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestResidencePages records where she lives in the workspace and the
// API: a shelter's address never on the page, in the list or in the API
// until revealed by the team's case worker; a mistake comes back with
// what was typed (DP-05, DP-08).
func TestResidencePages(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		partner := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "partner@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePartner)
		caseID := sitetest.MustOpenCase(t, worker, "Ana", "25-34")
		path := "/cases/" + caseID + "/residence"

		resp, body := worker.Post(path, url.Values{"kind": {"shelter"}, "since": {"i går"}, "address": {"CANARY-SHELTER Hemliga vägen 7"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ange datumet som ÅÅÅÅ-MM-DD.") || !strings.Contains(body, "CANARY-SHELTER Hemliga vägen 7</textarea>") {
			t.Errorf("a malformed date: %d; want 400 with the address kept", resp.StatusCode)
		}
		resp, _ = worker.Post(path, url.Values{"kind": {"shelter"}, "since": {"2026-05-02"}, "address": {"CANARY-SHELTER Hemliga vägen 7"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording a shelter: %d", resp.StatusCode)
		}
		resp, body = worker.Get(path)
		if resp.StatusCode != 200 || strings.Contains(body, "CANARY-SHELTER") || !strings.Contains(body, "Skyddad adress") || !strings.Contains(body, "/reveal") {
			t.Errorf("the residence page: %d\n%s", resp.StatusCode, body)
		}
		for _, p := range []string{"/cases", "/cases/" + caseID, "/cases/" + caseID + "/timeline"} {
			if _, body := worker.Get(p); strings.Contains(body, "CANARY-SHELTER") {
				t.Errorf("%s shows the shelter's address", p)
			}
		}
		if _, body := worker.Get("/cases/" + caseID + "/timeline"); !strings.Contains(body, "Boende registrerat: Skyddat boende (jour) från 2026-05-02") {
			t.Error("the timeline does not tell of the move to the shelter")
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+caseID+"/residences", "")
		if resp.StatusCode != 200 || strings.Contains(body, "CANARY-SHELTER") || !strings.Contains(body, `"has_address":true`) {
			t.Errorf("the API: %d %s", resp.StatusCode, body)
		}

		// The partner reads where she lives, not the address.
		resp, body = partner.Get(path)
		if resp.StatusCode != 200 || strings.Contains(body, "/reveal") {
			t.Errorf("the partner's page: %d, offers a reveal: %v", resp.StatusCode, strings.Contains(body, "/reveal"))
		}

		// The case worker, just logged in with a second factor, reveals it.
		list, err := db.Residences(sitetest.ActorOf(t, db, worker.Token), caseID)
		if err != nil || len(list) != 1 {
			t.Fatalf("residences: %d %v", len(list), err)
		}
		resp, body = worker.Post(path+"/"+list[0].ID+"/reveal", url.Values{})
		if resp.StatusCode != 200 || !strings.Contains(body, "CANARY-SHELTER Hemliga vägen 7") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal: %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if resp, _ := partner.Post(path+"/"+list[0].ID+"/reveal", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the partner revealing: %d; want 403", resp.StatusCode)
		}
	})
}
