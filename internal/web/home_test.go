package web_test

import (
	"net/http"
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestLanguageChoice checks the workspace's choice of language: a cookie
// that wins over Accept-Language, Swedish by default, a return only to a
// page of this site, and a translated refusal of an unknown language.
func TestLanguageChoice(t *testing.T) {
	s := sitetest.StartOn(t, sqlstoretest.MustOpen(t, sqlstore.SQLite))
	form, token := sitetest.FormToken(t, s)
	resp, _ := sitetest.Do(t, "POST", s.StaffURL()+"/language", strings.NewReader(token+"lang=en&next=/somewhere"), form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/somewhere" {
		t.Fatalf("status %d, location %q; want 303 to /somewhere", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-fristad-lang" || !cookies[0].Secure || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].Value != "en" {
		t.Fatalf("cookie = %+v; want one Secure, HttpOnly, SameSite=Strict cookie holding en", cookies)
	}
	_, body := sitetest.Do(t, "GET", s.StaffURL()+"/", nil, map[string]string{"Cookie": cookies[0].Name + "=en", "Accept-Language": "sv"})
	if !strings.Contains(body, `<html lang="en"`) {
		t.Error("the explicit choice does not win over Accept-Language")
	}
	_, body = sitetest.Do(t, "GET", s.StaffURL()+"/", nil, map[string]string{"Accept-Language": "en-GB,en;q=0.8"})
	if !strings.Contains(body, `<html lang="en" dir="ltr"`) {
		t.Error("Accept-Language en does not give English")
	}
	_, body = sitetest.Do(t, "GET", s.StaffURL()+"/", nil, nil)
	if !strings.Contains(body, `<html lang="sv" dir="ltr"`) {
		t.Error("the staff workspace does not default to Swedish")
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", ""} {
		resp, _ := sitetest.Do(t, "POST", s.StaffURL()+"/language", strings.NewReader(token+"lang=en&next="+next), form)
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirects to %q; want /", next, loc)
		}
	}
	resp, body = sitetest.Do(t, "POST", s.StaffURL()+"/language", strings.NewReader(token+"lang=xx"), form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Felaktiga uppgifter") {
		t.Errorf("unknown language: status %d; want 400 with a translated page", resp.StatusCode)
	}
}
