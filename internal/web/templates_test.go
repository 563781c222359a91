package web

import (
	"testing"

	"fristad"

	"fristad/internal/i18n"
	"fristad/internal/render"
	"fristad/internal/testing/rendertest"
)

func TestTemplates(t *testing.T) {
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	rendertest.CheckPages(t, h.Engine(), map[string]any{
		"home":                 &HomePage{},
		"error":                &render.ErrorPage{},
		"login":                &LoginPage{},
		"login_code":           &CodePage{},
		"activate":             &ActivatePage{},
		"activate_code":        &ActivateCodePage{},
		"sessions":             &SessionsPage{},
		"organisations":        &OrganisationsPage{},
		"users":                &UsersPage{},
		"audit":                &AuditPage{},
		"passkeys":             &PasskeysPage{},
		"stepup":               &StepUpPage{},
		"cases":                &CasesPage{},
		"case_new":             &NewCasePage{},
		"case":                 &CasePage{},
		"breakglass":           &BreakGlassPage{},
		"merge":                &MergePage{},
		"assessments":          &AssessmentsPage{},
		"safety":               &SafetyPage{},
		"notes":                &NotesPage{},
		"documents":            &DocumentsPage{},
		"consents":             &ConsentsPage{},
		"tasks":                &TasksPage{},
		"deadlines":            &DeadlinesPage{},
		"timeline":             &TimelinePage{},
		"indicators":           &IndicatorsPage{},
		"callbacks":            &CallbacksPage{},
		"callback":             &CallbackPage{},
		"programmes":           &ProgrammesPage{},
		"programme":            &ProgrammePage{},
		"providers":            &ProvidersPage{},
		"budget":               &BudgetPage{},
		"plan":                 &PlanPage{},
		"plan_version":         &PlanPage{},
		"residence":            &ResidencePage{},
		"portal_content":       &ContentOverview{Report: &fristad.ContentReport{}},
		"content_page":         &ContentPageEdit{Content: &fristad.ContentPage{}},
		"content_text":         &ContentTextEdit{Content: &fristad.ContentPage{}, Text: &fristad.ContentText{}},
		"content_contact":      &ContentContactEdit{Contact: &fristad.ContentContact{}},
		"content_contact_text": &ContentContactTextEdit{Contact: &fristad.ContentContact{}, Text: &fristad.ContentContactText{}},
		"content_language":     &ContentLanguageEdit{Language: &fristad.ContentLanguage{}},
		"content_change":       &ContentChangePage{Change: &fristad.ContentChange{}},
		"user":                 &UserPage{},
	})
	rendertest.CheckKeys(t, templates, i18n.Staff())
	rendertest.CheckErrorKeys(t, "../..", i18n.Staff())
}

// TestCodeLabels checks that every role and every organisation type the
// migrations create has a label in every staff language.
func TestCodeLabels(t *testing.T) {
	types := []string{"national_coordinator", "regional_coordinator", "social_services", "ngo", "shelter", "police",
		"prosecution", "migration_agency", "health_care", "school", "employment_service", "international_organisation",
		"receiving_organisation_abroad"}
	c := i18n.Staff()
	for _, tag := range c.Languages() {
		p := c.Printer(tag)
		for _, r := range fristad.Roles {
			if key := "role." + string(r); p.T(key) == key {
				t.Errorf("%s: no label %s", tag, key)
			}
		}
		for _, typ := range types {
			if key := "orgtype." + typ; p.T(key) == key {
				t.Errorf("%s: no label %s", tag, key)
			}
		}
		for prefix, list := range map[string][]string{
			"status": fristad.Statuses, "step": fristad.Steps, "pathway": fristad.Pathways,
			"exploitation": fristad.ExploitationTypes, "ageband": fristad.AgeBands, "sex": fristad.Sexes,
			"protection": fristad.ProtectionLevels, "level": {"lead", "member"},
			"risk": fristad.RiskLevels, "factor": fristad.RiskFactors, "special": fristad.SpecialNeeds,
			"reason": fristad.AssessmentReasons, "domain": fristad.NeedDomains, "need": fristad.NeedLevels,
			"channel": fristad.Channels, "action": fristad.ProtectiveActions, "residence.kind": fristad.ResidenceKinds,
			"notice": {"passkey.added", "passkey.removed", "factors.set", "roles.changed", "signin.failures"},
			// The kinds of entry the timeline page names (timeline.go).
			"timeline.kind": {"status", "assessment", "safety", "residence", "event", "merge", "note", "document", "consent", "disclosure", "task"},
			// The fields of the portal's content, as a change names them.
			"content.fieldname": {"title", "heading", "lead", "summary", "body", "owner", "law", "next_review", "editor_note", "updated",
				"number", "urgent", "name", "text", "address", "feedback_email", "reviewed", "reviewed_by", "reviewed_on"},
		} {
			for _, code := range list {
				if key := prefix + "." + code; p.T(key) == key {
					t.Errorf("%s: no label %s", tag, key)
				}
			}
		}
	}
}
