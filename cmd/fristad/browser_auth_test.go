package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
	"fristad/internal/testing/testclock"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// These tests log in to the staff workspace in headless Chromium the way a
// staff member does: typing into the forms and pressing Enter, with the
// TOTP code an authenticator app would show. Every page they reach goes
// through staffTab.check (axe-core, the Nu HTML Checker, the page's CSP,
// nothing marked hidden shown). The workspace speaks Swedish to them, so
// the texts they look for are those of internal/i18n/messages/staff/sv.json.
// The database clock is a testclock.Clock that only the test moves: TOTP
// codes are computed from it, and it steps sessions and the throttle's
// window to their limits without waiting.

// authDemo configures runAuthDemo.
type authDemo struct {
	engine      string           // "" is SQLite
	now         func() time.Time // the database clock; nil is the real one
	idle        time.Duration    // the session idle timeout; 0 is the default
	maxAge      time.Duration    // the absolute session timeout; 0 is the default
	cheapHashes bool             // hash the demo passwords with a cheap Argon2id
}

// runAuthDemo is MustRunDemo with the database clock, session timeouts
// and engine of o.
func runAuthDemo(tb testing.TB, o authDemo) *ServeCommand {
	tb.Helper()
	if o.engine == "" {
		o.engine = sqlstore.SQLite
	}
	return MustRunDemo(tb, o.engine, func(c *ServeCommand) {
		if o.idle != 0 {
			c.Config.IdleTimeout = o.idle
		}
		if o.maxAge != 0 {
			c.Config.SessionMaxAge = o.maxAge
		}
		// Before the sites start, so their requests see these without a race.
		if o.now != nil {
			c.DB.Now = o.now
		}
		if o.cheapHashes {
			c.DB.Auth.Argon2 = auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}
		}
	})
}

// demoAccountWith returns the demo account that holds role, with its key.
func demoAccountWith(t *testing.T, role fristad.Role) demoAccount {
	t.Helper()
	for _, a := range demoAccounts {
		if a.role == role {
			a.secret = demoSecret(a.email)
			return a
		}
	}
	t.Fatalf("no demo account with the role %s", role)
	return demoAccount{}
}

// staffTab is a Swedish staff member's browser on the workspace of a
// demo: it records the status of each page, and its check covers the
// page's CSP as well. With JavaScript off (noJS) the page's scripts do
// not run; the checks still do.
type staffTab struct {
	*browsertest.Browser
	t      *testing.T
	netlog *networkLog
	clk    *testclock.Clock
	staff  string
	noJS   bool
}

func newStaffTab(t *testing.T, c *ServeCommand, clk *testclock.Clock, noJS bool) *staffTab {
	t.Helper()
	b := browsertest.New(t)
	s := &staffTab{Browser: b, t: t, netlog: logNetwork(t, b), clk: clk, staff: c.Server.StaffURL(), noJS: noJS}
	if noJS {
		setScripts(b, false)
	} else {
		watchCSP(b)
	}
	setAcceptLanguage(b, "sv-SE,sv;q=0.9,en;q=0.5")
	return s
}

// visit loads the page at path on the workspace and checks it.
func (s *staffTab) visit(path string) {
	s.t.Helper()
	s.Navigate(s.staff + path)
	s.check()
}

