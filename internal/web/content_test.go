package web_test

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/i18n"
	"fristad/internal/portal"
	"fristad/internal/render"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"

	"golang.org/x/text/language"
)

// TestPortalContentPage checks the editors' view of the portal (IN-10,
// IN-02): a coordinator sees every page with its owner, legal references
// and review date, and the languages not yet reviewed; a case worker
// does not.
func TestPortalContentPage(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	s := sitetest.StartOn(t, db)
	orgs := sitetest.MustOrgs(t, db, "Länsstyrelsen")
	coord := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "coord@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCoordinator)
	worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RoleCaseWorker)
	resp, body := coord.Get("/portal-content")
	for _, want := range []string{"/{lang}/rights/reflection-period", "Utlänningslagen 5 kap. 15 § andra stycket", "Nationell samordnare", "2027-05-28", `href="/portal-content"`, "Română"} {
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("the content page: %d, lacks %q", resp.StatusCode, want)
		}
	}
	if resp, _ := worker.Get("/portal-content"); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("a case worker reading the content page: %d", resp.StatusCode)
	}
}

var versionField = regexp.MustCompile(`name="version" value="([^"]*)"`)

// formVersion returns the version a form page carries.
func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the form carries no version")
	}
	return m[1]
}

// TestPortalContentEditing edits the portal in the workspace from end to
// end (IN-10): a text with a mistake comes back with what was typed, a
// text saved over someone else's change is refused, a preview shows the
// draft in the portal's layout while the portal shows the old text, and
// publishing puts it on the portal at once; a translation then older
// than the Swedish text is flagged; a review date in the past, a page
// too heavy to load on a slow phone and a link to no page are refused;
// a portal that starts later serves the edition from the database; a
// case worker reaches none of it.
func TestPortalContentEditing(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Länsstyrelsen")
		coord := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "coord@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCoordinator)
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RoleCaseWorker)
		sv := i18n.Staff().Printer(language.Swedish)
		public := sitetest.NewBrowser(t, s.PublicURL())

		// Facts first: a review date that has passed, then a good one, so
		// that the page can be published whatever the day.
		_, body := coord.Get("/portal-content/pages/help")
		facts := url.Values{"owner": {"Nationell samordnare"}, "law": {"Lag A\n\nLag B"}, "next_review": {"2020-01-01"}, "editor_note": {""}, "version": {formVersion(t, body)}}
		if resp, body := coord.Post("/portal-content/pages/help", facts); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, sv.T("content.review.past")) {
			t.Errorf("a review date in the past: %d", resp.StatusCode)
		}
		facts.Set("next_review", time.Now().AddDate(1, 0, 0).Format(time.DateOnly))
		if resp, _ := coord.Post("/portal-content/pages/help", facts); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("saving the facts: %d", resp.StatusCode)
		}

		resp, body := coord.Get("/portal-content/pages/help/en")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Get help now") {
			t.Fatalf("the English help page's form: %d", resp.StatusCode)
		}
		version := formVersion(t, body)
		text := url.Values{"title": {"Contact"}, "heading": {"Get help now"}, "lead": {"Call us – a new introduction."},
			"summary": {"Numbers to call."}, "body": {"## Calls\n\nCall 112 when\nsomeone is in danger.\n\n- One\n- Two"}, "version": {version}}
		bad := url.Values{}
		for k, v := range text {
			bad[k] = v
		}
		bad.Set("title", " ")
		resp, body = coord.Post("/portal-content/pages/help/en", bad)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, sv.T("content.field.required")) ||
			!strings.Contains(body, "Call us – a new introduction.") || !strings.Contains(body, `href="#title"`) {
			t.Fatalf("an empty title: %d; want 422 with the message, a link to the field and what was typed", resp.StatusCode)
		}
		if resp, _ := coord.Post("/portal-content/pages/help/en", text); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving the text: %d", resp.StatusCode)
		}
		// The same form again: someone changed it since it was read.
		text.Set("lead", "Another introduction.")
		resp, body = coord.Post("/portal-content/pages/help/en", text)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, sv.T("content.changed")) {
			t.Errorf("saving over a newer draft: %d; want 409 and why", resp.StatusCode)
		}

		// What publishing it would change, before and after.
		resp, body = coord.Get("/portal-content/drafts/page/help/en")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Here are the numbers you can call.") || !strings.Contains(body, "Call us – a new introduction.") ||
			!strings.Contains(body, sv.T("content.fieldname.lead")) || strings.Contains(body, "<th scope=\"row\">"+sv.T("content.fieldname.title")) {
			t.Errorf("the draft's change: %d; want the introduction before and after, and not the unchanged title", resp.StatusCode)
		}
		if resp, _ := coord.Get("/portal-content/drafts/page/rights/en"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the change of an item without a draft: %d", resp.StatusCode)
		}

		resp, body = coord.Get("/portal-content/pages/help/en/preview")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Call us – a new introduction.") || !strings.Contains(body, sv.T("content.preview.note")) ||
			!strings.Contains(body, `<p>Call <a class="tel" href="tel:112" dir="ltr">112</a> when someone is in danger.</p>`) {
			t.Errorf("the preview: %d\n%s", resp.StatusCode, body)
		}
		if _, body := public.Get("/en/help"); strings.Contains(body, "a new introduction") {
			t.Error("the portal shows a draft")
		}

		resp, body = coord.Get("/portal-content")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, sv.T("content.draft.text", "Name", "Kontakt", "Lang", "en")) {
			t.Errorf("the overview lacks the draft: %d", resp.StatusCode)
		}
		resp, _ = coord.Post("/portal-content/publish", url.Values{"note": {"Ny ingress"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal-content?published=1" {
			t.Fatalf("publishing: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		today := time.Now().Format(time.DateOnly)
		if _, body := public.Get("/en/help"); !strings.Contains(body, "Call us – a new introduction.") || !strings.Contains(body, today) {
			t.Error("the published text, updated today, is not on the portal")
		}
		if _, body := public.Get("/sv/help"); strings.Contains(body, "a new introduction") {
			t.Error("the Swedish page changed with the English")
		}
		if resp, _ := coord.Post("/portal-content/publish", url.Values{}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("publishing nothing: %d", resp.StatusCode)
		}

		// The Swedish text changes: every translation is now older.
		_, body = coord.Get("/portal-content/pages/help/sv")
		resp, _ = coord.Post("/portal-content/pages/help/sv", url.Values{"title": {"Kontakt"}, "heading": {"Få hjälp nu"}, "lead": {"Ny svensk ingress."},
			"summary": {"Nummer att ringa."}, "body": {"Ring 112."}, "version": {formVersion(t, body)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving the Swedish text: %d", resp.StatusCode)
		}
		if resp, _ := coord.Post("/portal-content/publish", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publishing the Swedish text: %d", resp.StatusCode)
		}
		_, body = coord.Get("/portal-content/pages/help")
		if n := strings.Count(body, sv.T("content.stale.flag")); n != 16 {
			t.Errorf("%d translations flagged as older than the Swedish text; want 16", n)
		}

		// Too heavy, and a link to no page.
		_, body = coord.Get("/portal-content/pages/rights/en")
		heavy := url.Values{"title": {"Rights"}, "heading": {"Your rights"}, "lead": {"Lead."}, "summary": {"Summary."}, "version": {formVersion(t, body)}}
		var blocks []string
		for range 50 {
			var b strings.Builder
			for range 70 {
				b.WriteString(rand.Text())
			}
			blocks = append(blocks, b.String())
		}
		heavy.Set("body", strings.Join(blocks, "\n\n"))
		if resp, body := coord.Post("/portal-content/pages/rights/en", heavy); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "kB") {
			t.Errorf("a page over the weight budget: %d", resp.StatusCode)
		}
		heavy.Set("body", "See [[nowhere]].")
		if resp, body := coord.Post("/portal-content/pages/rights/en", heavy); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "[[nowhere]]") {
			t.Errorf("a link to no page: %d", resp.StatusCode)
		}

		// The site's address, refused and then kept as a draft.
		_, body = coord.Get("/portal-content")
		site := url.Values{"address": {"http://stod.example"}, "feedback_email": {"tillganglighet@stod.example"}, "version": {formVersion(t, body)}}
		if resp, body := coord.Post("/portal-content/site", site); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="http://stod.example"`) {
			t.Errorf("an address without https: %d", resp.StatusCode)
		}

		// A native speaker's review of Romanian, recorded and published:
		// its pages stop saying that no one has checked them (IN-02).
		if _, body := public.Get("/ro/help"); !strings.Contains(body, `class="unreviewed"`) {
			t.Fatal("the Romanian help page does not say it is unreviewed")
		}
		_, body = coord.Get("/portal-content/languages/ro")
		review := url.Values{"reviewed": {"on"}, "reviewed_by": {""}, "reviewed_on": {time.Now().Format(time.DateOnly)}, "version": {formVersion(t, body)}}
		if resp, body := coord.Post("/portal-content/languages/ro", review); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, sv.T("content.field.required")) {
			t.Errorf("a review without a reviewer: %d", resp.StatusCode)
		}
		review.Set("reviewed_by", "Auktoriserad translator")
		if resp, _ := coord.Post("/portal-content/languages/ro", review); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording the review: %d", resp.StatusCode)
		}
		if resp, _ := coord.Post("/portal-content/publish", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publishing the review: %d", resp.StatusCode)
		}
		if _, body := public.Get("/ro/help"); strings.Contains(body, `class="unreviewed"`) {
			t.Error("the reviewed Romanian help page still says it is unreviewed")
		}
		if _, body := public.Get("/bg/help"); !strings.Contains(body, `class="unreviewed"`) {
			t.Error("the Bulgarian help page no longer says it is unreviewed")
		}

		// A portal started now serves the latest edition from the database.
		assets, err := render.NewAssets()
		if err != nil {
			t.Fatal(err)
		}
		later, err := portal.New(portal.Config{Assets: assets, Content: portal.EditionsOf(db)})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		later.Register(mux)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sv/help", nil))
		if !strings.Contains(rec.Body.String(), "Ny svensk ingress.") {
			t.Errorf("a portal started later does not show the published edition: %d", rec.Code)
		}

		// Edition 1 restored: its drafts take back the Swedish text and the
		// review published since, and leave its English text as it is.
		resp, _ = coord.Post("/portal-content/editions/1/restore", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/portal-content?restored=") {
			t.Fatalf("restoring edition 1: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = coord.Get(resp.Header.Get("Location"))
		for _, want := range []string{sv.T("content.draft.text", "Name", "Kontakt", "Lang", "sv"), sv.T("content.draft.language", "Lang", "Română")} {
			if !strings.Contains(body, want) {
				t.Errorf("after restoring edition 1 the drafts lack %q", want)
			}
		}
		if resp, _ := coord.Post("/portal-content/publish", url.Values{"note": {"Tillbaka till utgåva 1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publishing the restored edition: %d", resp.StatusCode)
		}
		if _, body := public.Get("/sv/help"); strings.Contains(body, "Ny svensk ingress.") {
			t.Error("the Swedish text published after edition 1 is still shown")
		}
		if _, body := public.Get("/ro/help"); !strings.Contains(body, `class="unreviewed"`) {
			t.Error("the Romanian review published after edition 1 is still in force")
		}
		if _, body := public.Get("/en/help"); !strings.Contains(body, "Call us – a new introduction.") {
			t.Error("edition 1's English text is gone")
		}
		if resp, _ := coord.Post("/portal-content/editions/99/restore", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("restoring an edition that does not exist: %d", resp.StatusCode)
		}

		// A review due tomorrow is on the coordinator's start page (IN-10),
		// and not on a case worker's.
		_, body = coord.Get("/portal-content/pages/help")
		soon := url.Values{"owner": {"Nationell samordnare"}, "law": {"Lag A"}, "next_review": {time.Now().AddDate(0, 0, 1).Format(time.DateOnly)},
			"version": {formVersion(t, body)}}
		if resp, _ := coord.Post("/portal-content/pages/help", soon); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a review tomorrow: %d", resp.StatusCode)
		}
		if resp, _ := coord.Post("/portal-content/publish", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publishing the review date: %d", resp.StatusCode)
		}
		if _, body := coord.Get("/"); !strings.Contains(body, `<a href="/portal-content/pages/help">Kontakt</a>: `+sv.T("home.content.review", "Date", soon.Get("next_review"))) {
			t.Error("the coordinator's start page does not list the page due for review")
		}
		if _, body := worker.Get("/"); strings.Contains(body, `href="/portal-content`) {
			t.Error("a case worker's start page lists the portal's reviews")
		}

		for _, path := range []string{"/portal-content", "/portal-content/pages/help", "/portal-content/pages/help/en", "/portal-content/pages/help/en/preview", "/portal-content/contacts/women"} {
			if resp, _ := worker.Get(path); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Errorf("a case worker: GET %s: %d", path, resp.StatusCode)
			}
		}
		if resp, _ := worker.Post("/portal-content/publish", url.Values{}); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("a case worker publishing: %d", resp.StatusCode)
		}
	})
}
