package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/content"
	"fristad/internal/guard"
	"fristad/internal/portal"
	"fristad/internal/render"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// contentAPI is the API with the content editor over a real database,
// and a token for each kind of caller.
type contentAPI struct {
	t                   *testing.T
	url                 string
	coordinator, reader string // a coordinator's write and read tokens
	caseWorker          string // a case worker's write token
}

// mustContentAPI serves the API with a content editor over db. The
// portal's clock stands still on a day before every page's review date,
// so that publishing keeps working as the calendar moves on.
func mustContentAPI(t *testing.T, db *sqlstoretest.Store) *contentAPI {
	t.Helper()
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ph, err := portal.New(portal.Config{Assets: assets, Now: func() time.Time { return day }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	New(Config{Services: fristad.Services{Tokens: db.TokenService}, Content: content.New(ph, db.ContentStore)}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	sys := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	if err := db.InitInstance(sys, true); err != nil {
		t.Fatal(err)
	}
	org := &fristad.Organisation{Name: "Jämställdhetsmyndigheten", Type: "national_coordinator"}
	if err := db.CreateOrganisation(sys, org); err != nil {
		t.Fatal(err)
	}
	token := func(email string, role fristad.Role, scopes ...string) []string {
		u := &fristad.User{OrganisationID: org.ID, Email: email, Roles: []fristad.Role{role}}
		if err := db.CreateDemoUser(sys, u, "ett långt testlösenord", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, scope := range scopes {
			tok, err := db.CreateToken(sys, u.ID, "test", scope, 0)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, tok.Token)
		}
		return out
	}
	coord := token("coord@example.org", fristad.RoleCoordinator, fristad.ScopeWrite, fristad.ScopeRead)
	worker := token("worker@example.org", fristad.RoleCaseWorker, fristad.ScopeWrite)
	return &contentAPI{t: t, url: srv.URL, coordinator: coord[0], reader: coord[1], caseWorker: worker[0]}
}

// do sends body (JSON, or nothing when "") to path under the API with
// token, and returns the status and the body.
func (c *contentAPI) do(token, method, path, body string) (int, string) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.url+Prefix+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// must is do for a request that must answer status; it decodes the body
// into v unless v is nil.
func (c *contentAPI) must(status int, method, path, body string, v any) {
	c.t.Helper()
	got, out := c.do(c.coordinator, method, path, body)
	if got != status {
		c.t.Fatalf("%s %s = %d %s; want %d", method, path, got, out, status)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(out), v); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, out)
		}
	}
}

