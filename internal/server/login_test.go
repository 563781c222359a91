package server_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/server"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// browser keeps cookies the way a browser on localhost does (Go's cookie
// jar would not send Secure cookies over plain HTTP).
type browser struct {
	t       *testing.T
	base    string
	cookies map[string]string
	csrf    string
}

func newBrowser(t *testing.T, base string) *browser {
	return &browser{t: t, base: base, cookies: map[string]string{}}
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		if b.csrf != "" {
			form.Set("csrf", b.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var pairs []string
	for k, v := range b.cookies {
		pairs = append(pairs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(pairs, "; "))
	req.Header.Set("User-Agent", "login-test")
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	buf, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
			if c.Name == "__Host-fristad-csrf" {
				b.csrf = ""
			}
		} else {
			b.cookies[c.Name] = c.Value
		}
		if c.Name == "__Host-fristad-csrf" {
			b.csrf = c.Value
		}
	}
	return resp, string(buf)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, nil) }
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	return b.do("POST", path, form)
}

// mustDemoUser creates an activated user with a known password and TOTP
// secret.
func mustDemoUser(t *testing.T, db *sqlstoretest.Store, email string, role fristad.Role) (password, secret string) {
	t.Helper()
	ctx := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	if err := db.InitInstance(ctx, true); err != nil {
		t.Fatal(err)
	}
	orgs, _ := db.FindOrganisations(ctx, fristad.OrganisationFilter{})
	if len(orgs) == 0 {
		org := &fristad.Organisation{Name: "Testjouren", Type: "ngo"}
		if err := db.CreateOrganisation(ctx, org); err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, org)
	}
	password, secret = "ett långt testlösenord", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := db.CreateDemoUser(ctx, &fristad.User{OrganisationID: orgs[0].ID, Email: email, Roles: []fristad.Role{role}}, password, secret); err != nil {
		t.Fatal(err)
	}
	return password, secret
}

func mustStartWithUser(t *testing.T) (*server.Server, *sqlstoretest.Store, string, string) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	password, secret := mustDemoUser(t, db, "maria@example.org", fristad.RoleCaseWorker)
	return mustStart(t, db), db, password, secret
}