// check checks the page now shown: accessibility and valid HTML (Check),
// no CSP violation, and nothing shown that the page marks hidden.
func (s *staffTab) check() {
	s.t.Helper()
	if s.noJS {
		checkWithoutJS(s.Browser)
	} else {
		s.Check()
		wantNoCSPViolations(s.t, s.Browser)
	}
	shown := browsertest.RunValue(s.Browser, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[hidden]")].filter(e => getComputedStyle(e).display !== "none").map(e => e.outerHTML.slice(0, 200))`))
	for _, e := range shown {
		s.t.Errorf("%s: an element marked hidden is shown: %s", s.Location(), e)
	}
}

// wantStatus checks the HTTP status of the page shown.
func (s *staffTab) wantStatus(code int64) {
	s.t.Helper()
	wantStatus(s.t, s.Browser, s.netlog, code)
}

// wantPath checks the path (and query, if want has one) of the page shown.
func (s *staffTab) wantPath(want, how string) {
	s.t.Helper()
	u, err := url.Parse(s.Location())
	if err != nil {
		s.t.Fatal(err)
	}
	got := u.Path
	if strings.Contains(want, "?") {
		got = u.RequestURI()
	}
	if got != want {
		s.t.Fatalf("%s: the browser is at %s (heading %q%s), want %s", how, u, s.Text("h1"), s.errorSummarySuffix(), want)
	}
}

// errorSummary returns the text of the page's error summary, or "".
func (s *staffTab) errorSummary() string {
	return evalString(s.Browser, `document.querySelector("#error-summary")?.innerText.trim() ?? ""`)
}

func (s *staffTab) errorSummarySuffix() string {
	if e := s.errorSummary(); e != "" {
		return fmt.Sprintf(", error summary %q", e)
	}
	return ""
}

// signedInAs returns the header's "Inloggad som …", or "" when the page
// shows no one signed in.
func (s *staffTab) signedInAs() string {
	return evalString(s.Browser, `document.querySelector("header .who")?.innerText.trim() ?? ""`)
}

// wantFormError checks the page's error summary: announced (role=alert),
// saying want, and linking to the field with the id field, which the link
// moves the focus to.
func (s *staffTab) wantFormError(want, field string) {
	s.t.Helper()
	loc := s.Location()
	if got := s.errorSummary(); got != want {
		s.t.Errorf("%s: error summary %q, want %q", loc, got, want)
	}
	if role := evalString(s.Browser, `document.querySelector("#error-summary")?.getAttribute("role") ?? ""`); role != "alert" {
		s.t.Errorf("%s: the error summary has role %q, want alert", loc, role)
	}
	href := evalString(s.Browser, `document.querySelector("#error-summary a")?.getAttribute("href") ?? ""`)
	if href != "#"+field {
		s.t.Errorf("%s: the error summary links to %q, want #%s (the field it concerns)", loc, href, field)
		return
	}
	s.Click("#error-summary a")
	if e := s.FocusedElement(); e.ID != field {
		s.t.Errorf("%s: the error summary's link moved the focus to %s, want #%s", loc, e, field)
	}
}

// enterCode types the TOTP code for secret at the database clock's time
// into the code field, and sends it with Enter.
func (s *staffTab) enterCode(secret string) {
	s.t.Helper()
	code, err := auth.TOTPCode(secret, s.clk.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	s.SendKeys("#code", code)
	s.PressAndWait("Enter")
	s.check()
}

// logIn logs in from the login page shown, typing the e-mail address and
// the password and then the code, each form sent with Enter. It moves the
// clock to the next TOTP step first, as a code is accepted only once. It
// returns on the page that the login leads to.
func (s *staffTab) logIn(email, password, secret string) {
	s.t.Helper()
	s.wantPath("/login", "before logging in as "+email)
	s.clk.Advance(auth.TOTPStep)
	s.SendKeys("#email", email)
	s.SendKeys("#password", password)
	s.PressAndWait("Enter")
	s.check()
	s.wantPath("/login/code", "after the password of "+email)
	s.wantStatus(http.StatusOK)
	if got := s.Text("h1"); got != "Ange kod" {
		s.t.Errorf("the code page's heading is %q, want %q", got, "Ange kod")
	}
	s.enterCode(secret)
	s.wantStatus(http.StatusOK)
	if got, want := s.signedInAs(), "Inloggad som "+email; got != want {
		s.t.Fatalf("after the code of %s the page %s says %q in the header, want %q%s", email, s.Location(), got, want, s.errorSummarySuffix())
	}
}

// logOut signs out with the header's button.
func (s *staffTab) logOut() {
	s.t.Helper()
	s.ClickAndWait(`header form[action="/logout"] button[type=submit]`)
	s.check()
	s.wantPath("/login", "after signing out")
	s.wantStatus(http.StatusOK)
	if who := s.signedInAs(); who != "" {
		s.t.Errorf("after signing out the header still says %q", who)
	}
}

// cookies returns the browser's cookies by name.
func (s *staffTab) cookies() map[string]*network.Cookie {
	res := browsertest.RunValue(s.Browser, func(ctx context.Context, _ *chromedp.Target) (storage.GetCookiesResult, error) {
		return chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	})
	m := map[string]*network.Cookie{}
	for _, c := range res.Cookies {
		m[c.Name] = c
	}
	return m
}

// sessionsRows returns the rows of the sessions table, as text.
func (s *staffTab) sessionsRows() []string {
	return browsertest.RunValue(s.Browser, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main tbody tr")].map(tr => tr.innerText.trim())`))
}

// demoAuditorContext returns a context with the demo auditor as its actor.
func demoAuditorContext(t *testing.T, c *ServeCommand) context.Context {
	t.Helper()
	ctx := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	email := demoAccountWith(t, fristad.RoleAuditor).email
	users, err := sqlstore.NewUserService(c.DB).FindUsers(ctx, fristad.UserFilter{Email: &email})
	if err != nil || len(users) != 1 {
		t.Fatalf("find the demo auditor: %v (%d users)", err, len(users))
	}
	u := users[0]
	return fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: u.ID, OrganisationID: u.OrganisationID, Email: u.Email, Name: u.Name, Roles: u.Roles})
}

// auditCounts counts the audit trail's events by "action result".
func auditCounts(t *testing.T, c *ServeCommand) map[string]int {
	t.Helper()
	events, err := sqlstore.NewAuditService(c.DB).FindAuditEvents(demoAuditorContext(t, c), fristad.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, e := range events {
		m[e.Action+" "+e.Result]++
	}
	return m
}

func TestBrowserLoginSessionsLogout(t *testing.T) {
	browsertest.Require(t)
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now})
	b := newStaffTab(t, c, clk, false)
	me := demoAccountWith(t, fristad.RoleCaseWorker)

	// The start page, anonymous, offers the login.
	b.visit("/")
	if who := b.signedInAs(); who != "" {
		t.Errorf("an anonymous visitor's header says %q", who)
	}
	b.ClickAndWait(`main a[href="/login"]`)
	b.check()
	b.wantStatus(http.StatusOK)
	if got := b.Text("h1"); got != "Logga in" {
		t.Errorf("login page heading %q, want %q", got, "Logga in")
	}

	b.logIn(me.email, demoPassword, me.secret)
	b.wantPath("/", "after logging in from the start page")
	if got := b.Text("main .note"); !strings.HasPrefix(got, "Du är inloggad.") {
		t.Errorf("the start page of a signed-in user says %q", got)
	}

	// The session cookie is out of the page's reach, and the checked
	// password's cookie is gone.
	cookies := b.cookies()
	session := cookies["__Host-fristad-session"]
	if session == nil || !session.HTTPOnly || !session.Secure || session.SameSite != network.CookieSameSiteStrict || session.Path != "/" {
		t.Fatalf("session cookie %+v: want one that is HttpOnly, Secure, SameSite=Strict, Path=/", session)
	}
	if p := cookies["__Host-fristad-pending"]; p != nil {
		t.Errorf("the pending-login cookie outlived the login: %+v", p)
	}
	if got := evalString(b.Browser, `document.cookie`); got != "" {
		t.Errorf("the page can read cookies: %q", got)
	}

	// A case worker's menu has no administration, and its pages do not
	// exist for them.
	menu := browsertest.RunValue(b.Browser, chromedp.Evaluate[[]string](`[...document.querySelectorAll("header .menu a")].map(a => a.getAttribute("href"))`))
	if !slices.Contains(menu, "/account/sessions") {
		t.Errorf("a signed-in user's menu does not link to /account/sessions: %v", menu)
	}
	for _, href := range menu {
		if strings.HasPrefix(href, "/admin/") || strings.HasPrefix(href, "/audit") {
			t.Errorf("a case worker's menu links to %s; all: %v", href, menu)
		}
	}
	b.visit("/admin/users")
	b.wantStatus(http.StatusNotFound)

	// The sessions page, from the menu, lists this session as the current one.
	b.visit("/")
	b.ClickAndWait(`header .menu a[href="/account/sessions"]`)
	b.check()
	b.wantPath("/account/sessions", "the menu's sessions link")
	b.wantStatus(http.StatusOK)
	if got := b.Text("h1"); got != "Inloggningar" {
		t.Errorf("sessions page heading %q, want %q", got, "Inloggningar")
	}
	if cur := b.Attr(`header .menu a[href="/account/sessions"]`, "aria-current"); cur != "page" {
		t.Errorf("on the sessions page its menu link has aria-current=%q, want page", cur)
	}
	rows := b.sessionsRows()
	if len(rows) != 1 || !strings.Contains(rows[0], "HeadlessChrome") || !strings.Contains(rows[0], "(den här)") {
		t.Errorf("sessions table rows %q: want one, this browser's, marked (den här)", rows)
	}

	// Signing out ends the session on the server, not only in the browser.
	b.logOut()
	if s := b.cookies()["__Host-fristad-session"]; s != nil {
		t.Errorf("after signing out the browser still holds the session cookie: %+v", s)
	}
	b.visit("/account/sessions")
	b.wantPath("/login?next=/account/sessions", "the sessions page after signing out")
	b.wantStatus(http.StatusOK)

	req, err := http.NewRequest(http.MethodGet, b.staff+"/account/sessions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("the session token of before signing out still opens /account/sessions: %d, Location %q", resp.StatusCode, loc)
	}

	audit := auditCounts(t, c)
	for _, e := range []string{"authn.password ok", "authn.login ok", "session.logout ok"} {
		if audit[e] != 1 {
			t.Errorf("the audit trail holds %d %q events, want 1; all: %v", audit[e], e, audit)
		}
	}
}

