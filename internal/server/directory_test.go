package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/server"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestPublicDirectory follows a provider from the coordinator's form to
// the public portal and its HSDS API and out again (IN-01, SP-06), on
// both databases: bad input comes back with what was typed, nothing is
// published until the coordinator lists it, the internal contact never
// is, and the portal picks up changes without a restart.
func TestPublicDirectory(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db, func(c *server.Config) { c.DirectoryRefresh = 20 * time.Millisecond })
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren Synlig")
		coord := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "coord@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCoordinator)
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RoleCaseWorker)
		public := s.PublicURL()
		until := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)

		form := url.Values{"organisation_id": {orgs[1].ID}, "certification": {"certified"}, "certified_until": {until},
			"services": {"accommodation", "psychological"}, "languages": {"sv, ro"}, "regions": {"Demolän"}, "places": {"5"},
			"takes_women": {"on"}, "takes_children": {"on"}, "contact": {"Hemliga gatan 7, portkod CANARY-PORTKOD"},
			"listed": {"on"}, "public_description": {"Stöd dygnet runt för kvinnor och barn."}, "public_phone": {"ring oss"}}
		resp, body := coord.Post("/providers", form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#public_phone"`) ||
			!strings.Contains(body, "Skriv telefonnumret med bara siffror") || !strings.Contains(body, `value="ring oss"`) ||
			!strings.Contains(body, ">Stöd dygnet runt för kvinnor och barn.</textarea>") {
			t.Fatalf("a bad phone number: %d; want 400 with the message and what was typed", resp.StatusCode)
		}
		if _, body := coord.Get("/providers"); strings.Contains(body, "Hemliga gatan") {
			t.Error("a refused form was saved")
		}
		form.Set("public_phone", "010-000 00 07")
		if resp, _ := worker.Post("/providers", form); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a case worker listing a provider: %d; want 404", resp.StatusCode)
		}
		if resp, _ := coord.Post("/providers", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("listing a provider: %d", resp.StatusCode)
		}
		if _, body := coord.Get("/providers"); !strings.Contains(body, "Visas") {
			t.Error("the registry does not say the provider is shown")
		}

		// The portal shows it within a refresh, and only what is public.
		waitFor(t, public+"/sv/services", "Kvinnojouren Synlig")
		_, page := sitetest.Do(t, "GET", public+"/sv/services?group=children&language=ro", nil, nil)
		_, hsds := sitetest.Do(t, "GET", public+"/hsds/services", nil, nil)
		for what, body := range map[string]string{"page": page, "hsds": hsds} {
			if !strings.Contains(body, "Kvinnojouren Synlig") || !strings.Contains(body, "010-000 00 07") {
				t.Errorf("the %s lacks the provider or its phone", what)
			}
			if strings.Contains(body, "Hemliga") || strings.Contains(body, "CANARY-PORTKOD") {
				t.Errorf("the %s shows the internal contact", what)
			}
		}

		// Through the API: a bad description is 422 on its field; then
		// the provider is taken off the directory.
		resp, body = sitetest.APIDo(t, s, coord.Token, "PUT", "/api/v1/providers/"+orgs[1].ID,
			`{"certification":"certified","certified_until":"`+until+`","services":["accommodation"],"listed":true,"public_description":"`+strings.Repeat("x", 301)+`"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"public_description"`) {
			t.Errorf("a long description through the API: %d %s; want 422 naming the field", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, coord.Token, "GET", "/api/v1/providers", "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"listed":true`) || !strings.Contains(body, `"public_phone":"010-000 00 07"`) || !strings.Contains(body, `"takes_women":true`) {
			t.Errorf("the registry through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, coord.Token, "PUT", "/api/v1/providers/"+orgs[1].ID,
			`{"certification":"certified","certified_until":"`+until+`","services":["accommodation"],"listed":false}`)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("unlisting through the API: %d %s", resp.StatusCode, body)
		}
		waitFor(t, public+"/hsds/organizations", `"total_items":0`)

		// A programme the coordinator publishes, marked for the portal,
		// appears on the portal's programmes page; a draft does not.
		programme := sitetest.ProgrammeForm("Stödprogram för vuxna")
		programme.Set("public", "on")
		resp, _ = coord.Post("/programmes", programme)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("creating a programme: %d", resp.StatusCode)
		}
		if _, body := sitetest.Do(t, "GET", public+"/en/programmes", nil, nil); strings.Contains(body, "Stödprogram för vuxna") {
			t.Error("a draft programme is on the portal")
		}
		id := sitetest.ProgrammePath.FindStringSubmatch(resp.Header.Get("Location"))[1]
		if resp, _ := sitetest.Do(t, "GET", public+"/sv/programmes/"+id+"/leaflet", nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the leaflet of a draft programme: %d; want 404", resp.StatusCode)
		}
		if resp, _ := coord.Post("/programmes/"+id+"/publish", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publishing: %d", resp.StatusCode)
		}
		waitFor(t, public+"/en/programmes", "Stödprogram för vuxna (en)")
		waitFor(t, public+"/sv/programmes", `<a href="/sv/services?service=job_coaching">Jobbcoachning</a>`)
		// Its printable leaflet too, in every language and on A5 (IN-06).
		_, body = sitetest.Do(t, "GET", public+"/sv/programmes", nil, nil)
		m := regexp.MustCompile(`<a href="/sv/programmes/([^/"]+)/leaflet">`).FindAllStringSubmatch(body, -1)
		if len(m) == 0 {
			t.Fatal("the programmes page links to no leaflet")
		}
		leaflet := ""
		for _, m := range m {
			if _, body := sitetest.Do(t, "GET", public+"/en/programmes/"+m[1]+"/leaflet", nil, nil); strings.Contains(body, "Stödprogram för vuxna (en)</h1>") {
				leaflet = "/programmes/" + m[1] + "/leaflet"
			}
		}
		if leaflet == "" {
			t.Fatal("the published programme has no leaflet")
		}
		waitFor(t, public+"/ar"+leaflet+"?size=a5", `<html lang="ar" dir="rtl" class="leaflet-a5">`)

		// Each site serves only its own routes.
		for _, tc := range []struct{ url, not string }{
			{s.StaffURL() + "/hsds/services", "application/json"},
			{s.StaffURL() + "/sv/services", "Hitta stöd"},
			{s.StaffURL() + "/sv" + leaflet, "Stödprogram för vuxna"},
			{public + "/providers", "Kvinnojouren"},
			{public + "/api/v1/providers", "Kvinnojouren"},
		} {
			if resp, body := sitetest.Do(t, "GET", tc.url, nil, nil); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusSeeOther || strings.Contains(body, tc.not) {
				t.Errorf("GET %s: %d; want it missing", tc.url, resp.StatusCode)
			}
		}
	})
}