// TestLoginFlow walks password, code, the signed-in pages and logout.
func TestLoginFlow(t *testing.T) {
	s, _, password, secret := mustStartWithUser(t)
	b := newBrowser(t, s.StaffURL())

	// A page that needs a login asks for one and comes back afterwards.
	resp, _ := b.get("/account/sessions")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=/account/sessions" {
		t.Fatalf("anonymous /account/sessions: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := b.get("/login?next=/account/sessions")
	if resp.StatusCode != 200 || !strings.Contains(body, `autocomplete="current-password"`) {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	resp, _ = b.post("/login", url.Values{"email": {"maria@example.org"}, "password": {password}, "next": {"/account/sessions"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/code") {
		t.Fatalf("password: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, ok := b.cookies["__Host-fristad-session"]; ok {
		t.Fatal("a session before the second factor")
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != 200 || !strings.Contains(body, `autocomplete="one-time-code"`) {
		t.Fatalf("code page: %d", resp.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	resp, _ = b.post("/login/code", url.Values{"code": {code}, "next": {"/account/sessions"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/sessions" {
		t.Fatalf("code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var sessionCookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-fristad-session" {
			sessionCookie = c
		}
	}
	if sessionCookie == nil || !sessionCookie.Secure || !sessionCookie.HttpOnly || sessionCookie.SameSite != http.SameSiteStrictMode || sessionCookie.Path != "/" {
		t.Fatalf("session cookie = %+v", sessionCookie)
	}
	resp, body = b.get("/account/sessions")
	if resp.StatusCode != 200 || !strings.Contains(body, "maria@example.org") || !strings.Contains(body, "login-test") {
		t.Fatalf("sessions page: %d", resp.StatusCode)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("a signed-in page may be cached")
	}

	old := b.cookies["__Host-fristad-session"]
	resp, _ = b.post("/logout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Clear-Site-Data"), `"cookies"`) {
		t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"))
	}
	// The old cookie no longer works (SR-12).
	b.cookies["__Host-fristad-session"] = old
	resp, _ = b.get("/account/sessions")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout the old session cookie still works: %d", resp.StatusCode)
	}
}

// TestLoginErrors checks that a failed login re-renders the form with what
// was typed (but not the password), translated, and that the throttle
// answers 429 with Retry-After (SR-03).
func TestLoginErrors(t *testing.T) {
	s, _, _, _ := mustStartWithUser(t)
	b := newBrowser(t, s.StaffURL())
	b.get("/login")
	resp, body := b.post("/login", url.Values{"email": {"maria@example.org"}, "password": {"fel lösenord helt och hållet"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if !strings.Contains(body, `value="maria@example.org"`) || strings.Contains(body, "fel lösenord") ||
		!strings.Contains(body, "E-postadressen, lösenordet eller koden stämmer inte.") || !strings.Contains(body, `role="alert"`) {
		t.Errorf("the form did not come back with the address, a translated error and no password:\n%s", body)
	}
	resp2, body2 := b.post("/login", url.Values{"email": {"nobody@example.org"}, "password": {"fel lösenord helt och hållet"}})
	re := regexp.MustCompile(`(?s)<main.*</main>`)
	nonce := regexp.MustCompile(`nonce="[^"]*"`)
	main1 := nonce.ReplaceAllString(strings.ReplaceAll(re.FindString(body), "maria@example.org", "X"), "")
	main2 := nonce.ReplaceAllString(strings.ReplaceAll(re.FindString(body2), "nobody@example.org", "X"), "")
	if resp2.StatusCode != resp.StatusCode || main1 != main2 {
		t.Error("an unknown account answers differently from a wrong password (SR-04)")
	}
	for range 9 {
		b.post("/login", url.Values{"email": {"maria@example.org"}, "password": {"fel lösenord helt och hållet"}})
	}
	resp, body = b.post("/login", url.Values{"email": {"maria@example.org"}, "password": {"fel lösenord helt och hållet"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "För många misslyckade försök") {
		t.Errorf("after 10 failures: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// A wrong code re-renders the code form.
	b2 := newBrowser(t, s.StaffURL())
	b2.get("/login")
	resp, _ = b2.post("/login/code", url.Values{"code": {"123456"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("a code without a pending login: %d %q; want back to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestActivationFlow walks the activation link: password, TOTP enrolment,
// then a login with the new factors.
func TestActivationFlow(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	ctx := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	org := &fristad.Organisation{Name: "Skyddat boende Test", Type: "shelter"}
	if err := db.CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	a, err := db.CreateUser(ctx, &fristad.User{OrganisationID: org.ID, Email: "ny@example.org", Roles: []fristad.Role{fristad.RolePartner}})
	if err != nil {
		t.Fatal(err)
	}
	s := mustStart(t, db)
	b := newBrowser(t, s.StaffURL())
	resp, body := b.get("/activate?token=" + a.Token)
	if resp.StatusCode != 200 || !strings.Contains(body, "ny@example.org") {
		t.Fatalf("activation page: %d", resp.StatusCode)
	}
	resp, body = b.post("/activate", url.Values{"token": {a.Token}, "password": {"kort"}, "password2": {"kort"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "minst 12 tecken") {
		t.Fatalf("short password: %d", resp.StatusCode)
	}
	resp, body = b.post("/activate", url.Values{"token": {a.Token}, "password": {"en lång och bra lösenfras"}, "password2": {"en annan lång lösenfras"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Lösenorden är inte likadana.") {
		t.Fatalf("mismatch: %d", resp.StatusCode)
	}
	resp, body = b.post("/activate", url.Values{"token": {a.Token}, "password": {"en lång och bra lösenfras"}, "password2": {"en lång och bra lösenfras"}})
	m := regexp.MustCompile(`name="secret" value="([A-Z2-7 ]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "otpauth://totp/") {
		t.Fatalf("enrolment page: %d", resp.StatusCode)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	resp, body = b.post("/activate/code", url.Values{"token": {a.Token}, "code": {"000000"}, "secret": {m[1]}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, m[1]) {
		t.Fatalf("wrong code: %d; want the same key shown again", resp.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	resp, _ = b.post("/activate/code", url.Values{"token": {a.Token}, "code": {code}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("activation: %d", resp.StatusCode)
	}
	// The link is used up.
	if resp, _ := b.get("/activate?token=" + a.Token); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a used link = %d; want 404", resp.StatusCode)
	}
}

// signIn logs a browser in as a user created with mustDemoUser, on a
// server whose database runs on the real clock.
func signIn(t *testing.T, b *browser, email, password, secret string) {
	t.Helper()
	signInAt(t, b, time.Now(), email, password, secret)
}

// signInAt is signIn with the code for the time now, the time of the
// server's database clock. A code is accepted once per account and time
// step: a second sign-in of the same account needs that clock moved on
// by auth.TOTPStep first.
func signInAt(t *testing.T, b *browser, now time.Time, email, password, secret string) {
	t.Helper()
	b.get("/login")
	resp, _ := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password for %s: %d", email, resp.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, now)
	resp, _ = b.post("/login/code", url.Values{"code": {code}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("code for %s: %d", email, resp.StatusCode)
	}
	b.get("/") // a page, for the new session's form token
}

// TestAdministration walks an administrator creating an organisation and
// a user, and checks that the admin pages and the audit trail do not
// exist for those without the role.
func TestAdministration(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	password, secret := mustDemoUser(t, db, "admin@example.org", fristad.RoleAdministrator)
	mustDemoUserSecret(t, db, "worker@example.org", fristad.RoleCaseWorker, password, "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")
	mustDemoUserSecret(t, db, "auditor@example.org", fristad.RoleAuditor, password, "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U")
	s := mustStart(t, db)

	admin := newBrowser(t, s.StaffURL())
	signIn(t, admin, "admin@example.org", password, secret)
	resp, body := admin.get("/admin/organisations")
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/admin/users"`) {
		t.Fatalf("organisations page: %d", resp.StatusCode)
	}
	resp, body = admin.post("/admin/organisations", url.Values{"name": {""}, "type": {"ngo"}, "region": {"Gotland"}, "country": {"SE"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ange organisationens namn.") || !strings.Contains(body, `value="Gotland"`) {
		t.Errorf("an organisation without a name: %d; want 400 with the message and the region kept", resp.StatusCode)
	}
	resp, _ = admin.post("/admin/organisations", url.Values{"name": {"Kvinnojouren Visby"}, "type": {"ngo"}, "region": {"Gotland"}, "country": {"SE"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create organisation: %d", resp.StatusCode)
	}
	_, body = admin.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Kvinnojouren Visby") || !strings.Contains(body, "Ideell organisation") {
		t.Error("the new organisation is not listed with its type")
	}
	orgs, _ := db.FindOrganisations(fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test")), fristad.OrganisationFilter{Name: new("Kvinnojouren Visby")})
	resp, body = admin.post("/admin/users", url.Values{"email": {"ny@visby.example"}, "org": {orgs[0].ID}, "role": {"case_worker", "partner"}})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, "/activate?token=") {
		t.Fatalf("create user: %d; want the activation link shown", resp.StatusCode)
	}
	resp, body = admin.post("/admin/users", url.Values{"email": {"ny@visby.example"}, "org": {orgs[0].ID}, "role": {"partner"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Det finns redan en användare") || !strings.Contains(body, `value="ny@visby.example"`) {
		t.Errorf("the same address twice: %d", resp.StatusCode)
	}

	worker := newBrowser(t, s.StaffURL())
	signIn(t, worker, "worker@example.org", password, "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")
	for _, path := range []string{"/admin/users", "/admin/organisations", "/audit"} {
		if resp, _ := worker.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a case worker GET %s = %d; want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := worker.post("/admin/users", url.Values{"email": {"x@example.org"}, "org": {orgs[0].ID}, "role": {"administrator"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a case worker creating a user = %d; want 404", resp.StatusCode)
	}
	_, body = worker.get("/")
	if strings.Contains(body, "/admin/users") {
		t.Error("the menu offers the case worker the admin pages")
	}

	auditor := newBrowser(t, s.StaffURL())
	signIn(t, auditor, "auditor@example.org", password, "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U")
	resp, body = auditor.get("/audit")
	if resp.StatusCode != 200 || !strings.Contains(body, "organisation.create") || !strings.Contains(body, "authn.login") {
		t.Errorf("audit page: %d", resp.StatusCode)
	}
	if resp, _ := auditor.get("/admin/users"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an auditor GET /admin/users = %d; want 404", resp.StatusCode)
	}
	// Export for an access request: fresh after login, CSV.
	resp, body = auditor.get("/audit/export?object=")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") ||
		!strings.HasPrefix(body, "seq,time_utc,actor_id") || !strings.Contains(body, "organisation.create") {
		t.Errorf("audit export: %d %q %.80q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	// Later, the export asks for a second factor first.
	db.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
	defer func() { db.Now = time.Now }()
	if resp, _ := auditor.get("/audit/export?object="); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/account/step-up") {
		t.Errorf("a stale export: %d %q; want the step-up page", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// mustDemoUserSecret is mustDemoUser with a chosen password and secret.
func mustDemoUserSecret(t *testing.T, db *sqlstoretest.Store, email string, role fristad.Role, password, secret string) {
	t.Helper()
	ctx := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
	orgs, _ := db.FindOrganisations(ctx, fristad.OrganisationFilter{})
	if err := db.CreateDemoUser(ctx, &fristad.User{OrganisationID: orgs[0].ID, Email: email, Roles: []fristad.Role{role}}, password, secret); err != nil {
		t.Fatal(err)
	}
}