func TestBrowserLoginReturnsToPage(t *testing.T) {
	browsertest.Require(t)
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now})
	b := newStaffTab(t, c, clk, false)
	me := demoAccountWith(t, fristad.RoleCoordinator)

	// A page that needs a login sends the visitor to log in…
	b.visit("/account/sessions")
	b.wantPath("/login?next=/account/sessions", "an anonymous visit to /account/sessions")
	b.wantStatus(http.StatusOK)
	if got := b.Attr(`form[action="/login"] input[name=next]`, "value"); got != "/account/sessions" {
		t.Errorf("the login form returns to %q, want /account/sessions", got)
	}

	// …and back to it afterwards, through the code page.
	b.logIn(me.email, demoPassword, me.secret)
	b.wantPath("/account/sessions", "after logging in from /account/sessions")
	if got := b.Text("h1"); got != "Inloggningar" {
		t.Errorf("after the login the page's heading is %q, want %q", got, "Inloggningar")
	}
	if rows := b.sessionsRows(); len(rows) != 1 {
		t.Errorf("sessions table rows %q, want one", rows)
	}

	// Only to a page on this site.
	b.logOut()
	b.visit("/login?next=//elsewhere.invalid/phish")
	b.logIn(me.email, demoPassword, me.secret)
	b.wantPath("/", "after logging in from /login?next=//elsewhere.invalid/phish")
}

