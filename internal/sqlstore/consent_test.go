package sqlstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// fieldOf returns the field an error names, or "".
func fieldOf(err error) string {
	if e, ok := errors.AsType[*fristad.Error](err); ok {
		return e.Field
	}
	return ""
}

// keyOf returns the message key an error names, or "".
func keyOf(err error) string {
	if e, ok := errors.AsType[*fristad.Error](err); ok {
		return e.Key
	}
	return ""
}

// TestConsentWithdrawal checks consent per purpose, recipient and
// category, and that a withdrawal takes effect at once: no disclosure can
// rest on the consent afterwards (MA-05).
func TestConsentWithdrawal(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		consent := &fristad.Consent{
			Purpose: "referral", RecipientOrganisation: f.orgB.ID, DataCategories: []string{"identity", "contact", "identity"},
			GivenOn: "2026-05-01", Language: "ro", Interpreter: true, Note: "CANARY-CONSENT Hon vill att jouren ringer.",
		}
		if err := db.CreateConsent(workerA, c.ID, consent); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindConsents(workerA, c.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("FindConsents = %v, %v", list, err)
		}
		got := list[0]
		if got.Status != fristad.ConsentGiven || got.Note != consent.Note || strings.Join(got.DataCategories, ",") != "contact,identity" ||
			got.RecordedBy != "worker-a" || got.RecordedByOrganisation != f.orgA.ID || !got.Interpreter || got.Language != "ro" {
			t.Errorf("the consent reads back as %+v", got)
		}

		disclose := func(categories ...string) *fristad.Disclosure {
			return &fristad.Disclosure{RecipientOrganisation: f.orgB.ID, Purpose: "referral", DataCategories: categories,
				LegalBasis: fristad.BasisConsent, ConsentID: consent.ID, DisclosedOn: "2026-05-04"}
		}
		if err := db.CreateDisclosure(workerA, c.ID, disclose("identity")); err != nil {
			t.Fatalf("a disclosure the consent covers: %v", err)
		}
		for name, d := range map[string]*fristad.Disclosure{
			"a category it does not cover": disclose("identity", "health"),
			"another recipient":            {RecipientOrganisation: f.orgA.ID, Purpose: "referral", DataCategories: []string{"identity"}, LegalBasis: fristad.BasisConsent, ConsentID: consent.ID, DisclosedOn: "2026-05-04"},
			"another purpose":              {RecipientOrganisation: f.orgB.ID, Purpose: "statistics", DataCategories: []string{"identity"}, LegalBasis: fristad.BasisConsent, ConsentID: consent.ID, DisclosedOn: "2026-05-04"},
			"before it was given":          {RecipientOrganisation: f.orgB.ID, Purpose: "referral", DataCategories: []string{"identity"}, LegalBasis: fristad.BasisConsent, ConsentID: consent.ID, DisclosedOn: "2026-04-30"},
		} {
			if err := db.CreateDisclosure(workerA, c.ID, d); fristad.ErrorCode(err) != fristad.EINVALID || fieldOf(err) != "consent_id" {
				t.Errorf("%s: CreateDisclosure = %v; want EINVALID on consent_id", name, err)
			}
		}

		// Only case workers record or withdraw; the case's readers see.
		partnerA := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if _, err := db.WithdrawConsent(partnerA, c.ID, consent.ID); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner withdrawing = %v; want EFORBIDDEN", err)
		}
		if err := db.CreateConsent(partnerA, c.ID, &fristad.Consent{Purpose: "referral", RecipientOrganisation: f.orgB.ID, DataCategories: []string{"identity"}, GivenOn: "2026-05-01", Language: "ro"}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner recording a consent = %v; want EFORBIDDEN", err)
		}
		if list, err := db.FindConsents(partnerA, c.ID); err != nil || len(list) != 1 {
			t.Errorf("a partner reading consents = %v, %v", list, err)
		}

		f.clk.Add(time.Hour)
		withdrawn, err := db.WithdrawConsent(workerA, c.ID, consent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if withdrawn.Status != fristad.ConsentWithdrawn || withdrawn.WithdrawnAt == nil || !withdrawn.WithdrawnAt.Equal(f.clk.Now()) || withdrawn.WithdrawnBy != "worker-a" {
			t.Errorf("the withdrawn consent: %+v", withdrawn)
		}
		// At once: the same disclosure that was allowed a moment ago is not.
		err = db.CreateDisclosure(workerA, c.ID, disclose("identity"))
		if fristad.ErrorCode(err) != fristad.EINVALID || fieldOf(err) != "consent_id" || keyOf(err) != "disclosure.consent.withdrawn" {
			t.Errorf("a disclosure on a withdrawn consent = %v; want EINVALID, withdrawn", err)
		}
		f.clk.Add(time.Hour)
		again, err := db.WithdrawConsent(workerA, c.ID, consent.ID)
		if err != nil || !again.WithdrawnAt.Equal(*withdrawn.WithdrawnAt) {
			t.Errorf("withdrawing again = %+v, %v; want the first withdrawal kept", again, err)
		}
		err = db.Write(t.Context(), func(tx *sqlstore.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE case_consents SET status = 'given', withdrawn_at = NULL WHERE id = $1`, consent.ID)
			return err
		})
		if err == nil {
			t.Error("a withdrawal was undone with SQL; a withdrawal is final")
		}

		// A consent of another case cannot be named here.
		other := newCase("Ana", "", "", "")
		if err := db.CreateCase(workerA, other); err != nil {
			t.Fatal(err)
		}
		foreign := &fristad.Consent{Purpose: "referral", RecipientOrganisation: f.orgB.ID, DataCategories: []string{"identity"}, GivenOn: "2026-05-01", Language: "sv"}
		if err := db.CreateConsent(workerA, other.ID, foreign); err != nil {
			t.Fatal(err)
		}
		if _, err := db.WithdrawConsent(workerA, c.ID, foreign.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("withdrawing another case's consent = %v; want ENOTFOUND", err)
		}
		if list, _ := db.FindConsents(workerA, other.ID); len(list) != 1 || list[0].Status != fristad.ConsentGiven {
			t.Errorf("the other case's consent changed: %+v", list)
		}
		d := disclose("identity")
		d.ConsentID = foreign.ID
		if err := db.CreateDisclosure(workerA, c.ID, d); fristad.ErrorCode(err) != fristad.EINVALID || keyOf(err) != "disclosure.consent.unknown" {
			t.Errorf("a disclosure on another case's consent = %v; want EINVALID, unknown", err)
		}

		// Expiry: a consent holds through its last day, then reads as expired.
		limited := &fristad.Consent{Purpose: "information_sharing", RecipientOrganisation: f.orgB.ID, DataCategories: []string{"legal"}, GivenOn: "2026-05-01", ExpiresOn: "2026-05-10", Language: "en"}
		if err := db.CreateConsent(workerA, c.ID, limited); err != nil {
			t.Fatal(err)
		}
		late := &fristad.Disclosure{RecipientOrganisation: f.orgB.ID, Purpose: "information_sharing", DataCategories: []string{"legal"}, LegalBasis: fristad.BasisConsent, ConsentID: limited.ID, DisclosedOn: "2026-05-11"}
		if err := db.CreateDisclosure(workerA, c.ID, late); fristad.ErrorCode(err) != fristad.EINVALID || keyOf(err) != "disclosure.consent.expired" {
			t.Errorf("a disclosure after the consent expired = %v; want EINVALID, expired", err)
		}
		late.DisclosedOn = "2026-05-10"
		if err := db.CreateDisclosure(workerA, c.ID, late); err != nil {
			t.Errorf("a disclosure on the consent's last day: %v", err)
		}
		f.clk.Add(30 * 24 * time.Hour)
		list, _ = db.FindConsents(workerA, c.ID)
		if len(list) != 2 || list[0].ID != limited.ID || list[0].Status != fristad.ConsentExpired || list[1].Status != fristad.ConsentWithdrawn {
			t.Errorf("after expiry the consents read %+v", list)
		}
	})
}

// TestConsentValidation checks the rules of a consent, and the child's
// consent flow: the guardian consents too and the child's own view is
// recorded (MA-05, CH-10).
func TestConsentValidation(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		adult := newCase("Maria", "", "", "")
		child := newCase("Liten", "", "", "")
		child.Person.AgeBand = "15-17"
		for _, c := range []*fristad.Case{adult, child} {
			if err := db.CreateCase(worker, c); err != nil {
				t.Fatal(err)
			}
		}
		ok := func() *fristad.Consent {
			return &fristad.Consent{Purpose: "referral", RecipientOrganisation: f.orgB.ID, DataCategories: []string{"identity"}, GivenOn: "2026-05-01", Language: "ro"}
		}
		for _, tt := range []struct {
			name  string
			child bool
			edit  func(*fristad.Consent)
			field string
		}{
			{"unknown purpose", false, func(c *fristad.Consent) { c.Purpose = "marketing" }, "purpose"},
			{"no recipient", false, func(c *fristad.Consent) { c.RecipientOrganisation = "" }, "recipient_organisation_id"},
			{"unknown recipient", false, func(c *fristad.Consent) { c.RecipientOrganisation = "NOSUCHORG" }, "recipient_organisation_id"},
			{"no categories", false, func(c *fristad.Consent) { c.DataCategories = nil }, "data_categories"},
			{"unknown category", false, func(c *fristad.Consent) { c.DataCategories = []string{"everything"} }, "data_categories"},
			{"no date", false, func(c *fristad.Consent) { c.GivenOn = "" }, "given_on"},
			{"future date", false, func(c *fristad.Consent) { c.GivenOn = time.Now().AddDate(0, 0, 3).Format(time.DateOnly) }, "given_on"},
			{"no language", false, func(c *fristad.Consent) { c.Language = "" }, "language"},
			{"bad language", false, func(c *fristad.Consent) { c.Language = "r o" }, "language"},
			{"expires before given", false, func(c *fristad.Consent) { c.ExpiresOn = "2026-04-01" }, "expires_on"},
			{"control characters", false, func(c *fristad.Consent) { c.Note = "a\x00b" }, "note"},
			{"guardian for an adult", false, func(c *fristad.Consent) { c.GuardianConsent, c.Guardian = true, "Mamma" }, "guardian"},
			{"child without the guardian", true, func(c *fristad.Consent) { c.ChildView = "Hon vill." }, "guardian_consent"},
			{"child without naming the guardian", true, func(c *fristad.Consent) { c.GuardianConsent, c.ChildView = true, "Hon vill." }, "guardian"},
			{"child without her view", true, func(c *fristad.Consent) { c.GuardianConsent, c.Guardian = true, "God man Berg" }, "child_view"},
		} {
			c := ok()
			tt.edit(c)
			caseID := adult.ID
			if tt.child {
				caseID = child.ID
			}
			if err := db.CreateConsent(worker, caseID, c); fristad.ErrorCode(err) != fristad.EINVALID || fieldOf(err) != tt.field {
				t.Errorf("%s: CreateConsent = %v (field %q); want EINVALID on %q", tt.name, err, fieldOf(err), tt.field)
			}
		}
		c := ok()
		c.GuardianConsent, c.Guardian, c.ChildView = true, "CANARY-GUARDIAN God man Berg", "CANARY-CHILD Jag vill bo med min bror."
		if err := db.CreateConsent(worker, child.ID, c); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindConsents(worker, child.ID)
		if err != nil || len(list) != 1 || list[0].ChildView != c.ChildView || list[0].Guardian != c.Guardian || !list[0].GuardianConsent {
			t.Errorf("the child's consent reads back as %+v, %v", list, err)
		}

		// Disclosures on a legal ground other than consent.
		for _, tt := range []struct {
			name  string
			d     fristad.Disclosure
			field string
		}{
			{"consent basis without a consent", fristad.Disclosure{LegalBasis: fristad.BasisConsent}, "consent_id"},
			{"a consent without consent as basis", fristad.Disclosure{LegalBasis: fristad.BasisDutyToReport, ConsentID: c.ID}, "consent_id"},
			{"other without an explanation", fristad.Disclosure{LegalBasis: fristad.BasisOther}, "explanation"},
			{"unknown basis", fristad.Disclosure{LegalBasis: "because"}, "legal_basis"},
			{"unknown recipient", fristad.Disclosure{LegalBasis: fristad.BasisDutyToReport, RecipientOrganisation: "NOSUCHORG"}, "recipient_organisation_id"},
			{"no date", fristad.Disclosure{LegalBasis: fristad.BasisDutyToReport, DisclosedOn: "igår"}, "disclosed_on"},
		} {
			d := tt.d
			if d.RecipientOrganisation == "" {
				d.RecipientOrganisation = f.orgB.ID
			}
			if d.DisclosedOn == "" {
				d.DisclosedOn = "2026-05-04"
			}
			d.Purpose, d.DataCategories = "information_sharing", []string{"case_history"}
			if err := db.CreateDisclosure(worker, child.ID, &d); fristad.ErrorCode(err) != fristad.EINVALID || fieldOf(err) != tt.field {
				t.Errorf("%s: CreateDisclosure = %v (field %q); want EINVALID on %q", tt.name, err, fieldOf(err), tt.field)
			}
		}
		report := &fristad.Disclosure{RecipientOrganisation: f.orgB.ID, Purpose: "information_sharing", DataCategories: []string{"case_history", "family"},
			LegalBasis: fristad.BasisChildProtectionReport, DisclosedOn: "2026-05-04"}
		if err := db.CreateDisclosure(worker, child.ID, report); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(time.Minute)
		other := &fristad.Disclosure{RecipientOrganisation: f.orgB.ID, Purpose: "information_sharing", DataCategories: []string{"location"},
			LegalBasis: fristad.BasisOther, Explanation: "CANARY-EXPLANATION Beslut av nämnden.", DisclosedOn: "2026-05-04"}
		if err := db.CreateDisclosure(worker, child.ID, other); err != nil {
			t.Fatal(err)
		}
		disclosures, err := db.FindDisclosures(worker, child.ID)
		if err != nil || len(disclosures) != 2 || disclosures[0].ID != other.ID || disclosures[0].Explanation != other.Explanation ||
			disclosures[1].LegalBasis != fristad.BasisChildProtectionReport || strings.Join(disclosures[1].DataCategories, ",") != "case_history,family" {
			t.Errorf("the disclosures read back as %+v, %v", disclosures, err)
		}
		if _, err := db.FindDisclosures(f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker), child.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation reading the disclosures = %v; want ENOTFOUND", err)
		}
		err = db.Write(t.Context(), func(tx *sqlstore.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE case_disclosures SET legal_basis = 'duty_to_report' WHERE id = $1`, other.ID)
			return err
		})
		if err == nil {
			t.Error("a disclosure was changed with SQL; the record never changes")
		}

		events, err := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &child.ID})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range events {
			count[e.Action+"/"+e.Result]++
		}
		for key, want := range map[string]int{"consent.create/ok": 1, "consent.list/ok": 1, "disclosure.create/ok": 2, "disclosure.list/ok": 1, "consent.read/denied": 1} {
			if count[key] != want {
				t.Errorf("%d %s events; want %d (all: %v)", count[key], key, want, count)
			}
		}
		if db.Engine() == sqlstore.SQLite {
			dump := sqlstoretest.DumpSQLite(t, db.DB)
			for _, canary := range []string{"CANARY-GUARDIAN", "CANARY-CHILD", "CANARY-EXPLANATION"} {
				if strings.Contains(dump, canary) {
					t.Errorf("%s is in the database files in clear", canary)
				}
			}
		}
	})
}

