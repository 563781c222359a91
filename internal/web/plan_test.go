package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestPlanPages walks the programme office and a support plan through
// the workspace and the API: a coordinator designs and publishes a
// programme and keeps the provider registry; a case worker checks
// eligibility, enrols, plans, moves through phases, reviews and prints
// her plan in Arabic; others see what the policy allows.
func TestPlanPages(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		coord := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "coord@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCoordinator)
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RoleCaseWorker)
		other := sitetest.MustStaff(t, db, s.StaffURL(), orgs[1], "other@example.org", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", fristad.RoleCaseWorker)

		// The designer: a mistake comes back with what was typed.
		bad := sitetest.ProgrammeForm("NSP 2026")
		bad.Set("min_status", "injured_party")
		resp, body := coord.Post("/programmes", bad)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#min_status"`) || !strings.Contains(body, `value="NSP 2026"`) {
			t.Fatalf("support conditional on cooperation: %d, error summary or typed name missing", resp.StatusCode)
		}
		if resp, _ := worker.Post("/programmes", sitetest.ProgrammeForm("X")); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a case worker designing = %d; want 404", resp.StatusCode)
		}
		resp, _ = coord.Post("/programmes", sitetest.ProgrammeForm("NSP 2026"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("creating the programme: %d", resp.StatusCode)
		}
		v1 := sitetest.ProgrammePath.FindStringSubmatch(resp.Header.Get("Location"))[1]
		if resp, _ := coord.Post("/programmes/"+v1+"/publish", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publishing: %d", resp.StatusCode)
		}
		if resp, _ := coord.Post("/programmes/"+v1, sitetest.ProgrammeForm("Ändrad")); resp.StatusCode != http.StatusConflict {
			t.Errorf("changing a published version = %d; want 409", resp.StatusCode)
		}
		resp, body = worker.Get("/programmes/" + v1)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, `action="/programmes/`+v1+`/publish"`) {
			t.Errorf("a case worker reading the programme: %d (and no designer forms)", resp.StatusCode)
		}

		// The registry: one certification has run out.
		resp, _ = coord.Post("/providers", url.Values{"organisation_id": {orgs[1].ID}, "certification": {"certified"}, "certified_until": {"2021-12-31"},
			"services": {"accommodation"}, "languages": {"ro, ar"}, "regions": {"Skåne"}, "places": {"4"}, "contact": {"Jourtelefon 010-000 00 00"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving a provider: %d", resp.StatusCode)
		}
		if _, body := worker.Get("/providers"); !strings.Contains(body, "Certifieringen gäller inte") {
			t.Error("the registry does not flag an expired certification")
		}

		// Eligibility is explained, then she is enrolled.
		caseID := sitetest.MustOpenCase(t, worker, "Maria", "25-34")
		_, body = worker.Get("/cases/" + caseID + "/plan?version=" + v1)
		if !strings.Contains(body, "Hon kan inte skrivas in") || !strings.Contains(body, "identifieringen måste ha nått minst Skälig anledning") {
			t.Errorf("the eligibility check does not explain itself: %s", section(body, "eligibility-h"))
		}
		if resp, _ := worker.Post("/cases/"+caseID+"/status", url.Values{"status": {"reasonable_grounds"}, "decided_on": {"2026-05-04"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status: %d", resp.StatusCode)
		}
		resp, _ = worker.Post("/cases/"+caseID+"/plan", url.Values{"version_id": {v1}, "enrolled_on": {"2026-05-04"},
			"goal_text_0": {"Să învăț suedeză."}, "goal_lang_0": {"ro"}, "goal_id_0": {""}, "goal_text_1": {""}, "goal_lang_1": {""}, "goal_id_1": {""},
			"contact": {"Anna, 010-111 11 11"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("enrolling: %d", resp.StatusCode)
		}
		resp, _ = worker.Post("/cases/"+caseID+"/plan/interventions", url.Values{"type": {"accommodation"}, "provider_id": {orgs[1].ID},
			"funding_source": {"programme"}, "phase": {"initial_rest"}, "planned_start": {"2026-05-04"}, "responsible": {"Skyddat boende på Hemliga gatan 1"}, "cost_committed": {"30 000"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("an intervention: %d", resp.StatusCode)
		}
		resp, body = worker.Post("/cases/"+caseID+"/plan/interventions", url.Values{"type": {"internship"}, "funding_source": {"programme"},
			"phase": {"move_on"}, "planned_start": {"2026-09-01"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#funding_source"`) {
			t.Errorf("an intervention the programme does not fund: %d", resp.StatusCode)
		}
		resp, _ = worker.Post("/cases/"+caseID+"/plan/interventions", url.Values{"type": {"swedish_tuition"}, "funding_source": {"municipality"},
			"phase": {"rehabilitation"}, "planned_start": {"2026-06-10"}, "responsible": {"SFI-läraren Sara"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("tuition: %d", resp.StatusCode)
		}
		resp, body = worker.Post("/cases/"+caseID+"/plan/phase", url.Values{"kind": {"renew"}, "on": {"2026-05-20"}, "reason": {"Mer tid."}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#kind"`) {
			t.Errorf("renewing the rest phase: %d; want 400 naming the field\n%s", resp.StatusCode, body)
		}
		if resp, _ := worker.Post("/cases/"+caseID+"/plan/phase", url.Values{"kind": {"advance"}, "on": {"2026-06-01"}, "reason": {""}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("advancing: %d", resp.StatusCode)
		}

		// The API shows the same plan.
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+caseID+"/plan", "")
		var plan struct {
			Phase         string `json:"phase"`
			Goals         []struct{ ID, Text string }
			Interventions []struct {
				Type                 string `json:"type"`
				ProviderNotCertified bool   `json:"provider_not_certified"`
			} `json:"interventions"`
		}
		if err := json.Unmarshal([]byte(body), &plan); err != nil || resp.StatusCode != 200 {
			t.Fatalf("api plan: %d %v", resp.StatusCode, err)
		}
		if plan.Phase != "rehabilitation" || len(plan.Goals) != 1 || len(plan.Interventions) != 2 || !plan.Interventions[0].ProviderNotCertified {
			t.Errorf("api plan: %s", body)
		}
		goal := plan.Goals[0].ID
		resp, _ = worker.Post("/cases/"+caseID+"/plan/reviews", url.Values{"held_on": {"2026-07-01"}, "attainment_" + goal: {"in_progress"},
			"outcomes": {"language_tuition"}, "next_review_on": {"2026-08-01"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", resp.StatusCode)
		}
		if resp, body := sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1/cases/"+caseID+"/plan/interventions",
			`{"type":"job_coaching","funding_source":"programme","phase":"move_on","planned_start":"2026-09-01","cost_committed":12000}`); resp.StatusCode != 201 {
			t.Errorf("api intervention: %d %s", resp.StatusCode, body)
		}
		_, body = worker.Get("/cases/" + caseID + "/plan")
		for _, want := range []string{"Să învăț suedeză.", "Rehabilitering", "Läser svenska", "Certifieringen gäller inte", "2026-08-01"} {
			if !strings.Contains(body, want) {
				t.Errorf("the plan page lacks %q", want)
			}
		}

		// A change from a stale read is a conflict, in the API and on the
		// page, and nothing is written.
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+caseID+"/plan", "")
		var current struct {
			Interventions []map[string]any `json:"interventions"`
		}
		json.Unmarshal([]byte(body), &current)
		if resp.StatusCode != 200 || len(current.Interventions) == 0 || current.Interventions[0]["updated_at"] == nil {
			t.Fatalf("plan: %d %s", resp.StatusCode, body)
		}
		iv := current.Interventions[0]
		ivID, seen := iv["id"].(string), iv["updated_at"].(string)
		change := func(outcome string) string {
			iv["outcome"] = outcome
			b, _ := json.Marshal(iv)
			return string(b)
		}
		if resp, body := sitetest.APIDo(t, s, worker.Token, "PUT", "/api/v1/cases/"+caseID+"/plan/interventions/"+ivID, change("Första ändringen.")); resp.StatusCode != 200 {
			t.Fatalf("api change: %d %s", resp.StatusCode, body)
		}
		if resp, body := sitetest.APIDo(t, s, worker.Token, "PUT", "/api/v1/cases/"+caseID+"/plan/interventions/"+ivID, change("Andra ändringen.")); resp.StatusCode != http.StatusConflict || !strings.Contains(body, `"conflict"`) {
			t.Errorf("api change from a stale read: %d %s", resp.StatusCode, body)
		}
		resp, body = worker.Post("/cases/"+caseID+"/plan/interventions/"+ivID, url.Values{"status": {"done"}, "seen": {seen}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Någon ändrade insatsen") {
			t.Errorf("web change from a stale read: %d", resp.StatusCode)
		}
		if _, body := worker.Get("/cases/" + caseID + "/plan"); !strings.Contains(body, "Första ändringen.") || strings.Contains(body, "Andra ändringen.") {
			t.Error("the plan does not hold the first change alone")
		}

		// The first kept version is the plan as enrolled: no review yet,
		// read-only, linked from the plan page (SP-01).
		if !strings.Contains(body, `href="/cases/`+caseID+`/plan/versions/1"`) {
			t.Error("the plan page does not link its first kept version")
		}
		resp, body = worker.Get("/cases/" + caseID + "/plan/versions/1")
		if resp.StatusCode != 200 || !strings.Contains(body, "Să învăț suedeză.") || strings.Contains(body, "2026-08-01") || strings.Contains(body, `action="/cases/`+caseID+`/plan`) {
			t.Errorf("plan version 1: %d", resp.StatusCode)
		}
		if resp, _ := worker.Get("/cases/" + caseID + "/plan/versions/999"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a version not made = %d", resp.StatusCode)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/cases/"+caseID+"/plan/versions/1", "")
		var kept struct {
			Version int    `json:"version"`
			Change  string `json:"change"`
			Reviews []any  `json:"reviews"`
		}
		json.Unmarshal([]byte(body), &kept)
		if resp.StatusCode != 200 || kept.Version != 1 || kept.Change != "enrol" || len(kept.Reviews) != 0 {
			t.Errorf("api plan version 1: %d %s", resp.StatusCode, body)
		}

		// Her plan, printed in Arabic: right to left, and nothing on it
		// that endangers her.
		c, _ := db.FindCaseByID(sitetest.ActorOf(t, db, worker.Token), caseID)
		resp, body = worker.Get("/cases/" + caseID + "/plan/print?lang=ar")
		if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="ar" dir="rtl">`) || !strings.Contains(body, "خطتي") || !strings.Contains(body, "دروس اللغة السويدية") {
			t.Errorf("the Arabic plan: %d", resp.StatusCode)
		}
		printed := section(body, `id="main"`)
		for _, never := range []string{c.Reference, "Fristad", "Hemliga gatan", "Kvinnojouren", "Jourtelefon"} {
			if strings.Contains(printed, never) {
				t.Errorf("the printed plan shows %q", never)
			}
		}
		if !strings.Contains(printed, "SFI-läraren Sara") || !strings.Contains(printed, "Anna, 010-111 11 11") || !strings.Contains(printed, "Să învăț suedeză.") {
			t.Errorf("the printed plan lacks who does what or her goals: %s", printed)
		}
		if _, body := worker.Get("/cases/" + caseID + "/plan/print?lang=fa-AF"); !strings.Contains(body, `<html lang="fa-AF" dir="rtl">`) || !strings.Contains(body, "پلان من") || !strings.Contains(body, "درس زبان سویدنی") {
			t.Errorf("the plan printed in Dari:\n%s", body)
		}
		if _, body := worker.Get("/cases/" + caseID + "/plan/print?lang=ro"); !strings.Contains(body, `<html lang="ro" dir="ltr">`) || !strings.Contains(body, "Planul meu") {
			t.Error("the Romanian plan")
		}

		// Another organisation: the plan does not exist for it.
		if resp, _ := other.Get("/cases/" + caseID + "/plan"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation reading the plan = %d", resp.StatusCode)
		}
		if resp, _ := other.Get("/cases/" + caseID + "/plan/print?lang=ar"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation printing the plan = %d", resp.StatusCode)
		}
		if resp, _ := other.Get("/cases/" + caseID + "/plan/versions/1"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation reading a plan version = %d", resp.StatusCode)
		}

		// The budget adds up: only what the programme pays counts
		// against its budget.
		resp, body = sitetest.APIDo(t, s, coord.Token, "GET", "/api/v1/budget", "")
		var budget struct {
			Programmes []struct {
				Key               string
				Budget, Committed int64
			} `json:"programmes"`
		}
		json.Unmarshal([]byte(body), &budget)
		if resp.StatusCode != 200 || len(budget.Programmes) != 1 || budget.Programmes[0].Budget != 2000000 || budget.Programmes[0].Committed != 42000 {
			t.Errorf("budget: %d %s", resp.StatusCode, body)
		}
		if resp, _ := sitetest.APIDo(t, s, worker.Token, "GET", "/api/v1/budget", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a case worker reading the budget = %d", resp.StatusCode)
		}
		if _, body := coord.Get("/budget"); !strings.Contains(body, "2\u00a0000\u00a0000\u00a0kr") {
			t.Error("the budget page does not show the budget")
		}
		coord.Post("/language", url.Values{"lang": {"en"}, "next": {"/budget"}})
		if _, body := coord.Get("/budget"); !strings.Contains(body, "NSP 2026 (en)</a>") {
			t.Errorf("the budget page in English does not name the programme in English:\n%s", body)
		}

		// An ineligible enrolment through the API says why.
		child := sitetest.MustOpenCase(t, worker, "Liten", "15-17")
		resp, body = sitetest.APIDo(t, s, worker.Token, "POST", "/api/v1/cases/"+child+"/plan", `{"version_id":"`+v1+`","enrolled_on":"2026-05-04","goals":[]}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"key":"eligibility.child.not"`) {
			t.Errorf("enrolling a presumed child in an adult programme: %d %s", resp.StatusCode, body)
		}
	})
}

// section returns body from the first occurrence of marker on.
func section(body, marker string) string {
	if i := strings.Index(body, marker); i >= 0 {
		return body[i:]
	}
	return ""
}
