package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestTasksPages walks tasks and deadlines in the workspace and the API:
// the rule task of a presumed child, a form that comes back with what was
// typed, a task for oneself and one for the organisation, "my deadlines"
// of two colleagues, marking a task done, and what a partner and another
// organisation may do.
func TestTasksPages(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		colleague := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "colleague@example.org", "NBSWY3DPEB3W64TMMQQHG2LDMVZGK5DF", fristad.RoleCaseWorker)
		partner := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "partner@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePartner)
		other := sitetest.MustStaff(t, db, s.StaffURL(), orgs[1], "other@example.org", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", fristad.RoleCaseWorker)
		caseID := sitetest.MustOpenCase(t, worker, "Ana", "15-17")
		path := "/cases/" + caseID + "/tasks"
		stockholm, _ := time.LoadLocation("Europe/Stockholm")
		day := func(days int) string { return time.Now().In(stockholm).AddDate(0, 0, days).Format(time.DateOnly) }

		// A presumed child's protection assessment is due by tomorrow
		// (CH-04), and shows among the organisation's deadlines.
		resp, body := worker.Get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `<a href="`+path+`" aria-current="page">`) ||
			!strings.Contains(body, "Skyddsbedömning av barn") || !strings.Contains(body, day(1)) {
			t.Fatalf("the tasks of a presumed child's case: %d\n%s", resp.StatusCode, body)
		}

		// A mistake comes back with what was typed and a message.
		resp, body = worker.Post(path, url.Values{"title": {"Ring CANARY-advokaten"}, "due_on": {"nästa vecka"}, "for": {"organisation"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ange sista datum som ÅÅÅÅ-MM-DD.") ||
			!strings.Contains(body, `value="Ring CANARY-advokaten"`) || !strings.Contains(body, `value="organisation" checked`) || !strings.Contains(body, `href="#due_on"`) {
			t.Errorf("a malformed date: %d; want 400 with the text kept and the message\n%s", resp.StatusCode, body)
		}
		resp, _ = worker.WithoutCSRF(path, url.Values{"title": {"FORGED"}, "due_on": {day(2)}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a task without the form token: %d; want 403", resp.StatusCode)
		}
		resp, _ = worker.Post(path, url.Values{"title": {"Ring CANARY-advokaten"}, "due_on": {day(-1)}, "for": {"me"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
			t.Fatalf("a task for oneself: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = worker.Post(path, url.Values{"title": {"Boka tolk på rumänska"}, "due_on": {day(3)}, "for": {"organisation"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a task for the organisation: %d", resp.StatusCode)
		}
		_, body = worker.Get(path)
		if !strings.Contains(body, "Ring CANARY-advokaten") || !strings.Contains(body, "Försenad") || strings.Contains(body, "FORGED") {
			t.Errorf("the tasks after adding:\n%s", body)
		}

		// My deadlines: mine and the organisation's; a colleague's: the
		// organisation's only.
		_, body = worker.Get("/tasks")
		if !strings.Contains(body, "Försenade (1)") || !strings.Contains(body, "Ring CANARY-advokaten") || !strings.Contains(body, "Boka tolk") || !strings.Contains(body, "Skyddsbedömning") {
			t.Errorf("my deadlines:\n%s", body)
		}
		_, body = colleague.Get("/tasks?within=7")
		if strings.Contains(body, "CANARY") || !strings.Contains(body, "Boka tolk") || !strings.Contains(body, `<option value="7" selected>`) {
			t.Errorf("a colleague's deadlines:\n%s", body)
		}
		if _, body = other.Get("/tasks?within=all"); strings.Contains(body, "Boka tolk") || !strings.Contains(body, "Inga öppna uppgifter.") {
			t.Errorf("another organisation's deadlines:\n%s", body)
		}

		// The start page counts them.
		if _, body = worker.Get("/"); !strings.Contains(body, "1 försenad tidsfrist") || !strings.Contains(body, "2 tidsfrister inom en vecka") {
			t.Errorf("the start page's deadlines:\n%s", body)
		}

		// Marking one done from the deadlines.
		m := regexp.MustCompile(`action="`+regexp.QuoteMeta(path)+`/([A-Z2-7]+)/done"`).FindAllStringSubmatch(colleague.MustGet("/tasks"), -1)
		if len(m) == 0 {
			t.Fatal("no way to mark a task done")
		}
		if resp, _ := partner.Post(path+"/"+m[0][1]+"/done", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a partner marking a task done: %d; want 403", resp.StatusCode)
		}
		if resp, _ := other.Post(path+"/"+m[0][1]+"/done", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation marking a task done: %d; want 404", resp.StatusCode)
		}
		resp, _ = colleague.Post(path+"/"+m[0][1]+"/done", url.Values{"next": {"deadlines"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tasks" {
			t.Errorf("marking done from the deadlines: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body = worker.Get(path); !strings.Contains(body, "Klara") {
			t.Errorf("no done task on the case:\n%s", body)
		}

		// The API answers from the same service.
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path, `{"title":"Via API","due_on":"`+day(5)+`","for_me":true}`)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"kind":"own"`) || !strings.Contains(body, `"assignee_id":"`+worker.ID+`"`) {
			t.Errorf("a task through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path, `{"title":"","due_on":"2026-13-01"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"title"`) {
			t.Errorf("a task without a title through the API: %d %s; want 422 naming the field", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/tasks?until="+day(30), "")
		var deadlines struct {
			Tasks []struct {
				Kind, Title string
				DueOn       string `json:"due_on"`
			}
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &deadlines) != nil || len(deadlines.Tasks) != 3 || deadlines.Tasks[0].DueOn != day(-1) {
			t.Errorf("my deadlines through the API: %d %s", resp.StatusCode, body)
		}
		if resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/tasks?until=snart", ""); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a malformed date: %d %s; want 422", resp.StatusCode, body)
		}
	})
}
