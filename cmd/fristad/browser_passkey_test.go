package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// addAuthenticator gives the browser tab a virtual platform authenticator
// that holds passkeys and verifies its user, and returns its id.
func addAuthenticator(b *browsertest.Browser) webauthn.AuthenticatorID {
	return browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) (webauthn.AuthenticatorID, error) {
		if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return "", err
		}
		res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol:                    webauthn.AuthenticatorProtocolCtap2,
				Ctap2version:                webauthn.Ctap2versionCtap21,
				Transport:                   webauthn.AuthenticatorTransportInternal,
				HasResidentKey:              true,
				HasUserVerification:         true,
				IsUserVerified:              true,
				AutomaticPresenceSimulation: true, // the zero value waits for a touch that never comes
			},
		})
		return res.AuthenticatorID, err
	})
}

func setUserVerified(b *browsertest.Browser, id webauthn.AuthenticatorID, verified bool) {
	b.Run(func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, webauthn.SetUserVerified, webauthn.SetUserVerifiedParams{AuthenticatorID: id, IsUserVerified: verified})
		return chromedp.Void{}, err
	})
}

// waitForText waits until the element sel shows text containing want.
func waitForText(t *testing.T, b *browsertest.Browser, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(evalString(b, `(document.querySelector(`+"`"+sel+"`"+`) || {}).innerText || ""`), want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never showed %q; it shows %q", sel, want, evalString(b, `(document.querySelector(`+"`"+sel+"`"+`) || {}).innerText || ""`))
}

// TestBrowserPasskey enrols a passkey after logging in with password and
// code, signs out, signs in with the passkey alone, and checks that a
// passkey whose user is not verified is refused (SR-01).
func TestBrowserPasskey(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	if !strings.HasPrefix(staff, "http://localhost:") {
		t.Fatalf("staff URL %s: passkeys need localhost", staff)
	}
	b := browsertest.New(t)
	authenticator := addAuthenticator(b)
	const email = "samordnare@demo.fristad.invalid"

	b.Navigate(staff + "/login")
	b.Check()
	b.SendKeys("#email", email)
	b.SendKeys("#password", demoPassword+"\n")
	b.WaitVisible("#code")
	code, err := auth.TOTPCode(demoSecret(email), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.SendKeys("#code", code+"\n")
	b.WaitVisible(".who")

	b.Navigate(staff + "/account/passkeys")
	b.Check()
	b.SendKeys("#passkey-name", "Virtuell nyckel")
	b.Click(`button[data-webauthn="register"]`)
	waitForText(t, b, "main table", "Virtuell nyckel")
	b.Check()

	b.ClickAndWait(`form[action="/logout"] button`)
	if !strings.HasSuffix(b.Location(), "/login") {
		t.Fatalf("after logout: %s", b.Location())
	}

	// The passkey alone signs in: it is both factors.
	b.Click(`button[data-webauthn="login"]`)
	waitForText(t, b, ".who", email)
	if got := b.Location(); got != staff+"/" {
		t.Errorf("after passkey login at %s; want %s/", got, staff)
	}
	b.Check()

	// Without user verification the same passkey is refused: the login
	// asks for it, so the browser gives up, and the page says so.
	b.ClickAndWait(`form[action="/logout"] button`)
	setUserVerified(b, authenticator, false)
	b.Click(`button[data-webauthn="login"]`)
	waitForText(t, b, "#passkey-status", evalString(b, `document.querySelector('button[data-webauthn="login"]').dataset.failed`))
	if strings.Contains(evalString(b, `document.body.innerText`), "Inloggad som") {
		t.Error("signed in with a passkey whose user was not verified")
	}

	// The audit trail holds the passkey's addition and both logins' fates.
	events, err := sqlstore.NewAuditService(c.DB).FindAuditEvents(auditorContext(t), fristadAuditFilter())
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action+"/"+e.Purpose+"/"+e.Result)
	}
	all := strings.Join(actions, " ")
	for _, want := range []string{"factor.passkey.add//ok", "authn.login/passkey/ok"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit trail lacks %s: %s", want, all)
		}
	}
}

func auditorContext(t *testing.T) context.Context {
	return fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "test-auditor", Roles: []fristad.Role{fristad.RoleAuditor}})
}

func fristadAuditFilter() fristad.AuditFilter { return fristad.AuditFilter{Limit: 100} }
