package main

import (
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// TestBrowserResidence works where she lives in the browser: the demo's
// shelter with its address hidden, revealed on request (the case worker
// has just confirmed a second factor by logging in), and a new residence
// recorded after a mistake that keeps what was typed (DP-05, DP-08).
// Every page passes axe-core and the HTML checker.
func TestBrowserResidence(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")

	b.Navigate(staff + "/cases")
	href := evalString(b, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("Andreea")).querySelector("a").getAttribute("href")`)
	b.Navigate(staff + href)
	b.ClickAndWait(`.case-nav a[href$="/residence"]`)
	b.Check()
	main := b.Text("main")
	if strings.Contains(main, "Påhittade vägen 7") || !strings.Contains(main, "Protected address") || !strings.Contains(main, "Exempelgatan 1") {
		t.Errorf("the residence page before a reveal: %q", main)
	}

	b.ClickAndWait(`form[action$="/reveal"] button`)
	b.Check()
	if !strings.Contains(b.Text("main table"), "Påhittade vägen 7") {
		t.Errorf("the revealed shelter address does not show: %q", b.Text("main"))
	}

	// A kind without a date: the server refuses, what was typed stays.
	evalString(b, `(document.querySelector("#kind").value = "own_home", document.querySelector("#since").removeAttribute("required"), document.querySelector("#since").value = "", "")`)
	b.SendKeys("#address", "Nya gatan 5, Demostad")
	b.ClickAndWait(`form[action$="/residence"] button[type=submit]`)
	b.Check()
	if b.Text(".error-summary") == "" || b.Value("#address") != "Nya gatan 5, Demostad" || b.Value("#kind") != "own_home" {
		t.Error("a residence without a date did not come back with a message and what was typed")
	}
	evalString(b, `(document.querySelector("#since").value = "2031-08-15", "")`)
	b.ClickAndWait(`form[action$="/residence"] button[type=submit]`)
	b.Check()
	if first := b.Text("main tbody tr:first-child"); !strings.Contains(first, "2031-08-15") || !strings.Contains(first, "Nya gatan 5") {
		t.Errorf("the new residence is not the current one: %q", first)
	}
}
