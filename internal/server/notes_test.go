package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sqlstoretest"
)

// staffUser is a signed-in member of staff with an API token.
type staffUser struct {
	*browser
	id, token string
}

// mustStaff creates an activated user of org with role, signs them in
// and gives them a write token.
func mustStaff(t *testing.T, db *sqlstoretest.Store, base string, org *fristad.Organisation, email, secret string, role fristad.Role) *staffUser {
	t.Helper()
	sys := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	const password = "ett långt testlösenord"
	user := &fristad.User{OrganisationID: org.ID, Email: email, Roles: []fristad.Role{role}}
	if err := db.CreateDemoUser(sys, user, password, secret); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, base)
	signIn(t, b, email, password, secret)
	tok, err := db.CreateToken(sys, user.ID, "test", fristad.ScopeWrite, 0)
	if err != nil {
		t.Fatal(err)
	}
	return &staffUser{browser: b, id: user.ID, token: tok.Token}
}

// mustOrgs creates the instance and organisations named.
func mustOrgs(t *testing.T, db *sqlstoretest.Store, names ...string) []*fristad.Organisation {
	t.Helper()
	sys := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	if err := db.InitInstance(sys, true); err != nil {
		t.Fatal(err)
	}
	var orgs []*fristad.Organisation
	for _, name := range names {
		o := &fristad.Organisation{Name: name, Type: "ngo"}
		if err := db.CreateOrganisation(sys, o); err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	return orgs
}

// mustOpenCase records a case through the workspace and returns its id.
func mustOpenCase(t *testing.T, u *staffUser, alias, ageBand string) string {
	t.Helper()
	resp, _ := u.post("/cases", url.Values{"alias": {alias}, "age_band": {ageBand}, "confirm_new": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("creating the case: %d", resp.StatusCode)
	}
	return strings.TrimPrefix(resp.Header.Get("Location"), "/cases/")
}

// withoutCSRF posts a form without the form token, as a forged form would.
func (b *browser) withoutCSRF(path string, form url.Values) (*http.Response, string) {
	saved := b.csrf
	b.csrf = ""
	defer func() { b.csrf = saved }()
	return b.post(path, form)
}

// TestNotesPages walks the journal in the workspace: the page, a note
// kept to the organisation and one for the team, a form that comes back
// with what was typed, the form token, corrections, and what a police
// liaison and another organisation see.
func TestNotesPages(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := mustStart(t, db)
		orgs := mustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := mustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		police := mustStaff(t, db, s.StaffURL(), orgs[0], "police@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePoliceLiaison)
		other := mustStaff(t, db, s.StaffURL(), orgs[1], "other@example.org", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", fristad.RoleCaseWorker)
		caseID := mustOpenCase(t, worker, "Maria", "25-34")
		path := "/cases/" + caseID + "/notes"

		resp, body := worker.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `<a href="`+path+`" aria-current="page">`) ||
			!strings.Contains(body, "ändras aldrig") || !strings.Contains(body, `value="organisation" aria-describedby="sensitivity-organisation-hint" checked`) {
			t.Fatalf("the journal page: %d\n%s", resp.StatusCode, body)
		}

		// A mistake comes back with what was typed and a message.
		resp, body = worker.post(path, url.Values{"body": {"Mötet flyttas till fredag."}, "sensitivity": {"police"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Välj vem som får läsa anteckningen.") ||
			!strings.Contains(body, ">Mötet flyttas till fredag.</textarea>") || !strings.Contains(body, `href="#sensitivity"`) {
			t.Errorf("an unknown sensitivity: %d; want 400 with the text kept and the message\n%s", resp.StatusCode, body)
		}
		resp, body = worker.post(path, url.Values{"body": {"  "}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Skriv anteckningen.") || !strings.Contains(body, `value="team" aria-describedby="sensitivity-team-hint" checked`) {
			t.Errorf("an empty note: %d; want 400 with the choice kept", resp.StatusCode)
		}

		// Without the form token nothing is written.
		resp, _ = worker.withoutCSRF(path, url.Values{"body": {"FORGED note"}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a note without the form token: %d; want 403", resp.StatusCode)
		}

		resp, _ = worker.post(path, url.Values{"body": {"CANARY Samtal: sover dåligt.\nMardrömmar."}, "sensitivity": {"organisation"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
			t.Fatalf("a note kept to the organisation: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = worker.post(path, url.Values{"body": {"Hon har fått tid hos tandläkaren."}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a note for the team: %d", resp.StatusCode)
		}
		_, body = worker.get(path)
		if !strings.Contains(body, "CANARY Samtal: sover dåligt.\nMardrömmar.") || !strings.Contains(body, "Bara min organisation") ||
			!strings.Contains(body, "Hon har fått tid hos tandläkaren.") || strings.Contains(body, "FORGED") {
			t.Errorf("the journal after writing:\n%s", body)
		}

		// A correction refers back.
		m := regexp.MustCompile(`\?correct=([A-Z2-7]+)#new-note`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no way to correct a note")
		}
		_, body = worker.get(path + "?correct=" + m[1])
		if !strings.Contains(body, `name="refers_to" value="`+m[1]+`"`) || !strings.Contains(body, "Du rättar anteckningen") {
			t.Errorf("the correction form does not name the note it corrects")
		}

		// A police liaison reads the team's notes only, and writes none.
		resp, body = police.get(path)
		if resp.StatusCode != 200 || strings.Contains(body, "CANARY") || !strings.Contains(body, "tandläkaren") || strings.Contains(body, `action="`+path+`"`) {
			t.Errorf("the police liaison's journal: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = police.post(path, url.Values{"body": {"Förhör bokat."}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a police liaison writing a note: %d; want 403", resp.StatusCode)
		}
		// The timeline shows the notes each may read, and no others.
		timeline := "/cases/" + caseID + "/timeline"
		if resp, body := worker.get(timeline); resp.StatusCode != 200 || !strings.Contains(body, "CANARY Samtal: sover dåligt.") ||
			!strings.Contains(body, "ärendet öppnat som") || !strings.Contains(body, `href="`+path+`#note-`) {
			t.Errorf("the case worker's timeline: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := police.get(timeline); resp.StatusCode != 200 || strings.Contains(body, "CANARY") || !strings.Contains(body, "tandläkaren") {
			t.Errorf("the police liaison's timeline: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := other.get(timeline); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "tandläkaren") {
			t.Errorf("another organisation's timeline: %d; want 404", resp.StatusCode)
		}
		// The same timeline through the API, in codes, with the same rule.
		resp, body = apiDo(t, s, worker.token, "GET", "/api/v1"+timeline, "")
		var tl struct {
			Entries []struct{ Kind, Code, Text string }
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &tl) != nil || len(tl.Entries) == 0 || tl.Entries[len(tl.Entries)-1].Kind != "opened" ||
			!strings.Contains(body, "CANARY Samtal: sover dåligt.") {
			t.Errorf("the case worker's timeline through the API: %d %s", resp.StatusCode, body)
		}
		if resp, body := apiDo(t, s, police.token, "GET", "/api/v1"+timeline, ""); resp.StatusCode != 200 || strings.Contains(body, "CANARY") || !strings.Contains(body, "tandläkaren") {
			t.Errorf("the police liaison's timeline through the API: %d %s", resp.StatusCode, body)
		}
		if resp, _ := apiDo(t, s, other.token, "GET", "/api/v1"+timeline, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation's timeline through the API: %d; want 404", resp.StatusCode)
		}
		// Another organisation: no such case.
		if resp, body := other.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "CANARY") || strings.Contains(body, "tandläkaren") {
			t.Errorf("another organisation's journal: %d; want 404", resp.StatusCode)
		}

		// The API answers from the same service.
		resp, body = apiDo(t, s, police.token, "GET", "/api/v1"+path, "")
		var notes struct {
			Notes []struct{ Body, Sensitivity string }
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &notes) != nil || len(notes.Notes) != 1 || notes.Notes[0].Sensitivity != "team" {
			t.Errorf("the police liaison's notes through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "POST", "/api/v1"+path, `{"body":"x","sensitivity":"team","author_id":"someone-else"}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a note naming its own author: %d %s; want 400", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "POST", "/api/v1"+path, `{"body":"x","sensitivity":"secret"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"sensitivity"`) {
			t.Errorf("an unknown sensitivity through the API: %d %s; want 422 naming the field", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "POST", "/api/v1"+path, `{"body":"Via API.","sensitivity":"team"}`)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"author_id":"`+worker.id+`"`) {
			t.Errorf("a note through the API: %d %s", resp.StatusCode, body)
		}
	})
}

// TestConsentsPage walks consent and disclosure in the workspace: record,
// a mistake that comes back with what was typed, a disclosure on the
// consent, a withdrawal that takes effect at once, and the child's flow.
func TestConsentsPage(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := mustStart(t, db)
		orgs := mustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := mustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		partner := mustStaff(t, db, s.StaffURL(), orgs[0], "partner@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePartner)
		caseID := mustOpenCase(t, worker, "Maria", "25-34")
		path := "/cases/" + caseID + "/consents"

		resp, body := worker.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `<a href="`+path+`" aria-current="page">`) || !strings.Contains(body, `action="`+path+`"`) ||
			strings.Contains(body, `name="child_view"`) {
			t.Fatalf("the consents page: %d\n%s", resp.StatusCode, body)
		}
		consent := url.Values{"purpose": {"referral"}, "recipient_organisation_id": {orgs[1].ID}, "given_on": {"2026-05-01"}, "language": {"ro"}, "interpreter": {"on"}}
		resp, body = worker.post(path, consent)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Välj vilka uppgifter samtycket gäller.") ||
			!strings.Contains(body, `id="language" name="language" type="text" required maxlength="12" autocomplete="off" aria-describedby="language-hint" value="ro"`) ||
			!strings.Contains(body, `<option value="`+orgs[1].ID+`" selected>`) {
			t.Errorf("a consent without data: %d; want 400 with the form kept\n%s", resp.StatusCode, body)
		}
		consent["data_categories"] = []string{"identity", "contact"}
		consent["note"] = []string{"CANARY Hon vill att jouren ringer."}
		resp, _ = worker.post(path, consent)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording a consent: %d", resp.StatusCode)
		}
		resp, _ = partner.post(path, consent)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a partner recording a consent: %d; want 403", resp.StatusCode)
		}
		_, body = worker.get(path)
		m := regexp.MustCompile(`action="` + regexp.QuoteMeta(path) + `/([A-Z2-7]+)/withdraw"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "Gäller") || !strings.Contains(body, "med tolk") {
			t.Fatalf("the consent is not shown with its status and a withdraw button:\n%s", body)
		}
		consentID := m[1]
		if _, body := partner.get(path); strings.Contains(body, "/withdraw") || !strings.Contains(body, "Hänvisning") {
			t.Error("a partner sees the consents with a withdraw button, or not at all")
		}

		disclosure := url.Values{"recipient_organisation_id": {orgs[1].ID}, "purpose": {"referral"}, "data_categories": {"identity"},
			"legal_basis": {"consent"}, "consent_id": {consentID}, "disclosed_on": {"2026-05-04"}}
		resp, _ = worker.post("/cases/"+caseID+"/disclosures", disclosure)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a disclosure on the consent: %d", resp.StatusCode)
		}

		// Withdrawn, at once.
		if resp, _ := worker.withoutCSRF(path+"/"+consentID+"/withdraw", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a withdrawal without the form token: %d; want 403", resp.StatusCode)
		}
		resp, _ = worker.post(path+"/"+consentID+"/withdraw", url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdrawing: %d", resp.StatusCode)
		}
		resp, body = worker.post("/cases/"+caseID+"/disclosures", disclosure)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Samtycket har återkallats.") || !strings.Contains(body, `href="#d-consent_id"`) ||
			!strings.Contains(body, `<option value="`+orgs[1].ID+`" selected>`) {
			t.Errorf("a disclosure on the withdrawn consent: %d; want 400 with the message on the consent\n%s", resp.StatusCode, body)
		}
		_, body = worker.get(path)
		if !strings.Contains(body, "Återkallat") || strings.Contains(body, "/withdraw") || !strings.Contains(body, "Samtycke (<a href=\"#consent-"+consentID+"\">") {
			t.Errorf("after the withdrawal the page shows:\n%s", body)
		}

		// The API: strict bodies, 422 per field, the withdrawal.
		api := "/api/v1" + path
		resp, body = apiDo(t, s, worker.token, "POST", api, `{"purpose":"referral","recipient_organisation_id":"`+orgs[1].ID+`","data_categories":["identity"],"given_on":"2026-05-01","language":"ro","status":"withdrawn"}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a consent setting its own status: %d %s; want 400", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "POST", api, `{"purpose":"referral","recipient_organisation_id":"`+orgs[1].ID+`","data_categories":["everything"],"given_on":"2026-05-01","language":"ro"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"data_categories"`) {
			t.Errorf("an unknown data category: %d %s; want 422", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "POST", api, `{"purpose":"statistics","recipient_organisation_id":"`+orgs[0].ID+`","data_categories":["case_history"],"given_on":"2026-05-01","language":"sv"}`)
		var created struct{ ID, Status string }
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil || created.Status != "given" {
			t.Fatalf("a consent through the API: %d %s", resp.StatusCode, body)
		}
		if resp, body := apiDo(t, s, worker.token, "POST", api+"/"+created.ID+"/withdraw", `{"reason":"x"}`); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a withdrawal with an unknown field: %d %s; want 400", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "POST", api+"/"+created.ID+"/withdraw", "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"withdrawn"`) {
			t.Errorf("a withdrawal through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = apiDo(t, s, worker.token, "GET", "/api/v1/cases/"+caseID+"/disclosures", "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"consent_id":"`+consentID+`"`) || !strings.Contains(body, `"legal_basis":"consent"`) {
			t.Errorf("the disclosures through the API: %d %s", resp.StatusCode, body)
		}

		// A presumed child: the guardian and her own view.
		childID := mustOpenCase(t, worker, "Liten", "15-17")
		childPath := "/cases/" + childID + "/consents"
		if _, body := worker.get(childPath); !strings.Contains(body, `name="child_view"`) || !strings.Contains(body, `name="guardian_consent"`) {
			t.Error("the child's consent form has no place for the guardian or her view")
		}
		child := url.Values{"purpose": {"support_services"}, "recipient_organisation_id": {orgs[1].ID}, "data_categories": {"health"},
			"given_on": {"2026-05-01"}, "language": {"uk"}, "guardian": {"God man Berg"}, "child_view": {"Jag vill bo med min bror."}}
		resp, body = worker.post(childPath, child)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "vårdnadshavaren eller den gode mannen också samtycka") || !strings.Contains(body, "Jag vill bo med min bror.</textarea>") {
			t.Errorf("a child's consent without the guardian's: %d\n%s", resp.StatusCode, body)
		}
		child["guardian_consent"] = []string{"on"}
		if resp, _ := worker.post(childPath, child); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a child's consent: %d", resp.StatusCode)
		}
	})
}
