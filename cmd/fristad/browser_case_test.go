package main

import (
	"strings"
	"testing"
	"time"

	"fristad/internal/auth"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// signInAs logs the browser in as a demo account with password and code.
func signInAs(t *testing.T, b *browsertest.Browser, staff, email string) {
	t.Helper()
	b.Navigate(staff + "/login")
	b.SendKeys("#email", email)
	b.SendKeys("#password", demoPassword+"\n")
	b.WaitVisible("#code")
	code, err := auth.TOTPCode(demoSecret(email), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.SendKeys("#code", code+"\n")
	b.WaitVisible(".who")
}

// TestBrowserCase carries a case from first contact to a new status in
// the browser: the list, the intake form (with a mistake first), the case
// page, a status change; and a protected identity, hidden in the list
// and shown only on request.
func TestBrowserCase(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")

	b.Navigate(staff + "/cases")
	b.Check()
	list := b.Text("main table")
	if !strings.Contains(list, "Andreea") || strings.Contains(list, "Sara Exempel") {
		t.Errorf("the case list: %q (aliases shown, protected names never)", list)
	}

	b.ClickAndWait(`a[href="/cases/new"]`)
	b.Check()
	// Neither alias nor name: the form comes back, with what was typed.
	b.SendKeys("#citizenships", "RO")
	b.Click("#ex-forced_labour")
	b.ClickAndWait(`form[action="/cases"] button[type=submit]`)
	b.Check()
	if b.Attr("#citizenships", "value") != "RO" || evalString(b, `String(document.querySelector("#ex-forced_labour").checked)`) != "true" {
		t.Error("the intake form lost what was typed")
	}
	if b.Text(".error-summary") == "" {
		t.Error("no error summary")
	}
	b.SendKeys("#alias", "Testperson")
	b.ClickAndWait(`form[action="/cases"] button[type=submit]`)
	if !strings.Contains(b.Location(), "/cases/") {
		t.Fatalf("after intake at %s", b.Location())
	}
	b.Check()
	if !strings.Contains(b.Text("main"), "Testperson") {
		t.Error("the new case does not show its alias")
	}

	b.SendKeys("#basis", "Bedömning från socialjouren.")
	evalString(b, `(document.querySelector("#status").value = "reasonable_grounds")`)
	b.ClickAndWait(`form[action$="/status"] button[type=submit]`)
	b.Check()
	if !strings.Contains(b.Text("main table"), "Bedömning från socialjouren.") {
		t.Error("the status history does not show the new step")
	}

	// Risk rises to high: protective actions are offered, and the safety
	// plan is made.
	caseURL := b.Location()
	b.ClickAndWait(`.case-nav a[href$="/assessments"]`)
	b.Check()
	b.Click("#f-location_known")
	b.Click("#f-threats_to_her")
	evalString(b, `(document.querySelector("#level").value = "high")`)
	b.SendKeys("#r-her_view", "Han vet var jag bor.")
	b.ClickAndWait(`form[action$="/assessments/risk"] button[type=submit]`)
	b.Check()
	if n := evalString(b, `String(document.querySelectorAll("[role=alert] li").length)`); n != "6" {
		t.Errorf("%s protective actions offered after a high risk; want 6", n)
	}
	if evalString(b, `String(document.querySelectorAll("svg circle").length)`) != "1" {
		t.Error("the risk chart does not show the assessment")
	}
	b.ClickAndWait(`[role=alert] a[href$="/safety"]`)
	b.Check()
	b.SendKeys("#crisis_plan", "Ring 112. Gå till jourens skyddade boende.")
	b.Click("#safe-via_shelter")
	b.Click("#unsafe-sms")
	b.Click("#co_produced")
	b.ClickAndWait(`form[action$="/safety"] button[type=submit]`)
	b.Check()
	plan := b.Text("main dl")
	if !strings.Contains(plan, "Ring 112.") || strings.Count(plan, "\n") < 6 {
		t.Errorf("the saved safety plan: %q", plan)
	}
	b.Navigate(caseURL)

	// The protected demo person: hidden, then revealed on request.
	b.Navigate(staff + "/cases")
	href := evalString(b, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.querySelector("em")).querySelector("a").getAttribute("href")`)
	b.Navigate(staff + href)
	if strings.Contains(b.Text("main"), "Sara Exempel") {
		t.Error("a protected identity shows before it is asked for")
	}
	b.Check()
	b.ClickAndWait(`form[action$="/reveal"] button`)
	if !strings.Contains(b.Text("main"), "Sara Exempel") {
		t.Errorf("the revealed identity does not show: %q", b.Text("main"))
	}
	b.Check()
}
