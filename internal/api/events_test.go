package api_test

import (
	"net/http"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestEventsAPI records, changes and removes what happened to her
// through the API (ID-05), with a precise answer for each mistake.
func TestEventsAPI(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		caseID := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		path := "/api/v1/cases/" + caseID + "/events"

		for _, tt := range []struct {
			name, body, field string
		}{
			{"unknown country", `{"country":"XX"}`, "country"},
			{"future", `{"from":"2999-01"}`, "from"},
			{"backwards", `{"from":"2020-05","to":"2020-04"}`, "to"},
			{"unknown relation", `{"relations":["boss"]}`, "relations"},
			{"unknown kind", `{"kind":"holiday"}`, "kind"},
		} {
			resp, body := sitetest.APIDo(t, s, worker.Token, "POST", path, tt.body)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"`+tt.field+`"`) {
				t.Errorf("%s: %d %s; want 422 on %s", tt.name, resp.StatusCode, body, tt.field)
			}
		}
		resp, body := sitetest.APIDo(t, s, worker.Token, "POST", path, `{"country":"ro","from":"2019-03","place":"Ett kafé","relations":["partner"]}`)
		id := between(body, `"id":"`, `"`)
		if resp.StatusCode != http.StatusCreated || id == "" || resp.Header.Get("Location") != path+"/"+id || !strings.Contains(body, `"country":"RO"`) || !strings.Contains(body, `"kind":"exploitation"`) {
			t.Fatalf("recording an event: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "PUT", path+"/"+id, `{"kind":"recruitment","country":"RO","from":"2019-03","to":"2019-04"}`)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"to":"2019-04"`) || !strings.Contains(body, `"place":""`) {
			t.Errorf("changing it: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", path, "")
		if resp.StatusCode != http.StatusOK || strings.Count(body, `"id":`) != 1 || !strings.Contains(body, `"kind":"recruitment"`) {
			t.Errorf("the list: %d %s", resp.StatusCode, body)
		}
		if resp, _ := sitetest.APIDo(t, s, worker.Token, "DELETE", path+"/"+id, ""); resp.StatusCode != http.StatusNoContent {
			t.Errorf("removing it: %d", resp.StatusCode)
		}
		if resp, body := sitetest.APIDo(t, s, worker.Token, "PUT", path+"/"+id, `{"kind":"transit"}`); resp.StatusCode != http.StatusNotFound {
			t.Errorf("changing a removed event: %d %s; want 404", resp.StatusCode, body)
		}
		if resp, body := sitetest.APIDo(t, s, worker.Token, "GET", path, ""); resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "[]" {
			t.Errorf("the list after the removal: %d %s", resp.StatusCode, body)
		}
	})
}
