package main

import (
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// TestBrowserJournalAndConsent works a presumed child's journal and
// consents in the browser: a note with a mistake first, a note, a
// correction; a consent with the guardian and the child's own view, a
// disclosure resting on it, and a withdrawal, after which the consent can
// no longer be chosen. Every page passes axe-core and the HTML checker.
func TestBrowserJournalAndConsent(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")

	b.Navigate(staff + "/cases")
	href := evalString(b, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("Liten")).querySelector("a").getAttribute("href")`)
	b.Navigate(staff + href)
	b.ClickAndWait(`.case-nav a[href$="/notes"]`)
	b.Check()
	if evalString(b, `String(document.querySelector("#sensitivity-organisation").checked)`) != "true" {
		t.Error("a new note is not kept to the organisation unless chosen otherwise")
	}

	// Only spaces: the server refuses, the choice is kept.
	b.SendKeys("#body", "   ")
	b.Click("#sensitivity-team")
	b.ClickAndWait(`form[action$="/notes"] button[type=submit]`)
	b.Check()
	if b.Text(".error-summary") == "" || evalString(b, `String(document.querySelector("#sensitivity-team").checked)`) != "true" {
		t.Error("an empty note did not come back with a message and the choice kept")
	}
	b.SendKeys("#body", "Samtal med Liten och god man.\nHan sover dåligt.")
	b.ClickAndWait(`form[action$="/notes"] button[type=submit]`)
	b.Check()
	if !strings.Contains(b.Text("main article"), "Han sover dåligt.") {
		t.Errorf("the journal does not show the note: %q", b.Text("main"))
	}
	b.ClickAndWait(`main article a[href*="?correct="]`)
	b.Check()
	b.SendKeys("#body", "Rättelse: god man var inte med.")
	b.Click("#sensitivity-team")
	b.ClickAndWait(`form[action$="/notes"] button[type=submit]`)
	b.Check()
	if evalString(b, `String(document.querySelectorAll("main article a[href^='#note-']").length)`) != "1" {
		t.Error("the correction does not link to the note it corrects")
	}

	// Consent for a child: the guardian and her own view.
	b.ClickAndWait(`.case-nav a[href$="/consents"]`)
	b.Check()
	recipient := evalString(b, `[...document.querySelectorAll("#recipient_organisation_id option")].find(o => o.textContent.includes("Kvinnojouren")).value`)
	evalString(b, `(document.querySelector("#purpose").value = "support_services")`)
	evalString(b, `(document.querySelector("#recipient_organisation_id").value = "`+recipient+`")`)
	b.Click("#cat-health")
	b.Click("#cat-contact")
	b.SendKeys("#language", "bg")
	b.Click("#interpreter")
	b.SendKeys("#child_view", "Jag vill bo nära min bror.")
	b.ClickAndWait(`form[action$="/consents"] button[type=submit]`)
	b.Check()
	if b.Text(".error-summary") == "" || b.Value("#language") != "bg" || b.Value("#child_view") != "Jag vill bo nära min bror." {
		t.Error("a child's consent without the guardian did not come back with a message and what was typed")
	}
	b.Click("#guardian_consent")
	b.SendKeys("#guardian", "God man Berg")
	b.ClickAndWait(`form[action$="/consents"] button[type=submit]`)
	b.Check()
	if !strings.Contains(b.Text("#consents + table"), "Jag vill bo nära min bror.") {
		t.Errorf("the consent does not show the child's view: %q", b.Text("main"))
	}

	// A disclosure on it, then the withdrawal, then the same disclosure.
	disclose := func() {
		evalString(b, `(document.querySelector("#d-recipient_organisation_id").value = "`+recipient+`")`)
		evalString(b, `(document.querySelector("#d-purpose").value = "support_services")`)
		b.Click("#d-cat-health")
		evalString(b, `(document.querySelector("#d-legal_basis").value = "consent")`)
		evalString(b, `(document.querySelector("#d-consent_id").selectedIndex = document.querySelector("#d-consent_id").options.length - 1, "")`)
		b.ClickAndWait(`form[action$="/disclosures"] button[type=submit]`)
		b.Check()
	}
	disclose()
	if evalString(b, `String(document.querySelectorAll("#disclosures + table a[href^='#consent-']").length)`) != "1" {
		t.Errorf("the disclosure is not on the case with its consent: %q", b.Text("#disclosures + table"))
	}
	b.ClickAndWait(`form[action$="/withdraw"] button`)
	b.Check()
	if evalString(b, `String(document.querySelectorAll("form[action$='/withdraw']").length)`) != "0" {
		t.Error("the withdrawn consent can still be withdrawn")
	}
	if n := evalString(b, `String(document.querySelector("#d-consent_id").options.length)`); n != "1" {
		t.Errorf("%s choices of consent after the withdrawal; want only none", n)
	}
}