// errorOf decodes an error body.
func errorOf(t *testing.T, body string) ErrorDetail {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an error body: %v in %s", err, body)
	}
	return e.Error
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestContentAPI walks a coordinator through editing the portal's content
// (IN-10): the report, a page's English text saved as a draft, a stale or
// missing version refused with 409, an empty title with 422 on its field,
// the other items, a discarded draft, publishing, and the edition in the
// history and the report.
func TestContentAPI(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		c := mustContentAPI(t, db)

		var report ContentReportJSON
		c.must(200, "GET", "portal/content", "", &report)
		if report.Edition != nil || len(report.Drafts) != 0 || report.Site.Version != "0" || report.Site.Address == "" {
			t.Errorf("the first report: edition %v, drafts %v, site %+v", report.Edition, report.Drafts, report.Site)
		}
		if !slices.ContainsFunc(report.Pages, func(p ContentPageJSON) bool { return p.ID == "reflection" && p.Version == "0" && len(p.Law) > 0 }) {
			t.Errorf("the report lacks the reflection period page: %+v", report.Pages)
		}
		if !slices.ContainsFunc(report.Contacts, func(c ContentContactJSON) bool { return c.ID == "women" && c.Number != "" }) {
			t.Errorf("the report lacks the women's help line: %+v", report.Contacts)
		}
		if !slices.ContainsFunc(report.Languages, func(l ContentLanguageJSON) bool { return l.Tag == "ar" && l.Dir == "rtl" }) {
			t.Errorf("the report lacks Arabic, right to left: %+v", report.Languages)
		}
		// Lists are [] and the edition null, never left out.
		if _, body := c.do(c.coordinator, "GET", "portal/content", ""); !strings.Contains(body, `"edition":null`) ||
			!strings.Contains(body, `"drafts":[]`) || strings.Count(body, ":null") != 1 || strings.Contains(body, `"texts"`) {
			t.Errorf("the report's JSON: %s", body)
		}

		var page ContentPageTextsJSON
		c.must(200, "GET", "portal/pages/reflection", "", &page)
		i := slices.IndexFunc(page.Texts, func(t ContentTextJSON) bool { return t.Lang == "en" })
		if i < 0 || page.Texts[i].Version != "0" || page.Texts[i].Title == "" || len(page.Texts[i].Body) == 0 {
			t.Fatalf("the page's English text: %+v", page.Texts)
		}
		en := page.Texts[i]
		edit := ContentTextUpdateJSON{Title: "Time to think", Heading: en.Heading, Lead: en.Lead, Summary: en.Summary, Body: en.Body, Version: en.Version}

		var saved ContentTextJSON
		c.must(200, "PUT", "portal/pages/reflection/texts/en", mustJSON(t, edit), &saved)
		if saved.Lang != "en" || saved.Title != "Time to think" || !saved.Draft || saved.Version == "0" || saved.Version == "" {
			t.Errorf("the saved text: %+v", saved)
		}

		t.Run("conflict", func(t *testing.T) {
			stale := edit
			stale.Title = "Someone else's title"
			status, body := c.do(c.coordinator, "PUT", "portal/pages/reflection/texts/en", mustJSON(t, stale))
			if e := errorOf(t, body); status != http.StatusConflict || e.Code != fristad.ECONFLICT {
				t.Errorf("a save from a stale version: %d %s; want 409 conflict", status, body)
			}
			stale.Version = ""
			status, body = c.do(c.coordinator, "PUT", "portal/pages/reflection/texts/en", mustJSON(t, stale))
			if e := errorOf(t, body); status != http.StatusConflict || e.Code != fristad.ECONFLICT {
				t.Errorf("a save without a version: %d %s; want 409 conflict", status, body)
			}
		})

		t.Run("invalid", func(t *testing.T) {
			for _, tt := range []struct {
				name, method, path, body string
				status                   int
				field                    string
			}{
				{"an empty title", "PUT", "portal/pages/reflection/texts/en",
					mustJSON(t, ContentTextUpdateJSON{Title: " ", Heading: "H", Lead: "L", Summary: "S", Body: []string{"B"}, Version: saved.Version}), 422, "title"},
				{"a help line without a name", "PUT", "portal/contacts/women/texts/en", `{"name":"","text":"Call us","version":"0"}`, 422, "name"},
				{"a feedback address that is none", "PUT", "portal/site", `{"address":"https://fristad.example","feedback_email":"nobody","version":"0"}`, 422, "feedback_email"},
				{"a review date passed", "PUT", "portal/pages/reflection", `{"owner":"Redaktör","law":[],"next_review":"2020-01-01","editor_note":"","version":"0"}`, 422, "next_review"},
				{"an unknown member", "PUT", "portal/site", `{"address":"https://fristad.example","version":"0","admin":true}`, 400, ""},
				{"a version that is a number", "PUT", "portal/contacts/women", `{"number":"112","urgent":true,"version":0}`, 400, ""},
				{"a limit out of range", "GET", "portal/editions?limit=201", "", 422, "limit"},
				{"a limit that is no number", "GET", "portal/editions?limit=all", "", 422, "limit"},
				{"a language the portal lacks", "PUT", "portal/pages/reflection/texts/xx", mustJSON(t, edit), 404, ""},
				{"a page the portal lacks", "GET", "portal/pages/nowhere", "", 404, ""},
				{"a review without a reviewer", "PUT", "portal/languages/ro", `{"reviewed":true,"reviewed_by":"","reviewed_on":"2026-11-30","version":"0"}`, 422, "reviewed_by"},
				{"a review in the future", "PUT", "portal/languages/ro", `{"reviewed":true,"reviewed_by":"Translator","reviewed_on":"2026-12-02","version":"0"}`, 422, "reviewed_on"},
				{"a review of a language the portal lacks", "PUT", "portal/languages/xx", `{"reviewed":false,"version":"0"}`, 404, ""},
			} {
				status, body := c.do(c.coordinator, tt.method, tt.path, tt.body)
				if e := errorOf(t, body); status != tt.status || e.Field != tt.field {
					t.Errorf("%s: %d %s; want %d on %q", tt.name, status, body, tt.status, tt.field)
				}
			}
		})

		// The other items: the page's facts, a help line, the site.
		var facts ContentPageTextsJSON
		c.must(200, "PUT", "portal/pages/reflection", mustJSON(t, ContentPageUpdateJSON{Owner: "Nationell samordnare", Law: []string{"Utlänningslagen 5 kap. 15 §"},
			NextReview: "2027-06-01", Version: page.Version}), &facts)
		if facts.Owner != "Nationell samordnare" || facts.NextReview != "2027-06-01" || !facts.Draft || facts.Version == page.Version || len(facts.Texts) == 0 {
			t.Errorf("the page's saved facts: %+v", facts.ContentPageJSON)
		}
		var contact ContentContactTextsJSON
		c.must(200, "GET", "portal/contacts/women", "", &contact)
		c.must(200, "PUT", "portal/contacts/women", mustJSON(t, ContentContactUpdateJSON{Number: "020-50 50 51", Urgent: true, Version: contact.Version}), &contact)
		if contact.Number != "020-50 50 51" || !contact.Draft || len(contact.Texts) == 0 {
			t.Errorf("the saved help line: %+v", contact)
		}
		var ct ContentContactTextJSON
		c.must(200, "PUT", "portal/contacts/women/texts/en", `{"name":"Women's helpline","text":"Open day and night.","version":"0"}`, &ct)
		if ct.Name != "Women's helpline" || !ct.Draft || ct.Version == "0" {
			t.Errorf("the saved help line text: %+v", ct)
		}
		var site ContentSiteJSON
		c.must(200, "PUT", "portal/site", mustJSON(t, ContentSiteUpdateJSON{Address: "https://stod.example/", FeedbackEmail: "web@stod.example", Version: "0"}), &site)
		if site.Address != "https://stod.example" || !site.Draft || site.Version == "0" {
			t.Errorf("the saved site: %+v", site)
		}

		var ro ContentLanguageJSON
		c.must(200, "PUT", "portal/languages/ro", `{"reviewed":true,"reviewed_by":"Auktoriserad translator","reviewed_on":"2026-11-30","version":"0"}`, &ro)
		if !ro.Reviewed || ro.ReviewedBy != "Auktoriserad translator" || ro.ReviewedOn != "2026-11-30" || !ro.Draft || ro.Version == "0" {
			t.Errorf("the recorded review: %+v", ro)
		}
		var change ContentChangeJSON
		c.must(200, "GET", "portal/drafts/language/ro", "", &change)
		if change.Item != "language/ro" || change.UpdatedBy == "" || len(change.Fields) != 3 || change.Fields[0].Field != "reviewed" ||
			change.Fields[0].Before != "no" || change.Fields[0].After != "yes" || change.Fields[1].After != "Auktoriserad translator" {
			t.Errorf("the change of the review: %+v", change)
		}
		c.must(http.StatusNoContent, "DELETE", "portal/drafts/language/ro", "", nil)
		if status, body := c.do(c.coordinator, "GET", "portal/drafts/language/ro", ""); status != 404 {
			t.Errorf("the change of a discarded draft: %d %s", status, body)
		}

		// A draft thrown away is gone, and a second time there is none.
		c.must(http.StatusNoContent, "DELETE", "portal/drafts/contact/women/en", "", nil)
		if status, body := c.do(c.coordinator, "DELETE", "portal/drafts/contact/women/en", ""); status != 404 {
			t.Errorf("discarding a draft twice: %d %s", status, body)
		}
		c.must(200, "GET", "portal/content", "", &report)
		var items []string
		for _, d := range report.Drafts {
			items = append(items, d.Item)
			if d.UpdatedBy == "" || d.UpdatedAt.IsZero() {
				t.Errorf("draft %+v: who and when?", d)
			}
		}
		if want := []string{"contact/women", "page/reflection", "page/reflection/en", "site"}; !slices.Equal(items, want) {
			t.Errorf("drafts %v; want %v", items, want)
		}

		// The API previews nothing: the workspace does.
		routes := recorder{}
		New(Config{}).Register(routes)
		for pattern := range routes {
			if strings.Contains(pattern, "preview") {
				t.Errorf("the API has a preview route: %s", pattern)
			}
		}

		var edition ContentEditionJSON
		c.must(http.StatusCreated, "POST", "portal/publish", `{"note":"Ny rubrik på engelska"}`, &edition)
		if edition.Number != 1 || edition.Note != "Ny rubrik på engelska" || edition.PublishedBy == "" || edition.PublishedAt.IsZero() ||
			!slices.Contains(edition.Changed, "page/reflection/en") || slices.Contains(edition.Changed, "contact/women/en") {
			t.Errorf("the edition: %+v", edition)
		}
		status, body := c.do(c.coordinator, "POST", "portal/publish", `{"note":""}`)
		if e := errorOf(t, body); status != http.StatusUnprocessableEntity || e.Code != fristad.EINVALID {
			t.Errorf("publishing nothing: %d %s; want 422", status, body)
		}
		if status, body := c.do(c.coordinator, "POST", "portal/publish", ""); status != http.StatusBadRequest {
			t.Errorf("publishing without a body: %d %s; want 400", status, body)
		}
		// Restoring: not the edition shown, not one that never was; the
		// release's text, edition 0, is not an edition either.
		for n, want := range map[string]int{"1": http.StatusUnprocessableEntity, "99": http.StatusNotFound, "0": http.StatusNotFound} {
			if status, body := c.do(c.coordinator, "POST", "portal/editions/"+n+"/restore", ""); status != want {
				t.Errorf("restoring edition %s: %d %s; want %d", n, status, body, want)
			}
		}

		var history struct {
			Editions []ContentEditionJSON `json:"editions"`
		}
		c.must(200, "GET", "portal/editions", "", &history)
		if len(history.Editions) != 1 || history.Editions[0].Number != 1 || history.Editions[0].Note != edition.Note {
			t.Errorf("the editions: %+v", history.Editions)
		}
		c.must(200, "GET", "portal/editions?limit=1", "", &history)
		if len(history.Editions) != 1 {
			t.Errorf("one edition asked for: %+v", history.Editions)
		}
		c.must(200, "GET", "portal/content", "", &report)
		if report.Edition == nil || report.Edition.Number != 1 || report.Edition.PublishedBy != edition.PublishedBy || len(report.Drafts) != 0 {
			t.Errorf("the report after publishing: edition %+v, drafts %v", report.Edition, report.Drafts)
		}
		c.must(200, "GET", "portal/pages/reflection", "", &page)
		if i := slices.IndexFunc(page.Texts, func(t ContentTextJSON) bool { return t.Lang == "en" }); i < 0 || page.Texts[i].Title != "Time to think" ||
			page.Texts[i].Draft || page.Updated != "2026-12-01" {
			t.Errorf("the page after publishing: updated %s, texts %+v", page.Updated, page.Texts)
		}
	})
}

