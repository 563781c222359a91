package main

import (
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// TestBrowserMerge merges the demo's two records of Andreea (ID-10):
// from her case, the other record is named, the two are compared side by
// side, a merge without confirmation comes back with the choices kept,
// and the confirmed merge moves the other record's case to her. The
// pages work without JavaScript.
func TestBrowserMerge(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")
	setScripts(b, false)

	b.Navigate(staff + "/cases")
	rowOf := func(alias string) string {
		return `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("` + alias + `"))`
	}
	otherRef := evalString(b, `[...document.querySelectorAll("main tbody tr")].find(tr => /Andrea(?!e)/.test(tr.textContent)).querySelector("a").textContent.trim()`)
	href := evalString(b, rowOf("Andreea")+`.querySelector("a").getAttribute("href")`)
	if !strings.HasPrefix(otherRef, "FR-") {
		t.Fatalf("the second record's reference: %q", otherRef)
	}
	b.Navigate(staff + href)
	b.ClickAndWait(`a[href$="/merge"]`)
	checkWithoutJS(b)

	// A reference nobody has: the form comes back with it.
	b.SendKeys("#with", "FR-NOSUCH00")
	b.ClickAndWait(`form[action$="/merge"] button[type=submit]`)
	if b.Value("#with") != "FR-NOSUCH00" || b.Text(".error-summary") == "" {
		t.Errorf("an unknown record: field %q, message %q", b.Value("#with"), b.Text(".error-summary"))
	}
	checkWithoutJS(b)
	b.Navigate(staff + href + "/merge?with=" + otherRef)
	table := b.Text("main table")
	if !strings.Contains(table, "Andreea Fiktiv") || !strings.Contains(table, "Andrea") {
		t.Errorf("the comparison: %q", table)
	}
	checkWithoutJS(b)
	// Keep the other record's alias, then forget to confirm.
	b.Click("#keep-alias-from")
	b.ClickAndWait(`form[method=post][action$="/merge"] button[type=submit]`)
	if b.Text(".error-summary") == "" || evalString(b, `String(document.querySelector("#keep-alias-from").checked)`) != "true" {
		t.Errorf("an unconfirmed merge: message %q, choice kept %s", b.Text(".error-summary"), evalString(b, `String(document.querySelector("#keep-alias-from").checked)`))
	}
	checkWithoutJS(b)
	b.Click("#keep-alias-into")
	b.Click("#confirm")
	b.ClickAndWait(`form[method=post][action$="/merge"] button[type=submit]`)
	if !strings.HasSuffix(urlPath(t, b.Location()), href) {
		t.Fatalf("after the merge at %s", b.Location())
	}
	main := b.Text("main")
	if !strings.Contains(main, otherRef) || !strings.Contains(main, "MD, RO") {
		t.Errorf("the case after the merge: %q", main)
	}
	checkWithoutJS(b)

	// The other record's case now belongs to her.
	b.Navigate(staff + "/cases")
	if n := evalString(b, `String([...document.querySelectorAll("main tbody tr")].filter(tr => tr.textContent.includes("Andreea")).length)`); n != "2" {
		t.Errorf("%s cases of Andreea in the list after the merge; want 2", n)
	}
}