func TestBrowserLoginWrongPasswordThrottled(t *testing.T) {
	browsertest.Require(t)
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now})
	b := newStaffTab(t, c, clk, false)
	me := demoAccountWith(t, fristad.RolePoliceLiaison)
	const (
		failed    = "E-postadressen, lösenordet eller koden stämmer inte."
		throttled = "För många misslyckade försök. Vänta 15 minuter och försök igen."
	)

	b.visit("/login")
	b.SendKeys("#email", me.email)
	for i := 1; i <= 10; i++ {
		b.SendKeys("#password", "fel-lösenord-"+strings.Repeat("x", i))
		b.PressAndWait("Enter")
		b.check()
		b.wantPath("/login", "a wrong password")
		b.wantStatus(http.StatusUnauthorized)
		if got := b.Value("#email"); got != me.email {
			t.Fatalf("after wrong password %d the e-mail field holds %q, want %q kept", i, got, me.email)
		}
		if got := b.Value("#password"); got != "" {
			t.Errorf("after wrong password %d the password field holds %q, want it empty", i, got)
		}
		if got := b.errorSummary(); got != failed {
			t.Fatalf("after wrong password %d the error summary says %q, want %q", i, got, failed)
		}
		if i == 1 {
			b.wantFormError(failed, "email")
			if got := b.Attr("#email", "aria-invalid"); got != "true" {
				t.Errorf("after a wrong password the e-mail field has aria-invalid=%q, want true", got)
			}
		}
	}

	// The 11th attempt is refused, right password or not.
	b.SendKeys("#password", demoPassword)
	b.PressAndWait("Enter")
	b.check()
	b.wantPath("/login", "the right password after 10 wrong ones")
	b.wantStatus(http.StatusTooManyRequests)
	if got := b.errorSummary(); got != throttled {
		t.Errorf("the 11th attempt's error summary says %q, want %q", got, throttled)
	}
	if got := b.Value("#email"); got != me.email {
		t.Errorf("after the refusal the e-mail field holds %q, want %q kept", got, me.email)
	}
	if p := b.cookies()["__Host-fristad-pending"]; p != nil {
		t.Errorf("a refused login left a pending-login cookie: %+v", p)
	}

	// The throttle is per account: another one logs in from the same
	// browser and address.
	other := demoAccountWith(t, fristad.RolePartner)
	b.visit("/login")
	b.logIn(other.email, demoPassword, other.secret)
	b.logOut()

	// After the 15 minutes the account may log in again.
	clk.Advance(15*time.Minute + time.Second)
	b.logIn(me.email, demoPassword, me.secret)

	audit := auditCounts(t, c)
	if n := audit["authn.password failed"]; n != 10 {
		t.Errorf("the audit trail holds %d failed password checks, want 10; all: %v", n, audit)
	}
	if n := audit["authn.throttled denied"]; n != 1 {
		t.Errorf("the audit trail holds %d refused attempts, want 1; all: %v", n, audit)
	}
}