// TestConsentAccess checks that another organisation's consent routes
// answer exactly as for a case that does not exist.
func TestConsentAccess(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		consent := &fristad.Consent{Purpose: "referral", RecipientOrganisation: f.orgB.ID, DataCategories: []string{"identity"}, GivenOn: "2026-05-01", Language: "ro", Note: "CANARY-NOTE"}
		if err := db.CreateConsent(workerA, c.ID, consent); err != nil {
			t.Fatal(err)
		}
		workerB := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		_, missing := db.FindConsents(workerA, "NO-SUCH-CASE")
		for name, call := range map[string]func() error{
			"read":     func() error { _, err := db.FindConsents(workerB, c.ID); return err },
			"record":   func() error { return db.CreateConsent(workerB, c.ID, &fristad.Consent{}) },
			"withdraw": func() error { _, err := db.WithdrawConsent(workerB, c.ID, consent.ID); return err },
			"disclose": func() error {
				return db.CreateDisclosure(workerB, c.ID, &fristad.Disclosure{RecipientOrganisation: f.orgB.ID, Purpose: "referral", DataCategories: []string{"identity"}, LegalBasis: fristad.BasisNecessaryDisclosure, DisclosedOn: "2026-05-04"})
			},
		} {
			if err := call(); fristad.ErrorCode(err) != fristad.ENOTFOUND || !sqlstoretest.SameRefusal(err, missing) {
				t.Errorf("another organisation's %s = %v; want exactly %v", name, err, missing)
			}
		}
		if list, _ := db.FindConsents(workerA, c.ID); len(list) != 1 || list[0].Status != fristad.ConsentGiven {
			t.Errorf("the consent changed: %+v", list)
		}
	})
}

