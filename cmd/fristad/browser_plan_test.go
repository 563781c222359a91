package main

import (
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// TestBrowserPlan drives a support programme from design to her printed
// plan: the coordinator designs and publishes a programme and looks at
// the registry and the budget; a case worker is told why a child cannot
// be enrolled in it, enrols an adult with her goals, plans an
// intervention, moves to the next phase, records a review, and prints
// her plan in Romanian and Arabic. Every page passes axe-core and the
// Nu HTML Checker.
func TestBrowserPlan(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()

	coord := browsertest.New(t)
	signInAs(t, coord, staff, "samordnare@demo.fristad.invalid")
	coord.ClickAndWait(`.langs button[lang="sv"]`)
	// The portal's pages as their editors see them (IN-10).
	coord.ClickAndWait(`.menu a[href="/portal-content"]`)
	coord.Check()
	if !strings.Contains(coord.Text("main"), "Utlänningslagen 5 kap. 15 §") {
		t.Errorf("the portal content page: %q", coord.Text("main"))
	}
	coord.ClickAndWait(`.menu a[href="/programmes"]`)
	coord.Check()
	if n := evalString(coord, `String(document.querySelector("main table").tBodies[0].rows.length)`); n != "2" {
		t.Errorf("%s programme versions listed; want the demo's 2", n)
	}
	// A mistake first: no English name.
	coord.SendKeys("#name_sv", "Stödprogram Testlän")
	coord.Click("#type-accommodation")
	coord.Click("#type-swedish_tuition")
	coord.Click("#funding-programme")
	coord.Click("#funding-municipality")
	evalString(coord, `(document.querySelector("#name_en").required = false, "")`)
	coord.ClickAndWait(`form[action="/programmes"] button[type=submit]`)
	coord.Check()
	if coord.Text(".error-summary") == "" || coord.Value("#name_sv") != "Stödprogram Testlän" {
		t.Error("the designer's form did not come back with the error and what was typed")
	}
	coord.SendKeys("#name_en", "Support programme Testlän")
	coord.SendKeys("#budget", "500000")
	coord.ClickAndWait(`form[action="/programmes"] button[type=submit]`)
	coord.Check()
	if !strings.Contains(coord.Location(), "/programmes/") || !strings.Contains(coord.Text("main"), "Utkast") {
		t.Fatalf("after creating the programme at %s", coord.Location())
	}
	coord.ClickAndWait(`form[action$="/publish"] button`)
	coord.Check()
	if !strings.Contains(coord.Text("main dl"), "Publicerad") {
		t.Error("the programme is not published")
	}
	coord.Navigate(staff + "/providers")
	coord.Check()
	if !strings.Contains(coord.Text("main table"), "Certifieringen gäller inte") {
		t.Error("the registry does not flag the demo's expired certification")
	}
	coord.Navigate(staff + "/budget")
	coord.Check()

	worker := browsertest.New(t)
	signInAs(t, worker, staff, "handlaggare@demo.fristad.invalid")
	worker.ClickAndWait(`.langs button[lang="sv"]`)
	// The demo child: the adult programme says why not.
	worker.Navigate(staff + "/cases")
	href := evalString(worker, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("Liten")).querySelector("a").getAttribute("href")`)
	worker.Navigate(staff + href + "/plan")
	worker.Check()
	evalString(worker, `(() => { const s = document.querySelector("#check-version"); s.value = [...s.options].find(o => o.text.includes("Testlän")).value; return "" })()`)
	worker.ClickAndWait(`form[method=get] button[type=submit]`)
	worker.Check()
	if !strings.Contains(worker.Text("main"), "ålderspresumtionen") {
		t.Errorf("the eligibility check does not explain the age presumption: %q", worker.Text("main section"))
	}

	// The demo plans: Andreea's rehabilitation renewed and reviewed;
	// the protected person's rest near its limit, with a warning.
	worker.Navigate(staff + "/cases")
	href = evalString(worker, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes("Andreea")).querySelector("a").getAttribute("href")`)
	worker.Navigate(staff + href + "/plan")
	worker.Check()
	if n := evalString(worker, `String(document.querySelectorAll("ol.events li").length)`); n != "3" {
		t.Errorf("Andreea's plan has %s phase events; want enrolment, a new phase and a renewal", n)
	}
	worker.Navigate(staff + "/cases")
	href = evalString(worker, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.querySelector("em")).querySelector("a").getAttribute("href")`)
	worker.Navigate(staff + href + "/plan")
	worker.Check()
	if !strings.Contains(worker.Text(`[role=alert]`), "når sin gräns om") {
		t.Errorf("no warning before the phase limit: %q", worker.Text("main"))
	}

	// A new adult: enrolled, with her goals in her own words.
	worker.Navigate(staff + "/cases/new")
	worker.SendKeys("#alias", "Elena")
	evalString(worker, `(document.querySelector("#age_band").value = "25-34", "")`)
	worker.ClickAndWait(`form[action="/cases"] button[type=submit]`)
	worker.ClickAndWait(`.case-nav a[href$="/plan"]`)
	worker.Check()
	evalString(worker, `(() => { const s = document.querySelector("#version_id"); s.value = [...s.options].find(o => o.text.includes("Testlän")).value; return "" })()`)
	worker.SendKeys("#goal_text_0", "Vreau să învăț suedeză și să lucrez.")
	worker.SendKeys("#goal_lang_0", "ro")
	worker.SendKeys("#contact", "Handläggare Demo, 010-000 00 00")
	worker.ClickAndWait(`form[method=post][action$="/plan"] button[type=submit]`)
	worker.Check()
	if !strings.Contains(worker.Text("main"), "Vreau să învăț suedeză") || !strings.Contains(worker.Text("main"), "Inledande vila") {
		t.Fatalf("the new plan: %q", worker.Text("main"))
	}

	// An intervention at a provider whose certification has run out is
	// flagged; then tuition, paid by the municipality.
	evalString(worker, `(document.querySelector("#type").value = "swedish_tuition", "")`)
	evalString(worker, `(document.querySelector("#funding_source").value = "municipality", "")`)
	evalString(worker, `(() => { const s = document.querySelector("#provider_id"); s.value = [...s.options].find(o => o.text.includes("Språkskolan")).value; return "" })()`)
	worker.SendKeys("#responsible", "Läraren Eva, tisdagar")
	worker.ClickAndWait(`form[action$="/plan/interventions"] button[type=submit]`)
	worker.Check()
	if !strings.Contains(worker.Text("main table"), "Svenskundervisning") {
		t.Error("the intervention is not in the plan")
	}

	// The next phase, then a review.
	worker.Click("#kind-advance")
	worker.ClickAndWait(`form[action$="/plan/phase"] button[type=submit]`)
	worker.Check()
	if !strings.Contains(worker.Text("main"), "Rehabilitering") {
		t.Error("the plan did not move to rehabilitation")
	}
	evalString(worker, `(document.querySelector("#att-0").value = "in_progress", "")`)
	worker.Click("#outcome-language_tuition")
	worker.ClickAndWait(`form[action$="/plan/reviews"] button[type=submit]`)
	worker.Check()
	if !strings.Contains(worker.Text("main"), "Läser svenska") {
		t.Error("the review's outcome is not shown")
	}

	// Her plan, printed in Romanian and in Arabic.
	plan := worker.Location()
	worker.ClickAndWait(`a[hreflang="ro"]`)
	worker.Check()
	if worker.Attr("html", "lang") != "ro" || !strings.Contains(worker.Text("main"), "Planul meu") || !strings.Contains(worker.Text("main"), "Läraren Eva") {
		t.Errorf("the Romanian plan: %q", worker.Text("main"))
	}
	worker.ClickAndWait(`nav a[hreflang="ar"]`)
	worker.Check()
	if worker.Attr("html", "dir") != "rtl" || !strings.Contains(worker.Text("main"), "خطتي") {
		t.Errorf("the Arabic plan: %q", worker.Text("main"))
	}
	if strings.Contains(worker.Text("body"), "FR-") || strings.Contains(worker.Text("main"), "Fristad") {
		t.Error("the printed plan shows the case reference or the system's name")
	}
	worker.Navigate(plan)

	// The first kept version: the plan as she was enrolled, read-only.
	worker.ClickAndWait(`a[href$="/plan/versions/1"]`)
	worker.Check()
	if main := worker.Text("main"); !strings.Contains(main, "version 1") || strings.Contains(main, "Läser svenska") {
		t.Errorf("plan version 1: %q", main)
	}
}