func TestBrowserLoginIdleTimeout(t *testing.T) {
	browsertest.Require(t)
	const idle, maxAge = 10 * time.Minute, 30 * time.Minute
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now, idle: idle, maxAge: maxAge})
	b := newStaffTab(t, c, clk, false)
	me := demoAccountWith(t, fristad.RoleCoordinator)

	// sessionsAfter waits d on the database clock, loads the sessions
	// page, and reports whether it showed (true) or asked for a login.
	sessionsAfter := func(d time.Duration) bool {
		t.Helper()
		clk.Advance(d)
		b.visit("/account/sessions")
		b.wantStatus(http.StatusOK)
		switch p := urlPath(t, b.Location()); p {
		case "/account/sessions":
			if who := b.signedInAs(); who != "Inloggad som "+me.email {
				t.Errorf("the sessions page's header says %q", who)
			}
			return true
		case "/login":
			b.wantPath("/login?next=/account/sessions", "the sessions page after the session ended")
			if who := b.signedInAs(); who != "" {
				t.Errorf("the login page's header says %q", who)
			}
			return false
		default:
			t.Fatalf("/account/sessions led to %s", p)
			return false
		}
	}

	b.visit("/login")
	b.logIn(me.email, demoPassword, me.secret)

	// Each request keeps the session alive for the idle timeout more:
	// together these pauses are longer than the timeout.
	for i := range 2 {
		if !sessionsAfter(idle - time.Second) {
			t.Fatalf("after %d pause(s) of %v, shorter than the idle timeout, the session has ended", i+1, idle-time.Second)
		}
	}
	// A longer pause ends it.
	if sessionsAfter(idle + time.Second) {
		t.Fatalf("after %v without a request the session still works; the idle timeout is %v", idle+time.Second, idle)
	}
	if s := b.cookies()["__Host-fristad-session"]; s != nil {
		t.Errorf("the ended session's cookie is still in the browser: %+v", s)
	}
	b.visit("/")
	if who := b.signedInAs(); who != "" {
		t.Errorf("after the idle timeout the start page's header says %q", who)
	}

	// However active, a session ends at its absolute timeout.
	b.visit("/login")
	b.logIn(me.email, demoPassword, me.secret)
	var alive time.Duration
	for alive+idle-time.Second < maxAge {
		alive += idle - time.Second
		if !sessionsAfter(idle - time.Second) {
			t.Fatalf("a session in use ended %v after the login, before its absolute timeout of %v", alive, maxAge)
		}
	}
	if sessionsAfter(idle - time.Second) {
		t.Errorf("a session in use still works %v after the login, past its absolute timeout of %v", alive+idle-time.Second, maxAge)
	}

	if n := auditCounts(t, c)["session.expired ok"]; n != 2 {
		t.Errorf("the audit trail holds %d session.expired events, want 2", n)
	}
}

