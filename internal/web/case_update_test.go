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

// TestUpdateCase changes where a case stands in the workspace and the
// API, and checks that of two people editing at once the second gets a
// conflict with the case as it now stands, never a silent overwrite.
func TestUpdateCase(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		colleague := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "colleague@example.org", "NBSWY3DPEB3W64TMMQQHG2LDMVZGK5DF", fristad.RoleCaseWorker)
		caseID := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		path := "/cases/" + caseID

		_, body := worker.Get(path)
		if !strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, `<option value="undecided" selected>`) {
			t.Fatalf("the case page has no form to change where it stands:\n%s", body)
		}
		// Both open the case at version 1; the colleague saves first.
		resp, _ := colleague.Post(path+"/update", url.Values{"step": {"acute_protection"}, "pathway": {"stay"}, "exploitation": {"forced_labour"}, "version": {"1"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the first change: %d", resp.StatusCode)
		}
		resp, body = worker.Post(path+"/update", url.Values{"step": {"initial_support"}, "pathway": {"return"}, "exploitation": {"sexual_exploitation", "forced_begging"}, "version": {"1"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Någon ändrade ärendet") ||
			!strings.Contains(body, `<option value="return" selected>`) || !strings.Contains(body, `value="forced_begging" checked`) || !strings.Contains(body, `name="version" value="2"`) {
			t.Errorf("the second change from the same version: %d; want 409 with the choices kept and the new version\n%s", resp.StatusCode, body)
		}
		_, body = worker.Get(path)
		if !strings.Contains(body, `<option value="stay" selected>`) {
			t.Error("the conflicting change overwrote the first")
		}
		// Saving again from the version shown replaces it, knowingly.
		resp, _ = worker.Post(path+"/update", url.Values{"step": {"initial_support"}, "pathway": {"return"}, "version": {"2"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("saving again: %d", resp.StatusCode)
		}
		resp, body = worker.Post(path+"/update", url.Values{"step": {"nowhere"}, "pathway": {"return"}, "version": {"3"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#step"`) {
			t.Errorf("an unknown step: %d; want 400 naming the field\n%s", resp.StatusCode, body)
		}

		// The API: the ETag names the version; a stale If-Match is 409 with
		// the case as it stands.
		resp, _ = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1"+path, "")
		if resp.Header.Get("ETag") != `"3"` {
			t.Errorf("ETag %q; want \"3\"", resp.Header.Get("ETag"))
		}
		resp, body = sitetest.Do(t, "PATCH", s.StaffURL()+"/api/v1"+path, strings.NewReader(`{"pathway":"stay"}`),
			map[string]string{"Authorization": "Bearer " + worker.Token, "Content-Type": "application/json", "If-Match": `"2"`})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `"code":"conflict"`) || !strings.Contains(body, `"current":{`) || !strings.Contains(body, `"pathway":"return"`) {
			t.Errorf("a stale If-Match: %d %s; want 409 with the current case", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "PATCH", "/api/v1"+path, `{"pathway":"stay","version":3}`)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"pathway":"stay"`) || !strings.Contains(body, `"version":4`) || resp.Header.Get("ETag") != `"4"` {
			t.Errorf("a change from the current version: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "PATCH", "/api/v1"+path, `{"pathway":"elsewhere","version":4}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"pathway"`) {
			t.Errorf("an unknown pathway: %d %s; want 422", resp.StatusCode, body)
		}
		// Each new pathway asked for a new risk assessment (AS-05).
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1"+path+"/tasks", "")
		if n := strings.Count(body, `"kind":"reassessment"`); resp.StatusCode != 200 || n != 3 {
			t.Errorf("%d re-assessment tasks after three pathways; want 3: %s", n, body)
		}
	})
}

// TestDependants records a child who came with her mother, in the
// workspace and the API (ID-11): the child's own case opens, linked both
// ways, and a mistake comes back with what was typed.
func TestDependants(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		caseID := sitetest.MustOpenCase(t, worker, "Grace", "25-34")
		path := "/cases/" + caseID

		resp, body := worker.Post(path+"/dependants", url.Values{"d-alias": {"Mira"}, "d-age_band": {"toddler"}, "d-sex": {"female"}, "d-relation": {"child"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#d-age_band"`) || !strings.Contains(body, `id="d-alias" name="d-alias" type="text" maxlength="200" dir="auto" value="Mira"`) || !strings.Contains(body, "<details open>") {
			t.Errorf("an unknown age band: %d; want 400 with the alias kept\n%s", resp.StatusCode, body)
		}
		resp, _ = worker.Post(path+"/dependants", url.Values{"d-alias": {"Mira"}, "d-age_band": {"0-14"}, "d-sex": {"female"}, "d-relation": {"child"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == path {
			t.Fatalf("adding the child: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		childPath := resp.Header.Get("Location")
		_, body = worker.Get(childPath)
		if !strings.Contains(body, `href="`+path+`"`) || !strings.Contains(body, "förälder") || !strings.Contains(body, "behandlas som barn") {
			t.Errorf("the child's case does not link to the mother's:\n%s", body)
		}
		_, body = worker.Get(path)
		if !strings.Contains(body, `href="`+childPath+`"`) || !strings.Contains(body, "<bdi>Mira</bdi>") {
			t.Errorf("the mother's case does not link to the child's:\n%s", body)
		}

		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path+"/dependants", `{"relation":"dependant","person":{"alias":"Ion","age_band":"50+","sex":"male"}}`)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"alias":"Ion"`) {
			t.Errorf("a dependant through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1"+path, "")
		if resp.StatusCode != 200 || strings.Count(body, `"inverse":false`) != 2 {
			t.Errorf("the mother's links through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path+"/dependants", `{"relation":"cousin","person":{"alias":"X","age_band":"0-14"}}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"relation"`) {
			t.Errorf("an unknown relation: %d %s; want 422", resp.StatusCode, body)
		}
	})
}

// TestCaseListFilters filters the case list by reference, risk,
// deadline and lead organisation, in the workspace and the API, and
// refuses codes from no list.
func TestCaseListFilters(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		adult := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		child := sitetest.MustOpenCase(t, worker, "Ana", "15-17") // a protection assessment due tomorrow
		c, err := db.FindCaseByID(sitetest.ActorOf(t, db, worker.Token), adult)
		if err != nil {
			t.Fatal(err)
		}
		list := func(query string) string {
			t.Helper()
			resp, body := worker.Get("/cases?" + query)
			if resp.StatusCode != 200 {
				t.Fatalf("/cases?%s: %d", query, resp.StatusCode)
			}
			return body
		}
		if body := list("reference=" + strings.ToLower(c.Reference[:6])); !strings.Contains(body, "/cases/"+adult+`"`) {
			t.Errorf("searching by the start of the reference, in lower case:\n%s", body)
		}
		if body := list("reference=" + c.Person.Reference); !strings.Contains(body, "/cases/"+adult+`"`) || strings.Contains(body, "/cases/"+child+`"`) {
			t.Errorf("searching by the person's reference:\n%s", body)
		}
		if body := list("deadline=week"); !strings.Contains(body, "/cases/"+child+`"`) || strings.Contains(body, "/cases/"+adult+`"`) {
			t.Errorf("cases with a deadline within a week:\n%s", body)
		}
		if body := list("deadline=overdue"); strings.Contains(body, "/cases/"+child+`"`) {
			t.Errorf("a deadline tomorrow is not overdue:\n%s", body)
		}
		if body := list("organisation=" + orgs[0].ID + "&risk_level=high"); strings.Contains(body, "/cases/"+adult+`"`) {
			t.Errorf("no case is at high risk:\n%s", body)
		}
		resp, body := worker.Get("/cases?reference=FR%25&deadline=someday")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#deadline"`) && !strings.Contains(body, `href="#reference"`) {
			t.Errorf("codes from no list: %d; want 400 naming the field\n%s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases?deadline=week", "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"id":"`+child+`"`) || strings.Contains(body, `"id":"`+adult+`"`) {
			t.Errorf("the API's deadline filter: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases?risk_level=extreme", "")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"risk_level"`) {
			t.Errorf("an unknown risk level through the API: %d %s; want 422", resp.StatusCode, body)
		}
	})
}