// TestContentAPIPolicy: the content routes exist only for coordinators
// (IN-10, SR-21). A case worker gets 404 on every one, as for a route
// that does not exist; a coordinator's read-scoped token gets 404 on
// every write and reads what its coordinator reads; without a token it
// is 401.
func TestContentAPIPolicy(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		c := mustContentAPI(t, db)
		routes := recorder{}
		New(Config{}).Register(routes)
		path := strings.NewReplacer(Prefix, "", "{id}", "reflection", "{lang}", "en", "{item...}", "page/reflection/en", "{n}", "1")
		bodies := map[string]string{
			"PUT portal/site":                       `{"address":"https://stod.example","feedback_email":"web@stod.example","version":"0"}`,
			"PUT portal/pages/{id}":                 `{"owner":"Redaktör","law":[],"next_review":"2027-06-01","editor_note":"","version":"0"}`,
			"PUT portal/pages/{id}/texts/{lang}":    `{"title":"T","heading":"H","lead":"L","summary":"S","body":["B"],"version":"0"}`,
			"PUT portal/contacts/{id}":              `{"number":"112","urgent":true,"version":"0"}`,
			"PUT portal/contacts/{id}/texts/{lang}": `{"name":"N","text":"T","version":"0"}`,
			"POST portal/publish":                   `{"note":""}`,
			"PUT portal/languages/{lang}":           `{"reviewed":true,"reviewed_by":"Auktoriserad translator","reviewed_on":"2026-11-30","version":"0"}`,
		}
		n := 0
		for pattern, h := range routes {
			method, p, _ := strings.Cut(pattern, " ")
			if !strings.HasPrefix(p, Prefix+"portal/") {
				continue
			}
			n++
			policy, reader := fristad.ActionContentEdit, 404
			if method == "GET" {
				// Reading is a read action: a coordinator's read-scoped
				// token reads what the coordinator reads.
				policy = fristad.ActionContentRead
				reader, _ = c.do(c.coordinator, method, path.Replace(p), "")
			}
			if g := h.(*guard.Route); g.Policy.Name != string(policy) {
				t.Errorf("%s: policy %q, want %q", pattern, g.Policy.Name, policy)
			}
			body := bodies[method+" "+strings.TrimPrefix(p, Prefix)]
			for _, who := range []struct {
				name, token string
				status      int
			}{
				{"a case worker", c.caseWorker, 404},
				{"a read-scoped token", c.reader, reader},
				{"no token", "", 401},
			} {
				if status, out := c.do(who.token, method, path.Replace(p), body); status != who.status {
					t.Errorf("%s: %s %s = %d %s; want %d", who.name, method, p, status, out, who.status)
				}
			}
		}
		if n != 14 {
			t.Errorf("%d content routes; want 14", n)
		}
		// Nothing the others tried reached the store.
		var report ContentReportJSON
		c.must(200, "GET", "portal/content", "", &report)
		if len(report.Drafts) != 0 || report.Edition != nil {
			t.Errorf("after the refusals: drafts %v, edition %v", report.Drafts, report.Edition)
		}
	})
}

// TestContentAPIWithoutEditor: a server that does not edit the portal's
// content answers its routes with 501, not a crash.
func TestContentAPIWithoutEditor(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	c := mustContentAPI(t, db)
	mux := http.NewServeMux()
	New(Config{Services: fristad.Services{Tokens: db.TokenService}}).Register(mux)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", Prefix+"portal/content", nil)
	req.Header.Set("Authorization", "Bearer "+c.coordinator)
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotImplemented {
		t.Errorf("the report without an editor: %d %s", rec.Code, rec.Body)
	}
}
