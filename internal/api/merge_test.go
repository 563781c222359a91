package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestMergeAPI merges two records through the API (ID-10) and checks its
// answers: 422 naming the field for a bad body, 409 for a record merged
// into itself or with a tombstone, 404 in the field from for a record
// the caller cannot reach, and a tombstone that redirects to the
// survivor.
func TestMergeAPI(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		stranger := sitetest.MustStaff(t, db, s.StaffURL(), orgs[1], "other@example.org", "NBSWY3DPEB3W64TMMQQHG2LDMVZGK5DF", fristad.RoleCaseWorker)
		first := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		second := sitetest.MustOpenCase(t, worker, "Mia", "unknown")
		theirs := sitetest.MustOpenCase(t, stranger, "Ana", "18-24")
		path := "/api/v1/persons/" + first + "/merge"

		for _, tt := range []struct {
			name, body string
			status     int
			want       string
		}{
			{"not confirmed", `{"from":"` + second + `"}`, http.StatusUnprocessableEntity, `"field":"confirm"`},
			{"unknown side", `{"from":"` + second + `","keep":{"alias":"both"},"confirm":true}`, http.StatusUnprocessableEntity, `"field":"alias"`},
			{"unknown member", `{"from":"` + second + `","confirm":true,"force":true}`, http.StatusBadRequest, `"code":"invalid"`},
			{"into itself", `{"from":"` + first + `","confirm":true}`, http.StatusConflict, `"code":"conflict"`},
			{"out of reach", `{"from":"` + theirs + `","confirm":true}`, http.StatusNotFound, `"field":"from"`},
		} {
			resp, body := sitetest.APIDo(t, s, worker.Token, "POST", path, tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%s: %d %s; want %d with %s", tt.name, resp.StatusCode, body, tt.status, tt.want)
			}
		}
		_, body := sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+second, "")
		tomb := between(body, `"person":{"reference":"`, `"`)
		resp, body := sitetest.APIDo(t, s, worker.Token, "POST", path, `{"from":"`+second+`","keep":{"alias":"from"},"confirm":true}`)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"alias":"Mia"`) || !strings.Contains(body, `"age_band":"25-34"`) || strings.Count(body, `"reference":"FR-`) != 2 {
			t.Fatalf("the merge: %d %s", resp.StatusCode, body)
		}
		// The tombstone, named by its moved case, now names the survivor;
		// by its own reference it redirects to it.
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+second, "")
		ref := between(body, `"person":{"reference":"`, `"`)
		if resp.StatusCode != http.StatusOK || ref == "" || ref == tomb {
			t.Fatalf("the moved case: %d %s", resp.StatusCode, body)
		}
		// The moved case's timeline tells of it, in the API and the workspace.
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+second+"/timeline", "")
		if want := `"kind":"merge","id":`; resp.StatusCode != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, `"code":"moved","text":"`+tomb+`","into":"`+ref+`"`) {
			t.Errorf("the moved case's timeline: %d %s", resp.StatusCode, body)
		}
		if _, page := worker.Get("/cases/" + second + "/timeline"); !strings.Contains(page, `class="timeline-merge"`) || !strings.Contains(page, tomb) {
			t.Error("the timeline page does not tell of the merge")
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/persons/"+tomb, "")
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/api/v1/persons/"+ref || !strings.Contains(body, `"merged_into":"`+ref+`"`) {
			t.Errorf("reading the tombstone: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1/persons/"+tomb+"/merge", `{"from":"`+first+`","confirm":true}`)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("merging into a tombstone: %d %s; want 409", resp.StatusCode, body)
		}
		// A protected identity stays hidden on the comparison and in the
		// API (DP-05): neither shows her name.
		resp, _ = worker.Post("/cases", url.Values{"alias": {"Skyddad"}, "name": {"CANARY Skyddadsson"}, "protection": {fristad.ProtectionRegistration}, "confirm_new": {"on"}})
		protected := strings.TrimPrefix(resp.Header.Get("Location"), "/cases/")
		resp, body = worker.Get("/cases/" + first + "/merge?with=" + protected)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "CANARY") || strings.Contains(body, "Skyddad<") || !strings.Contains(body, `name="keep-name"`) {
			t.Errorf("comparing with a protected record: %d, name shown or no choice\n%s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/persons/"+protected, "")
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "CANARY") || !strings.Contains(body, `"hidden":true`) {
			t.Errorf("a protected record in the API: %d %s", resp.StatusCode, body)
		}
		// Merged into an unprotected record, the survivor is protected.
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", path, `{"from":"`+protected+`","confirm":true}`)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "CANARY") || !strings.Contains(body, `"protection":"protected_registration"`) {
			t.Errorf("merging a protected record: %d %s", resp.StatusCode, body)
		}

		// The stranger learns nothing of either.
		resp, _ = sitetest.APIDo(t, s, stranger.Token, "GET", "/api/v1/persons/"+tomb, "")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("a stranger reading the tombstone: %d; want 404", resp.StatusCode)
		}
	})
}

// between returns the text of s between the first before and the after
// that follows it.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, after)
	return v
}