// TestTeamByConsent checks SR-24 and SR-25 end to end: an organisation
// joins the case team through a disclosure on a consent, by the lead and
// after a fresh second factor; its staff then see the case; when the
// consent is withdrawn they no longer do, on the very next request.
func TestTeamByConsent(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		lead := f.actor(t, f.orgA, "worker-a", true, fristad.RoleCaseWorker)
		stale := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		other := f.actor(t, f.orgB, "worker-b", true, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(lead, c); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCaseByID(other, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Fatalf("before: %v", err)
		}
		consent := &fristad.Consent{Purpose: fristad.ConsentPurposes[0], RecipientOrganisation: f.orgB.ID,
			DataCategories: []string{fristad.DataCategories[0]}, GivenOn: "2026-05-04", Language: "ro", Interpreter: true}
		if err := db.CreateConsent(lead, c.ID, consent); err != nil {
			t.Fatal(err)
		}
		share := func() *fristad.Disclosure {
			return &fristad.Disclosure{RecipientOrganisation: f.orgB.ID, Purpose: consent.Purpose, DataCategories: consent.DataCategories,
				LegalBasis: fristad.BasisConsent, ConsentID: consent.ID, DisclosedOn: "2026-05-04", JoinTeam: true}
		}
		if err := db.CreateDisclosure(stale, c.ID, share()); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Errorf("adding to the team without a fresh second factor = %v; want ESTEPUP", err)
		}
		if err := db.CreateDisclosure(lead, c.ID, share()); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByID(other, c.ID)
		if err != nil || got.Access != "member" {
			t.Fatalf("the new member reading the case: %+v, %v", got, err)
		}
		if err := db.CreateDisclosure(other, c.ID, share()); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a member adding to the team = %v; want EFORBIDDEN", err)
		}
		if _, err := db.WithdrawConsent(lead, c.ID, consent.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCaseByID(other, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("after the withdrawal the member still reads the case: %v", err)
		}
	})
}
