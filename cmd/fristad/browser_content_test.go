package main

import (
	"strings"
	"testing"
	"time"

	"fristad/internal/i18n"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"

	"golang.org/x/text/language"
)

// TestBrowserContentEditing edits the portal as a coordinator does
// (IN-10): from the overview to a page, its English text (a mistake
// first), a preview in the portal's layout, back, and publishing; the
// portal then shows the new text. Every workspace page on the way, the
// Arabic text form and a help line's pages pass the accessibility and
// HTML checks.
func TestBrowserContentEditing(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff, portal := c.Server.StaffURL(), c.Server.PublicURL()
	en := i18n.Staff().Printer(language.English)
	b := browsertest.New(t)
	signInAs(t, b, staff, "samordnare@demo.fristad.invalid")

	b.Navigate(staff + "/portal-content")
	b.Check()
	b.ClickAndWait(`main a[href="/portal-content/pages/help"]`)
	b.Check()
	// Reviewed: the next review a year on, so that the page can be
	// published on any day this test runs.
	evalString(b, `(document.querySelector("#next_review").value = "`+time.Now().AddDate(1, 0, 0).Format(time.DateOnly)+`", "")`)
	b.ClickAndWait(`main form[action="/portal-content/pages/help"] button`)
	b.Check()
	if got := b.Text("main form .flag"); got != en.T("content.draft.flag") {
		t.Errorf("the new review date is not a draft: %q", got)
	}
	b.ClickAndWait(`main a[href="/portal-content/pages/help/en"]`)
	b.Check()
	b.Screenshot("content-text") // the form beside the Swedish text
	if got := b.Value("#title"); got != "Contact" {
		t.Fatalf("the English title in the form: %q", got)
	}
	body := b.Value("#body")
	evalString(b, `(document.querySelector("#lead").value = "Call us, day or night.", document.querySelector("#body").value += "\n\nSee [[right]].", "")`)
	b.ClickAndWait(`main form.form button[name=then]`)
	b.Check()
	if got, want := b.Text("#error-summary"), en.T("content.link.unknown", "Page", "right"); got != want {
		t.Errorf("a link to no page: the form says %q, want %q", got, want)
	}
	if got := b.Value("#lead"); got != "Call us, day or night." {
		t.Errorf("after the mistake the introduction holds %q; want what was typed", got)
	}
	evalString(b, `(document.querySelector("#body").value = document.querySelector("#body").value.replace("[[right]]", "[[rights]]"), "")`)
	b.ClickAndWait(`main form.form button[name=then]`)
	b.Check()
	if !strings.HasSuffix(b.Location(), "/portal-content/pages/help/en/preview") || b.Text("main .lead") != "Call us, day or night." {
		t.Fatalf("the preview: %s shows %q", b.Location(), b.Text("main .lead"))
	}
	if got := b.Text(".preview"); !strings.Contains(got, en.T("content.preview.note")) {
		t.Errorf("the preview does not say it is one: %q", got)
	}
	b.ClickAndWait(`.preview a`)
	if got := b.Text("main .flag"); got != en.T("content.draft.flag") {
		t.Errorf("back in the form, the text is not marked a draft: %q", got)
	}

	b.Navigate(portal + "/en/help")
	if strings.Contains(b.Text("main"), "day or night") {
		t.Error("the portal shows the draft before it is published")
	}

	b.Navigate(staff + "/portal-content")
	b.ClickAndWait(`main a[href="/portal-content/drafts/page/help/en"]`)
	b.Check()
	if got := b.Text("main table.change tbody"); !strings.Contains(got, "Call us, day or night.") || !strings.Contains(got, "You decide what you want to tell.") {
		t.Errorf("the change before publishing: %q", got)
	}
	b.Navigate(staff + "/portal-content")
	b.SendKeys("#note", "A shorter introduction")
	b.ClickAndWait(`main form[action="/portal-content/publish"] button`)
	b.Check()
	if got := b.Text("main [role=status]"); got != en.T("content.published", "Number", 1) {
		t.Errorf("after publishing: %q", got)
	}
	if got := b.Text("main table:last-of-type tbody"); !strings.Contains(got, "A shorter introduction") {
		t.Errorf("the editions list: %q", got)
	}
	b.Navigate(portal + "/en/help?after") // not the copy the browser keeps for five minutes
	if got := b.Text("main .lead"); got != "Call us, day or night." {
		t.Errorf("the portal's English help page: %q", got)
	}
	if got := b.Text("main"); !strings.Contains(got, "See Your rights.") || len(body) < 100 {
		t.Errorf("the portal's English help page lacks the new link to the rights page: %q", got)
	}

	for _, path := range []string{"/", "/portal-content/pages/help/ar", "/portal-content/contacts/women", "/portal-content/contacts/women/fa-AF", "/portal-content/pages/rights/th/preview", "/portal-content/languages/fa-AF"} {
		b.Navigate(staff + path)
		b.Check()
	}
}