func TestBrowserLoginActivation(t *testing.T) {
	browsertest.Require(t)
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now})
	b := newStaffTab(t, c, clk, false)

	// An administrator created the account; the link is all the new
	// user gets.
	sys := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	orgs, err := sqlstore.NewOrganisationService(c.DB).FindOrganisations(sys, fristad.OrganisationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var orgID string
	for _, o := range orgs {
		if o.Name == "Kvinnojouren Fiktiva" {
			orgID = o.ID
		}
	}
	const email = "ny.medarbetare@demo.fristad.invalid"
	act, err := sqlstore.NewUserService(c.DB).CreateUser(sys, &fristad.User{OrganisationID: orgID, Email: email, Name: "Ny Medarbetare", Roles: []fristad.Role{fristad.RolePartner}})
	if err != nil {
		t.Fatal(err)
	}
	link := "/activate?token=" + url.QueryEscape(act.Token)

	b.visit(link)
	b.wantStatus(http.StatusOK)
	if got := b.Text("h1"); got != "Aktivera ditt konto" {
		t.Errorf("activation page heading %q", got)
	}
	if got := b.Text("main > p"); !strings.Contains(got, email) {
		t.Errorf("the activation page does not name the account: %q", got)
	}

	// A weak password is refused with the reason, and the page goes on.
	const weak, strong = "lösenord12345", "Blåbärssylt på torsdagar 1987"
	b.SendKeys("#password", weak)
	b.SendKeys("#password2", weak)
	b.PressAndWait("Enter")
	b.check()
	b.wantPath("/activate", "a weak password")
	b.wantStatus(http.StatusBadRequest)
	b.wantFormError("Lösenordet är för lätt att gissa. Välj en längre fras som inte bygger på ditt namn, din e-post eller din organisation.", "password")
	if got := b.Attr(`form[action="/activate"] input[name=token]`, "value"); got != act.Token {
		t.Errorf("after the weak password the form carries the token %q, want the link's", got)
	}
	if got := b.Text("main > p"); !strings.Contains(got, email) {
		t.Errorf("after the weak password the page no longer names the account: %q", got)
	}

	b.SendKeys("#password", strong)
	b.SendKeys("#password2", strong)
	b.PressAndWait("Enter")
	b.check()
	b.wantStatus(http.StatusOK)
	if got := b.Text("h1"); got != "Koppla autentiseringsapp" {
		t.Fatalf("after a strong password the page's heading is %q%s, want the TOTP enrolment", got, b.errorSummarySuffix())
	}

	// The key, as a person reads it off the page into an app.
	shown := b.Text("#secret")
	secret := strings.ReplaceAll(shown, " ", "")
	if len(secret) < 16 || shown == secret {
		t.Fatalf("the page shows the key %q; want it in groups of four", shown)
	}
	// The link for a phone's authenticator app.
	href := evalString(b.Browser, `document.querySelector("#secret").parentElement.querySelector("a")?.getAttribute("href") ?? ""`)
	if uri, err := url.Parse(href); err != nil || uri.Scheme != "otpauth" || uri.Query().Get("secret") != secret {
		t.Errorf("the authenticator app link goes to %q, want an otpauth: URI with the key shown, %s", href, secret)
	}

	// A wrong code is refused and the same key shown again.
	var valid []string
	for _, d := range []time.Duration{-auth.TOTPStep, 0, auth.TOTPStep} {
		code, err := auth.TOTPCode(secret, clk.Now().Add(d))
		if err != nil {
			t.Fatal(err)
		}
		valid = append(valid, code)
	}
	wrong := "000000"
	for slices.Contains(valid, wrong) {
		wrong = strings.Repeat(string(wrong[0]+1), 6)
	}
	b.SendKeys("#code", wrong)
	b.PressAndWait("Enter")
	b.check()
	b.wantStatus(http.StatusBadRequest)
	b.wantFormError("Koden stämmer inte. Kontrollera att telefonens klocka går rätt och försök med nästa kod.", "code")
	if got := b.Text("#secret"); got != shown {
		t.Errorf("after a wrong code the page shows the key %q, want the same %q", got, shown)
	}

	b.enterCode(secret)
	b.wantPath("/login?activated=1", "the right code")
	b.wantStatus(http.StatusOK)

	// The new account logs in with what it chose.
	b.logIn(email, strong, secret)
	b.wantPath("/", "the new account's first login")
	b.logOut()

	// The link worked once.
	b.visit(link)
	b.wantStatus(http.StatusNotFound)
	if got := b.Text("main > p"); !strings.HasPrefix(got, "Aktiveringslänken gäller inte längre") {
		t.Errorf("a used activation link shows %q", got)
	}
}