// waitFor polls url until its body holds want, for at most ten seconds.
func waitFor(t *testing.T, url, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := sitetest.Do(t, "GET", url, nil, nil)
		if strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q", url, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPublicDirectoryHeaders checks the directory's and the HSDS API's
// answers for the security headers, cookies and caching (SR-50): the
// pages as every portal page, the API open to other sites' scripts.
func TestPublicDirectoryHeaders(t *testing.T) {
	s := mustStartMigrated(t)
	public := s.PublicURL()
	for _, tc := range []struct {
		path   string
		status int
		api    bool
	}{
		{"/sv/services", 200, false},
		{"/ar/services?group=men&service=accommodation", 200, false},
		{"/sv/services?page=0", 400, false},
		{"/hsds/", 200, true},
		{"/hsds/services", 200, true},
		{"/hsds/services?per_page=0", 400, true},
		{"/hsds/services/00000000-0000-5000-8000-000000000000", 404, true},
		{"/hsds/organizations", 200, true},
		{"/hsds/organizations/00000000-0000-5000-8000-000000000000", 404, true},
		{"/hsds/no-such", 404, true},
	} {
		resp, _ := sitetest.Do(t, "GET", public+tc.path, nil, nil)
		h := resp.Header
		if resp.StatusCode != tc.status || len(resp.Cookies()) > 0 || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self';") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") == "" {
			t.Errorf("GET %s: %d (want %d), cookies %v, CSP %q, nosniff %q, Cache-Control %q", tc.path, resp.StatusCode, tc.status,
				resp.Cookies(), h.Get("Content-Security-Policy"), h.Get("X-Content-Type-Options"), h.Get("Cache-Control"))
		}
		wantType, wantCORS := "text/html; charset=utf-8", ""
		if tc.api {
			wantType, wantCORS = "application/json", "*"
		}
		if h.Get("Content-Type") != wantType || h.Get("Access-Control-Allow-Origin") != wantCORS {
			t.Errorf("GET %s: Content-Type %q, Access-Control-Allow-Origin %q; want %q, %q", tc.path, h.Get("Content-Type"), h.Get("Access-Control-Allow-Origin"), wantType, wantCORS)
		}
	}
}
