package fristad_test

import (
	"testing"

	"fristad"
)

// TestCanJournalAndConsent checks the policy for a case's journal and
// consents: who reads which notes, who writes, and who records consent.
func TestCanJournalAndConsent(t *testing.T) {
	actor := func(org string, roles ...fristad.Role) *fristad.Actor {
		return &fristad.Actor{UserID: "u", OrganisationID: org, Roles: roles}
	}
	team := fristad.CaseAccess{TeamLevel: "member"}
	lead := fristad.CaseAccess{TeamLevel: "lead"}
	outside := fristad.CaseAccess{}
	glass := fristad.CaseAccess{BreakGlass: true}
	note := func(access fristad.CaseAccess, sensitivity, author string) *fristad.NoteAccess {
		return &fristad.NoteAccess{Case: access, Sensitivity: sensitivity, AuthorOrganisation: author}
	}
	readToken := &fristad.Actor{UserID: "u", OrganisationID: "a", Roles: []fristad.Role{fristad.RoleCaseWorker}, TokenScope: fristad.ScopeRead}
	for _, tt := range []struct {
		name   string
		actor  *fristad.Actor
		action fristad.Action
		record any
		want   bool
	}{
		{"case worker reads a team note", actor("a", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(lead, "team", "b"), true},
		{"case worker reads own organisation's note", actor("a", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(lead, "organisation", "a"), true},
		{"case worker reads another organisation's note", actor("a", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(lead, "organisation", "b"), false},
		{"partner reads own organisation's note", actor("b", fristad.RolePartner), fristad.ActionNoteRead, note(team, "organisation", "b"), true},
		{"police liaison reads a team note", actor("a", fristad.RolePoliceLiaison), fristad.ActionNoteRead, note(lead, "team", "a"), true},
		{"police liaison reads own organisation's note", actor("a", fristad.RolePoliceLiaison), fristad.ActionNoteRead, note(lead, "organisation", "a"), false},
		{"police liaison and case worker reads own organisation's note", actor("a", fristad.RoleCaseWorker, fristad.RolePoliceLiaison), fristad.ActionNoteRead, note(lead, "organisation", "a"), false},
		{"outsider reads a team note", actor("c", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(outside, "team", "a"), false},
		{"break-glass reads a team note", actor("c", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(glass, "team", "a"), true},
		{"break-glass reads the lead's organisation note", actor("c", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(glass, "organisation", "a"), false},
		{"administrator reads a team note", actor("a", fristad.RoleAdministrator), fristad.ActionNoteRead, note(lead, "team", "a"), false},
		{"unknown sensitivity", actor("a", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(lead, "secret", "a"), false},
		{"no organisation", actor("", fristad.RoleCaseWorker), fristad.ActionNoteRead, note(lead, "organisation", ""), false},
		{"case worker writes", actor("a", fristad.RoleCaseWorker), fristad.ActionNoteCreate, &lead, true},
		{"partner on the team writes", actor("b", fristad.RolePartner), fristad.ActionNoteCreate, &team, true},
		{"guardian on the team writes", actor("b", fristad.RoleGuardian), fristad.ActionNoteCreate, &team, true},
		{"police liaison writes", actor("a", fristad.RolePoliceLiaison), fristad.ActionNoteCreate, &lead, false},
		{"coordinator writes", actor("a", fristad.RoleCoordinator), fristad.ActionNoteCreate, &lead, false},
		{"break-glass case worker writes", actor("c", fristad.RoleCaseWorker), fristad.ActionNoteCreate, &glass, true},
		{"break-glass partner writes", actor("c", fristad.RolePartner), fristad.ActionNoteCreate, &glass, false},
		{"case worker and police liaison keeps a note to the organisation", actor("a", fristad.RoleCaseWorker, fristad.RolePoliceLiaison), fristad.ActionNoteCreate, note(lead, "organisation", "a"), false},
		{"case worker keeps a note to the organisation", actor("a", fristad.RoleCaseWorker), fristad.ActionNoteCreate, note(lead, "organisation", "a"), true},
		{"read token reads notes", readToken, fristad.ActionNoteRead, &lead, true},
		{"read token writes a note", readToken, fristad.ActionNoteCreate, &lead, false},
		{"partner reads consents", actor("a", fristad.RolePartner), fristad.ActionConsentRead, &lead, true},
		{"partner records consent", actor("a", fristad.RolePartner), fristad.ActionConsentWrite, &lead, false},
		{"case worker records consent", actor("a", fristad.RoleCaseWorker), fristad.ActionConsentWrite, &team, true},
		{"outsider reads consents", actor("c", fristad.RoleCaseWorker), fristad.ActionConsentRead, &outside, false},
		{"read token reads consents", readToken, fristad.ActionConsentRead, &lead, true},
		{"read token records consent", readToken, fristad.ActionConsentWrite, &lead, false},
		{"consent action on a note", actor("a", fristad.RoleCaseWorker), fristad.ActionConsentRead, note(lead, "team", "a"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fristad.Can(tt.actor, tt.action, tt.record); got != tt.want {
				t.Errorf("Can = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestConsentInForce(t *testing.T) {
	c := &fristad.Consent{Status: fristad.ConsentGiven, GivenOn: "2026-05-01", ExpiresOn: "2026-05-10", Purpose: "referral", RecipientOrganisation: "b", DataCategories: []string{"contact", "identity"}}
	for day, want := range map[string]bool{"2026-04-30": false, "2026-05-01": true, "2026-05-10": true, "2026-05-11": false} {
		if got := c.InForce(day); got != want {
			t.Errorf("InForce(%s) = %v; want %v", day, got, want)
		}
	}
	if !c.Covers("referral", "b", []string{"identity"}) || c.Covers("referral", "b", []string{"identity", "health"}) ||
		c.Covers("statistics", "b", []string{"identity"}) || c.Covers("referral", "c", []string{"identity"}) || c.Covers("referral", "b", nil) {
		t.Error("Covers does not hold to purpose, recipient and every category")
	}
	c.Status = fristad.ConsentWithdrawn
	if c.InForce("2026-05-05") {
		t.Error("a withdrawn consent is in force")
	}
}

// TestNoteNewlines checks that a note typed in a browser, which sends its
// line breaks as CRLF, is accepted and stored with LF.
func TestNoteNewlines(t *testing.T) {
	n := &fristad.Note{Body: "Rad ett\r\nRad två\rRad tre\n", Sensitivity: fristad.SensitivityTeam}
	if err := n.Validate(); err != nil || n.Body != "Rad ett\nRad två\nRad tre" {
		t.Errorf("Validate = %v, body %q", err, n.Body)
	}
	c := &fristad.Consent{Purpose: "referral", RecipientOrganisation: "o", DataCategories: []string{"identity"}, GivenOn: "2026-05-01", Language: "ro", Note: "a\r\nb"}
	if err := c.Validate(false); err != nil || c.Note != "a\nb" {
		t.Errorf("consent Validate = %v, note %q", err, c.Note)
	}
	d := &fristad.Disclosure{RecipientOrganisation: "o", Purpose: "referral", DataCategories: []string{"identity"}, LegalBasis: fristad.BasisOther, Explanation: "a\r\nb", DisclosedOn: "2026-05-01"}
	if err := d.Validate(); err != nil || d.Explanation != "a\nb" {
		t.Errorf("disclosure Validate = %v, explanation %q", err, d.Explanation)
	}
}