func TestBrowserLoginAdministrator(t *testing.T) {
	browsertest.Require(t)
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now})
	b := newStaffTab(t, c, clk, false)
	admin := demoAccountWith(t, fristad.RoleAdministrator)

	b.visit("/login")
	b.logIn(admin.email, demoPassword, admin.secret)

	// A new organisation, from the menu.
	const orgName = "Stödcentrum Exempelstad"
	b.ClickAndWait(`header .menu a[href="/admin/organisations"]`)
	b.check()
	b.wantStatus(http.StatusOK)
	if got := b.Text("h1"); got != "Organisationer" {
		t.Errorf("organisations page heading %q", got)
	}
	fillOrganisation := func() {
		t.Helper()
		b.SendKeys("#name", orgName)
		b.SendKeys("#type", "Ideell") // type-ahead, as on a keyboard
		if got := b.Value("#type"); got != "ngo" {
			t.Fatalf("typing Ideell into the type list chose %q, want ngo", got)
		}
		b.SendKeys("#region", "Demolän")
		if got := b.Value("#country"); got != "SE" {
			t.Errorf("the country field starts as %q, want SE", got)
		}
		b.PressAndWait("Enter") // in the region field
		b.check()
	}
	fillOrganisation()
	b.wantPath("/admin/organisations", "creating an organisation")
	b.wantStatus(http.StatusOK)
	if got := b.Text(`main .note[role=status]`); got != "Organisationen är skapad." {
		t.Errorf("after creating an organisation the page says %q", got)
	}
	if got := b.Text("main table"); !strings.Contains(got, orgName) {
		t.Errorf("the new organisation is not in the list:\n%s", got)
	}

	// The same name again is refused, and what was typed kept.
	fillOrganisation()
	b.wantStatus(http.StatusConflict)
	b.wantFormError("Det finns redan en organisation med det namnet.", "name")
	if got := b.Value("#name") + "|" + b.Value("#type") + "|" + b.Value("#region"); got != orgName+"|ngo|Demolän" {
		t.Errorf("after the refusal the form holds %q, want what was typed", got)
	}

	// A user in it.
	const email = "ny.kurator@demo.fristad.invalid"
	b.ClickAndWait(`header .menu a[href="/admin/users"]`)
	b.check()
	b.wantStatus(http.StatusOK)
	b.SendKeys("#email", email)
	b.SendKeys("#name", "Ny Kurator")
	b.SendKeys("#org", "Stödcentrum")
	if got := b.Value("#org"); got == "" {
		t.Fatalf("typing Stödcentrum into the organisation list chose nothing")
	}
	b.Click("#role-case_worker")
	if !browsertest.RunValue(b.Browser, chromedp.Evaluate[bool](`document.querySelector("#role-case_worker").checked`)) {
		t.Fatalf("the case worker role is not checked")
	}
	b.Click("#name")
	b.PressAndWait("Enter")
	b.check()
	b.wantPath("/admin/users", "creating a user")
	b.wantStatus(http.StatusCreated)
	notice := b.Text(`main .note[role=status]`)
	link := b.Text(`main .note[role=status] code`)
	if !strings.Contains(notice, email) || !strings.HasPrefix(link, b.staff+"/activate?token=") {
		t.Fatalf("after creating a user the notice says %q with the link %q, want the address and a link to %s/activate", notice, link, b.staff)
	}
	row := evalString(b.Browser, `[...document.querySelectorAll("main tbody tr")].find(tr => tr.innerText.includes(`+"`"+email+"`"+`))?.innerText ?? ""`)
	if !strings.Contains(row, orgName) || !strings.Contains(row, "Handläggare") || !strings.Contains(row, "Ej aktiverad") {
		t.Errorf("the new user's row says %q, want the organisation, the role and that it is not activated", row)
	}

	// The link is shown once: not on the next visit.
	token := strings.TrimPrefix(link, b.staff+"/activate?token=")
	pageHolds := func() bool {
		return strings.Contains(evalString(b.Browser, `document.documentElement.outerHTML`), token)
	}
	if !pageHolds() {
		t.Fatalf("cannot find the token %q in the page that shows it", token)
	}
	b.visit("/admin/users")
	if pageHolds() {
		t.Errorf("the users page shows the activation link again")
	}

	// It leads to the new account's activation.
	b.logOut()
	b.Navigate(link)
	b.check()
	b.wantStatus(http.StatusOK)
	if got := b.Text("main > p"); !strings.Contains(got, email) {
		t.Errorf("the activation link opens a page that says %q, want one for %s", got, email)
	}
}

func TestBrowserLoginWithoutJavaScript(t *testing.T) {
	browsertest.Require(t)
	clk := testclock.New()
	c := runAuthDemo(t, authDemo{now: clk.Now})
	b := newStaffTab(t, c, clk, true)
	me := demoAccountWith(t, fristad.RolePartner)

	b.visit("/account/sessions")
	b.logIn(me.email, demoPassword, me.secret)
	b.wantPath("/account/sessions", "a login without JavaScript")
	if rows := b.sessionsRows(); len(rows) != 1 {
		t.Errorf("sessions table rows %q, want one", rows)
	}
	b.logOut()
}
