package web_test

import (
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
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

func mustStartWithUser(t *testing.T) (*server.Server, *sqlstoretest.Store, string, string) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	password, secret := sitetest.MustDemoUser(t, db, "maria@example.org", fristad.RoleCaseWorker)
	return sitetest.StartOn(t, db), db, password, secret
}

// TestLoginFlow walks password, code, the signed-in pages and logout.
func TestLoginFlow(t *testing.T) {
	s, _, password, secret := mustStartWithUser(t)
	b := sitetest.NewBrowser(t, s.StaffURL())

	// A page that needs a login asks for one and comes back afterwards.
	resp, _ := b.Get("/account/sessions")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=/account/sessions" {
		t.Fatalf("anonymous /account/sessions: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := b.Get("/login?next=/account/sessions")
	if resp.StatusCode != 200 || !strings.Contains(body, `autocomplete="current-password"`) {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	resp, _ = b.Post("/login", url.Values{"email": {"maria@example.org"}, "password": {password}, "next": {"/account/sessions"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/code") {
		t.Fatalf("password: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, ok := b.Cookies["__Host-fristad-session"]; ok {
		t.Fatal("a session before the second factor")
	}
	resp, body = b.Get(resp.Header.Get("Location"))
	if resp.StatusCode != 200 || !strings.Contains(body, `autocomplete="one-time-code"`) {
		t.Fatalf("code page: %d", resp.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	resp, _ = b.Post("/login/code", url.Values{"code": {code}, "next": {"/account/sessions"}})
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
	resp, body = b.Get("/account/sessions")
	if resp.StatusCode != 200 || !strings.Contains(body, "maria@example.org") || !strings.Contains(body, sitetest.UserAgent) {
		t.Fatalf("sessions page: %d", resp.StatusCode)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("a signed-in page may be cached")
	}

	old := b.Cookies["__Host-fristad-session"]
	resp, _ = b.Post("/logout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Clear-Site-Data"), `"cookies"`) {
		t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"))
	}
	// The old cookie no longer works (SR-12).
	b.Cookies["__Host-fristad-session"] = old
	resp, _ = b.Get("/account/sessions")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout the old session cookie still works: %d", resp.StatusCode)
	}
}

// TestLoginErrors checks that a failed login re-renders the form with what
// was typed (but not the password), translated, and that the throttle
// answers 429 with Retry-After (SR-03).
func TestLoginErrors(t *testing.T) {
	s, _, _, _ := mustStartWithUser(t)
	b := sitetest.NewBrowser(t, s.StaffURL())
	b.Get("/login")
	resp, body := b.Post("/login", url.Values{"email": {"maria@example.org"}, "password": {"fel lösenord helt och hållet"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if !strings.Contains(body, `value="maria@example.org"`) || strings.Contains(body, "fel lösenord") ||
		!strings.Contains(body, "E-postadressen, lösenordet eller koden stämmer inte.") || !strings.Contains(body, `role="alert"`) {
		t.Errorf("the form did not come back with the address, a translated error and no password:\n%s", body)
	}
	resp2, body2 := b.Post("/login", url.Values{"email": {"nobody@example.org"}, "password": {"fel lösenord helt och hållet"}})
	re := regexp.MustCompile(`(?s)<main.*</main>`)
	nonce := regexp.MustCompile(`nonce="[^"]*"`)
	main1 := nonce.ReplaceAllString(strings.ReplaceAll(re.FindString(body), "maria@example.org", "X"), "")
	main2 := nonce.ReplaceAllString(strings.ReplaceAll(re.FindString(body2), "nobody@example.org", "X"), "")
	if resp2.StatusCode != resp.StatusCode || main1 != main2 {
		t.Error("an unknown account answers differently from a wrong password (SR-04)")
	}
	for range 9 {
		b.Post("/login", url.Values{"email": {"maria@example.org"}, "password": {"fel lösenord helt och hållet"}})
	}
	resp, body = b.Post("/login", url.Values{"email": {"maria@example.org"}, "password": {"fel lösenord helt och hållet"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "För många misslyckade försök") {
		t.Errorf("after 10 failures: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// A wrong code re-renders the code form.
	b2 := sitetest.NewBrowser(t, s.StaffURL())
	b2.Get("/login")
	resp, _ = b2.Post("/login/code", url.Values{"code": {"123456"}})
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
	s := sitetest.StartOn(t, db)
	b := sitetest.NewBrowser(t, s.StaffURL())
	resp, body := b.Get("/activate?token=" + a.Token)
	if resp.StatusCode != 200 || !strings.Contains(body, "ny@example.org") {
		t.Fatalf("activation page: %d", resp.StatusCode)
	}
	resp, body = b.Post("/activate", url.Values{"token": {a.Token}, "password": {"kort"}, "password2": {"kort"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "minst 12 tecken") {
		t.Fatalf("short password: %d", resp.StatusCode)
	}
	resp, body = b.Post("/activate", url.Values{"token": {a.Token}, "password": {"en lång och bra lösenfras"}, "password2": {"en annan lång lösenfras"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Lösenorden är inte likadana.") {
		t.Fatalf("mismatch: %d", resp.StatusCode)
	}
	resp, body = b.Post("/activate", url.Values{"token": {a.Token}, "password": {"en lång och bra lösenfras"}, "password2": {"en lång och bra lösenfras"}})
	m := regexp.MustCompile(`name="secret" value="([A-Z2-7 ]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "otpauth://totp/") {
		t.Fatalf("enrolment page: %d", resp.StatusCode)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	resp, body = b.Post("/activate/code", url.Values{"token": {a.Token}, "code": {"000000"}, "secret": {m[1]}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, m[1]) {
		t.Fatalf("wrong code: %d; want the same key shown again", resp.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	resp, _ = b.Post("/activate/code", url.Values{"token": {a.Token}, "code": {code}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("activation: %d", resp.StatusCode)
	}
	// The link is used up.
	if resp, _ := b.Get("/activate?token=" + a.Token); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a used link = %d; want 404", resp.StatusCode)
	}
}

// TestAdministration walks an administrator creating an organisation and
// a user, and checks that the admin pages and the audit trail do not
// exist for those without the role.
func TestAdministration(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	password, secret := sitetest.MustDemoUser(t, db, "admin@example.org", fristad.RoleAdministrator)
	sitetest.MustDemoUserSecret(t, db, "worker@example.org", fristad.RoleCaseWorker, password, "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")
	sitetest.MustDemoUserSecret(t, db, "auditor@example.org", fristad.RoleAuditor, password, "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U")
	s := sitetest.StartOn(t, db)

	admin := sitetest.NewBrowser(t, s.StaffURL())
	sitetest.SignIn(t, admin, "admin@example.org", password, secret)
	resp, body := admin.Get("/admin/organisations")
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/admin/users"`) {
		t.Fatalf("organisations page: %d", resp.StatusCode)
	}
	resp, body = admin.Post("/admin/organisations", url.Values{"name": {""}, "type": {"ngo"}, "region": {"Gotland"}, "country": {"SE"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ange organisationens namn.") || !strings.Contains(body, `value="Gotland"`) {
		t.Errorf("an organisation without a name: %d; want 400 with the message and the region kept", resp.StatusCode)
	}
	resp, _ = admin.Post("/admin/organisations", url.Values{"name": {"Kvinnojouren Visby"}, "type": {"ngo"}, "region": {"Gotland"}, "country": {"SE"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create organisation: %d", resp.StatusCode)
	}
	_, body = admin.Get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Kvinnojouren Visby") || !strings.Contains(body, "Ideell organisation") {
		t.Error("the new organisation is not listed with its type")
	}
	orgs, _ := db.FindOrganisations(fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test")), fristad.OrganisationFilter{Name: new("Kvinnojouren Visby")})
	resp, body = admin.Post("/admin/users", url.Values{"email": {"ny@visby.example"}, "org": {orgs[0].ID}, "role": {"case_worker", "partner"}})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, "/activate?token=") {
		t.Fatalf("create user: %d; want the activation link shown", resp.StatusCode)
	}
	resp, body = admin.Post("/admin/users", url.Values{"email": {"ny@visby.example"}, "org": {orgs[0].ID}, "role": {"partner"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Det finns redan en användare") || !strings.Contains(body, `value="ny@visby.example"`) {
		t.Errorf("the same address twice: %d", resp.StatusCode)
	}

	worker := sitetest.NewBrowser(t, s.StaffURL())
	sitetest.SignIn(t, worker, "worker@example.org", password, "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")
	for _, path := range []string{"/admin/users", "/admin/organisations", "/audit"} {
		if resp, _ := worker.Get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a case worker GET %s = %d; want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := worker.Post("/admin/users", url.Values{"email": {"x@example.org"}, "org": {orgs[0].ID}, "role": {"administrator"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a case worker creating a user = %d; want 404", resp.StatusCode)
	}
	_, body = worker.Get("/")
	if strings.Contains(body, "/admin/users") {
		t.Error("the menu offers the case worker the admin pages")
	}

	auditor := sitetest.NewBrowser(t, s.StaffURL())
	sitetest.SignIn(t, auditor, "auditor@example.org", password, "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U")
	resp, body = auditor.Get("/audit")
	if resp.StatusCode != 200 || !strings.Contains(body, "organisation.create") || !strings.Contains(body, "authn.login") {
		t.Errorf("audit page: %d", resp.StatusCode)
	}
	if resp, _ := auditor.Get("/admin/users"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an auditor GET /admin/users = %d; want 404", resp.StatusCode)
	}
	// Export for an access request: fresh after login, CSV.
	resp, body = auditor.Get("/audit/export?object=")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") ||
		!strings.HasPrefix(body, "seq,time_utc,actor_id") || !strings.Contains(body, "organisation.create") {
		t.Errorf("audit export: %d %q %.80q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	// Later, the export asks for a second factor first.
	db.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
	defer func() { db.Now = time.Now }()
	if resp, _ := auditor.Get("/audit/export?object="); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/account/step-up") {
		t.Errorf("a stale export: %d %q; want the step-up page", resp.StatusCode, resp.Header.Get("Location"))
	}
}
