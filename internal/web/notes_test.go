package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestNotesPages walks the journal in the workspace: the page, a note
// kept to the organisation and one for the team, a form that comes back
// with what was typed, the form token, corrections, and what a police
// liaison and another organisation see.
func TestNotesPages(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		police := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "police@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePoliceLiaison)
		other := sitetest.MustStaff(t, db, s.StaffURL(), orgs[1], "other@example.org", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", fristad.RoleCaseWorker)
		caseID := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		path := "/cases/" + caseID + "/notes"

		resp, body := worker.Get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `<a href="`+path+`" aria-current="page">`) ||
			!strings.Contains(body, "ändras aldrig") || !strings.Contains(body, `value="organisation" aria-describedby="sensitivity-organisation-hint" checked`) {
			t.Fatalf("the journal page: %d\n%s", resp.StatusCode, body)
		}

		// A mistake comes back with what was typed and a message.
		resp, body = worker.Post(path, url.Values{"body": {"Mötet flyttas till fredag."}, "sensitivity": {"police"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Välj vem som får läsa anteckningen.") ||
			!strings.Contains(body, ">Mötet flyttas till fredag.</textarea>") || !strings.Contains(body, `href="#sensitivity"`) {
			t.Errorf("an unknown sensitivity: %d; want 400 with the text kept and the message\n%s", resp.StatusCode, body)
		}
		resp, body = worker.Post(path, url.Values{"body": {"  "}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Skriv anteckningen.") || !strings.Contains(body, `value="team" aria-describedby="sensitivity-team-hint" checked`) {
			t.Errorf("an empty note: %d; want 400 with the choice kept", resp.StatusCode)
		}

		// Without the form token nothing is written.
		resp, _ = worker.WithoutCSRF(path, url.Values{"body": {"FORGED note"}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a note without the form token: %d; want 403", resp.StatusCode)
		}

		resp, _ = worker.Post(path, url.Values{"body": {"CANARY Samtal: sover dåligt.\nMardrömmar."}, "sensitivity": {"organisation"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
			t.Fatalf("a note kept to the organisation: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = worker.Post(path, url.Values{"body": {"Hon har fått tid hos tandläkaren."}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a note for the team: %d", resp.StatusCode)
		}
		_, body = worker.Get(path)
		if !strings.Contains(body, "CANARY Samtal: sover dåligt.\nMardrömmar.") || !strings.Contains(body, "Bara min organisation") ||
			!strings.Contains(body, "Hon har fått tid hos tandläkaren.") || strings.Contains(body, "FORGED") {
			t.Errorf("the journal after writing:\n%s", body)
		}

		// A correction refers back.
		m := regexp.MustCompile(`\?correct=([A-Z2-7]+)#new-note`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no way to correct a note")
		}
		_, body = worker.Get(path + "?correct=" + m[1])
		if !strings.Contains(body, `name="refers_to" value="`+m[1]+`"`) || !strings.Contains(body, "Du rättar anteckningen") {
			t.Errorf("the correction form does not name the note it corrects")
		}

		// A police liaison reads the team's notes only, and writes none.
		resp, body = police.Get(path)
		if resp.StatusCode != 200 || strings.Contains(body, "CANARY") || !strings.Contains(body, "tandläkaren") || strings.Contains(body, `action="`+path+`"`) {
			t.Errorf("the police liaison's journal: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = police.Post(path, url.Values{"body": {"Förhör bokat."}, "sensitivity": {"team"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a police liaison writing a note: %d; want 403", resp.StatusCode)
		}
		// The timeline shows the notes each may read, and no others.
		timeline := "/cases/" + caseID + "/timeline"
		if resp, body := worker.Get(timeline); resp.StatusCode != 200 || !strings.Contains(body, "CANARY Samtal: sover dåligt.") ||
			!strings.Contains(body, "ärendet öppnat som") || !strings.Contains(body, `href="`+path+`#note-`) {
			t.Errorf("the case worker's timeline: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := police.Get(timeline); resp.StatusCode != 200 || strings.Contains(body, "CANARY") || !strings.Contains(body, "tandläkaren") {
			t.Errorf("the police liaison's timeline: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := other.Get(timeline); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "tandläkaren") {
			t.Errorf("another organisation's timeline: %d; want 404", resp.StatusCode)
		}
		// The same timeline through the API, in codes, with the same rule.
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1"+timeline, "")
		var tl struct {
			Entries []struct{ Kind, Code, Text string }
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &tl) != nil || len(tl.Entries) == 0 || tl.Entries[len(tl.Entries)-1].Kind != "opened" ||
			!strings.Contains(body, "CANARY Samtal: sover dåligt.") {
			t.Errorf("the case worker's timeline through the API: %d %s", resp.StatusCode, body)
		}
		if resp, body := sitetest.APIDo(t, s, police.Token, "GET", "/api/v1"+timeline, ""); resp.StatusCode != 200 || strings.Contains(body, "CANARY") || !strings.Contains(body, "tandläkaren") {
			t.Errorf("the police liaison's timeline through the API: %d %s", resp.StatusCode, body)
		}
		if resp, _ := sitetest.APIDo(t, s, other.Token, "GET", "/api/v1"+timeline, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation's timeline through the API: %d; want 404", resp.StatusCode)
		}
		// Another organisation: no such case.
		if resp, body := other.Get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "CANARY") || strings.Contains(body, "tandläkaren") {
			t.Errorf("another organisation's journal: %d; want 404", resp.StatusCode)
		}

		// The API answers from the same service.
		resp, body = sitetest.APIDo(t, s, police.Token, "GET", "/api/v1"+path, "")
		var notes struct {
			Notes []struct{ Body, Sensitivity string }
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &notes) != nil || len(notes.Notes) != 1 || notes.Notes[0].Sensitivity != "team" {
			t.Errorf("the police liaison's notes through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path, `{"body":"x","sensitivity":"team","author_id":"someone-else"}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a note naming its own author: %d %s; want 400", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path, `{"body":"x","sensitivity":"secret"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"sensitivity"`) {
			t.Errorf("an unknown sensitivity through the API: %d %s; want 422 naming the field", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1"+path, `{"body":"Via API.","sensitivity":"team"}`)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"author_id":"`+worker.ID+`"`) {
			t.Errorf("a note through the API: %d %s", resp.StatusCode, body)
		}
	})
}

// TestConsentsPage walks consent and disclosure in the workspace: record,
// a mistake that comes back with what was typed, a disclosure on the
// consent, a withdrawal that takes effect at once, and the child's flow.
func TestConsentsPage(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		partner := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "partner@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePartner)
		caseID := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		path := "/cases/" + caseID + "/consents"

		resp, body := worker.Get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `<a href="`+path+`" aria-current="page">`) || !strings.Contains(body, `action="`+path+`"`) ||
			strings.Contains(body, `name="child_view"`) {
			t.Fatalf("the consents page: %d\n%s", resp.StatusCode, body)
		}
		consent := url.Values{"purpose": {"referral"}, "recipient_organisation_id": {orgs[1].ID}, "given_on": {"2026-05-01"}, "language": {"ro"}, "interpreter": {"on"}}
		resp, body = worker.Post(path, consent)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Välj vilka uppgifter samtycket gäller.") ||
			!strings.Contains(body, `id="language" name="language" type="text" required maxlength="12" autocomplete="off" aria-describedby="language-hint" value="ro"`) ||
			!strings.Contains(body, `<option value="`+orgs[1].ID+`" selected>`) {
			t.Errorf("a consent without data: %d; want 400 with the form kept\n%s", resp.StatusCode, body)
		}
		consent["data_categories"] = []string{"identity", "contact"}
		consent["note"] = []string{"CANARY Hon vill att jouren ringer."}
		resp, _ = worker.Post(path, consent)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording a consent: %d", resp.StatusCode)
		}
		resp, _ = partner.Post(path, consent)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a partner recording a consent: %d; want 403", resp.StatusCode)
		}
		_, body = worker.Get(path)
		m := regexp.MustCompile(`action="` + regexp.QuoteMeta(path) + `/([A-Z2-7]+)/withdraw"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "Gäller") || !strings.Contains(body, "med tolk") {
			t.Fatalf("the consent is not shown with its status and a withdraw button:\n%s", body)
		}
		consentID := m[1]
		if _, body := partner.Get(path); strings.Contains(body, "/withdraw") || !strings.Contains(body, "Hänvisning") {
			t.Error("a partner sees the consents with a withdraw button, or not at all")
		}

		disclosure := url.Values{"recipient_organisation_id": {orgs[1].ID}, "purpose": {"referral"}, "data_categories": {"identity"},
			"legal_basis": {"consent"}, "consent_id": {consentID}, "disclosed_on": {"2026-05-04"}}
		resp, _ = worker.Post("/cases/"+caseID+"/disclosures", disclosure)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a disclosure on the consent: %d", resp.StatusCode)
		}

		// Withdrawn, at once.
		if resp, _ := worker.WithoutCSRF(path+"/"+consentID+"/withdraw", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a withdrawal without the form token: %d; want 403", resp.StatusCode)
		}
		resp, _ = worker.Post(path+"/"+consentID+"/withdraw", url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdrawing: %d", resp.StatusCode)
		}
		resp, body = worker.Post("/cases/"+caseID+"/disclosures", disclosure)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Samtycket har återkallats.") || !strings.Contains(body, `href="#d-consent_id"`) ||
			!strings.Contains(body, `<option value="`+orgs[1].ID+`" selected>`) {
			t.Errorf("a disclosure on the withdrawn consent: %d; want 400 with the message on the consent\n%s", resp.StatusCode, body)
		}
		_, body = worker.Get(path)
		if !strings.Contains(body, "Återkallat") || strings.Contains(body, "/withdraw") || !strings.Contains(body, "Samtycke (<a href=\"#consent-"+consentID+"\">") {
			t.Errorf("after the withdrawal the page shows:\n%s", body)
		}

		// The API: strict bodies, 422 per field, the withdrawal.
		api := "/api/v1" + path
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", api, `{"purpose":"referral","recipient_organisation_id":"`+orgs[1].ID+`","data_categories":["identity"],"given_on":"2026-05-01","language":"ro","status":"withdrawn"}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a consent setting its own status: %d %s; want 400", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", api, `{"purpose":"referral","recipient_organisation_id":"`+orgs[1].ID+`","data_categories":["everything"],"given_on":"2026-05-01","language":"ro"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"data_categories"`) {
			t.Errorf("an unknown data category: %d %s; want 422", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", api, `{"purpose":"statistics","recipient_organisation_id":"`+orgs[0].ID+`","data_categories":["case_history"],"given_on":"2026-05-01","language":"sv"}`)
		var created struct{ ID, Status string }
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil || created.Status != "given" {
			t.Fatalf("a consent through the API: %d %s", resp.StatusCode, body)
		}
		if resp, body := sitetest.APIDo(t, s, worker.Token, "POST", api+"/"+created.ID+"/withdraw", `{"reason":"x"}`); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a withdrawal with an unknown field: %d %s; want 400", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", api+"/"+created.ID+"/withdraw", "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"withdrawn"`) {
			t.Errorf("a withdrawal through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+caseID+"/disclosures", "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"consent_id":"`+consentID+`"`) || !strings.Contains(body, `"legal_basis":"consent"`) {
			t.Errorf("the disclosures through the API: %d %s", resp.StatusCode, body)
		}

		// A presumed child: the guardian and her own view.
		childID := sitetest.MustOpenCase(t, worker, "Liten", "15-17")
		childPath := "/cases/" + childID + "/consents"
		if _, body := worker.Get(childPath); !strings.Contains(body, `name="child_view"`) || !strings.Contains(body, `name="guardian_consent"`) {
			t.Error("the child's consent form has no place for the guardian or her view")
		}
		child := url.Values{"purpose": {"support_services"}, "recipient_organisation_id": {orgs[1].ID}, "data_categories": {"health"},
			"given_on": {"2026-05-01"}, "language": {"uk"}, "guardian": {"God man Berg"}, "child_view": {"Jag vill bo med min bror."}}
		resp, body = worker.Post(childPath, child)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "vårdnadshavaren eller den gode mannen också samtycka") || !strings.Contains(body, "Jag vill bo med min bror.</textarea>") {
			t.Errorf("a child's consent without the guardian's: %d\n%s", resp.StatusCode, body)
		}
		child["guardian_consent"] = []string{"on"}
		if resp, _ := worker.Post(childPath, child); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a child's consent: %d", resp.StatusCode)
		}
	})
}
