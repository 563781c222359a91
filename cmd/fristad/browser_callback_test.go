package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fristad/internal/i18n"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/text/language"
)

// TestBrowserCallback takes a call-back request (IN-08) from end to end:
// the form in every language passes the accessibility and HTML checks;
// a visitor without JavaScript finds it from the help page in Romanian,
// makes a mistake, corrects it and sends it, and no cookie is left; the
// regional coordinator of the county finds it in the workspace, opens it,
// and marks it handled, after which its number is gone.
func TestBrowserCallback(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	portal, staff := c.Server.PublicURL(), c.Server.StaffURL()
	b := browsertest.New(t)
	netlog := logNetwork(t, b)
	setScripts(b, false)

	for _, lang := range portalLanguages() {
		b.Navigate(portal + "/" + lang + "/call-back")
		checkWithoutJS(b)
		wantStatus(t, b, netlog, http.StatusOK)
		pr := i18n.Portal().Printer(mustTag(t, lang))
		if got := b.Text("h1"); got != pr.T("callback.title") {
			t.Errorf("/%s/call-back: heading %q, want %q", lang, got, pr.T("callback.title"))
		}
		if got := b.Attr("html", "lang"); got != lang {
			t.Errorf("/%s/call-back: <html lang> = %q", lang, got)
		}
	}

	// From the help page, in Romanian, without JavaScript.
	ro := i18n.Portal().Printer(mustTag(t, "ro"))
	b.Navigate(portal + "/ro/help")
	b.ClickAndWait(`main a[href="/ro/call-back"]`)
	if got := b.Text("h1"); got != ro.T("callback.title") {
		t.Fatalf("the help page's link leads to %q", got)
	}
	// A person takes a few seconds; the form refuses faster answers.
	b.Run(chromedp.Sleep(3500 * time.Millisecond))
	b.SendKeys("#phone", "070-555 12 34")
	b.SendKeys("#time_note", "după ora șapte")
	b.ClickAndWait("form.form button[type=submit]")
	checkWithoutJS(b)
	wantStatus(t, b, netlog, http.StatusUnprocessableEntity)
	if got := b.Text("#channel-error"); got != ro.T("callback.channel.required") {
		t.Errorf("the missing channel: message %q beside the field, want %q", got, ro.T("callback.channel.required"))
	}
	if got := b.Value("#phone") + "|" + b.Value("#time_note") + "|" + b.Value("#language"); got != "070-555 12 34|după ora șapte|ro" {
		t.Errorf("after the mistake the form holds %q; want what she typed and Romanian for the call", got)
	}
	b.Click("#channel-call")
	b.Click("#times-evening")
	b.Click("#interpreter")
	b.SendKeys("#region", kb.ArrowDown) // the first county: Stockholms län
	// No second wait: the corrected form keeps the token of the first.
	b.ClickAndWait("form.form button[type=submit]")
	checkWithoutJS(b)
	wantStatus(t, b, netlog, http.StatusOK)
	if got := b.Text("h1"); got != ro.T("callback.sent.title") {
		t.Fatalf("after sending: heading %q, want %q", got, ro.T("callback.sent.title"))
	}
	cookies := browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) (storage.GetCookiesResult, error) {
		return chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	})
	if len(cookies.Cookies) != 0 {
		t.Errorf("the portal left %d cookies", len(cookies.Cookies))
	}

	// The coordinator of Stockholms län takes it.
	s := browsertest.New(t)
	signInAs(t, s, staff, "samordnare@demo.fristad.invalid")
	en := i18n.Staff().Printer(language.English)
	s.Navigate(staff + "/")
	if got, want := s.Text(`main a[href="/callbacks"]`), en.Plural("home.callbacks", 2); got != want {
		t.Errorf("the start page says %q, want %q", got, want)
	}
	s.Navigate(staff + "/callbacks")
	s.Check()
	// The demo's request came first; hers is the newest, last.
	rows := func() int {
		return len(browsertest.RunValue(s, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main tbody tr")].map(r => r.id)`)))
	}
	list := s.Text("main tbody tr:last-child")
	if n := rows(); n != 2 || !strings.Contains(list, "Stockholms län") || s.Text("main tbody tr:last-child code") != "ro" || strings.Contains(s.Text("main"), "555 12 34") {
		t.Errorf("the inbox: %d rows, the last %q; want the demo's request and hers, without numbers", n, list)
	}
	s.ClickAndWait(`main tbody tr:last-child a[href^="/callbacks/"]`)
	s.Check()
	if got := s.Text("#phone"); got != "070-555 12 34" {
		t.Errorf("the opened request shows the number %q", got)
	}
	if got := s.Text("main"); !strings.Contains(got, "după ora șapte") {
		t.Errorf("the opened request lacks her words: %q", got)
	}
	// Handled without an outcome: told so beside the form.
	s.ClickAndWait("form.form button[type=submit]")
	s.Check()
	if want := en.T("callback.outcome.invalid"); s.Text("#error-summary") != want {
		t.Errorf("handling without an outcome: %q", s.Text("#error-summary"))
	}
	s.SendKeys("#outcome", kb.ArrowDown) // reached
	s.ClickAndWait("form.form button[type=submit]")
	s.Check()
	if !strings.HasSuffix(s.Location(), "/callbacks?handled=1") || s.Text("main [role=status]") == "" {
		t.Errorf("after handling: %s, %q", s.Location(), s.Text("main [role=status]"))
	}
	if n := rows(); n != 1 || s.Text("main tbody code") != "th" {
		t.Errorf("after handling the inbox has %d rows: %q; want only the demo's", n, s.Text("main tbody"))
	}
	s.Navigate(staff + "/")
	if got, want := s.Text(`main a[href="/callbacks"]`), en.Plural("home.callbacks", 1); got != want {
		t.Errorf("after handling the start page says %q, want %q", got, want)
	}
}
