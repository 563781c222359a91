package main

import (
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// TestBrowserTasks works tasks and deadlines in the browser: the
// deadlines page with the demo's rule tasks, a presumed child's case with
// its protection assessment due (CH-04), a task with a mistake first, then
// right, marking the protection assessment done, and the timeline that
// tells it. Every page passes axe-core and the HTML checker.
func TestBrowserTasks(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")

	b.ClickAndWait(`nav a[href="/tasks"]`)
	b.Check()
	deadlines := b.Text("main")
	if !strings.Contains(deadlines, "Protection assessment of a child") || !strings.Contains(deadlines, "New risk assessment") {
		t.Errorf("the demo's deadlines: %q", deadlines)
	}
	evalString(b, `(document.querySelector("#within").value = "7", "")`)
	b.ClickAndWait(`form.filters button[type=submit]`)
	b.Check()

	b.Navigate(staff + "/cases")
	href := evalString(b, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("Liten")).querySelector("a").getAttribute("href")`)
	b.Navigate(staff + href)
	b.ClickAndWait(`.case-nav a[href$="/tasks"]`)
	b.Check()
	if !strings.Contains(b.Text("#open-tasks + table"), "Protection assessment of a child") {
		t.Errorf("the child's case has no protection assessment due: %q", b.Text("main"))
	}

	// A title without a date: the server refuses, what was typed stays.
	b.SendKeys("#title", "Kontakta skolan om plats")
	evalString(b, `(document.querySelector("#due_on").removeAttribute("required"), "")`)
	b.Click("#for-organisation")
	b.ClickAndWait(`form[action$="/tasks"] button[type=submit]`)
	b.Check()
	if b.Text(".error-summary") == "" || b.Value("#title") != "Kontakta skolan om plats" || evalString(b, `String(document.querySelector("#for-organisation").checked)`) != "true" {
		t.Error("a task without a date did not come back with a message and what was typed")
	}
	evalString(b, `(document.querySelector("#due_on").value = "2031-08-15", "")`)
	b.ClickAndWait(`form[action$="/tasks"] button[type=submit]`)
	b.Check()
	if !strings.Contains(b.Text("#open-tasks + table"), "Kontakta skolan om plats") {
		t.Errorf("the new task is not among the open ones: %q", b.Text("main"))
	}

	b.ClickAndWait(`#open-tasks + table tr:first-child form button`)
	b.Check()
	if !strings.Contains(b.Text("#done-tasks + ul"), "Protection assessment of a child") {
		t.Errorf("the protection assessment is not done: %q", b.Text("main"))
	}

	// The timeline tells it, newest first.
	b.ClickAndWait(`.case-nav a[href$="/timeline"]`)
	b.Check()
	if first := b.Text(".timeline li:first-child"); !strings.Contains(first, "Protection assessment of a child") && !strings.Contains(first, "Kontakta skolan") {
		t.Errorf("the timeline does not begin with the latest: %q", b.Text("main"))
	}
	if !strings.Contains(b.Text(".timeline"), "case opened as") {
		t.Errorf("the timeline does not show the opening: %q", b.Text("main"))
	}
}

// TestBrowserIndicators fills in the indicator checklist of a demo case,
// with a mistake first, and sees it kept. The page passes axe-core and
// the HTML checker.
func TestBrowserIndicators(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")
	b.Navigate(staff + "/cases")
	href := evalString(b, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("Andreea")).querySelector("a").getAttribute("href")`)
	b.Navigate(staff + href)
	b.ClickAndWait(`.case-nav a[href$="/indicators"]`)
	b.Check()
	b.Click("#i-documents_withheld")
	b.Click("#c-debt_bondage")
	b.SendKeys("#account", "Hon svarade på en annons om städjobb i Sverige.")
	// A value from no list, as a tampered form would send.
	evalString(b, `(document.querySelector("#r-other").value = "pigeon", "")`)
	b.Click("#r-other")
	b.ClickAndWait(`form[action$="/indicators"] button[type=submit]`)
	b.Check()
	if b.Text(".error-summary") == "" || b.Value("#account") != "Hon svarade på en annons om städjobb i Sverige." || evalString(b, `String(document.querySelector("#i-documents_withheld").checked)`) != "true" {
		t.Error("a value from no list did not come back with a message and what was chosen")
	}
	evalString(b, `(document.querySelector("#r-other").checked = false, "")`)
	b.Click("#r-online_advertisement")
	b.ClickAndWait(`form[action$="/indicators"] button[type=submit]`)
	b.Check()
	if saved := b.Text("#records ~ article"); !strings.Contains(saved, "Debt bondage") || !strings.Contains(saved, "städjobb") {
		t.Errorf("the saved checklist: %q", b.Text("main"))
	}
}
