package guard

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"fristad"
)

const token = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" // as long as an issued one

// TestCheckCSRF accepts a state-changing request only when it repeats
// its cookie's token in the form or, from a script, in the header
// (SR-51).
func TestCheckCSRF(t *testing.T) {
	for _, tt := range []struct {
		name   string
		cookie string // "" for none
		form   url.Values
		query  string
		header string
		code   string // "" for accepted
	}{
		{name: "field matches", cookie: token, form: url.Values{CSRFField: {token}}},
		{name: "header matches, no field", cookie: token, header: token},
		{name: "no cookie", form: url.Values{CSRFField: {token}}, code: fristad.EFORBIDDEN},
		{name: "empty cookie and field", cookie: "-", form: url.Values{CSRFField: {""}}, code: fristad.EFORBIDDEN},
		{name: "field differs", cookie: token, form: url.Values{CSRFField: {token + "x"}}, code: fristad.EFORBIDDEN},
		{name: "no field, no header", cookie: token, form: url.Values{"note": {"text"}}, code: fristad.EFORBIDDEN},
		{name: "header differs", cookie: token, header: "other", code: fristad.EFORBIDDEN},
		// The field, when sent, is what counts.
		{name: "field differs, header matches", cookie: token, form: url.Values{CSRFField: {"other"}}, header: token, code: fristad.EFORBIDDEN},
		// A token in the link is not the form's: links can be forged.
		{name: "token in the query only", cookie: token, query: "?" + CSRFField + "=" + token, code: fristad.EFORBIDDEN},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/cases"+tt.query, strings.NewReader(tt.form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			switch tt.cookie {
			case "":
			case "-":
				r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: ""})
			default:
				r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: tt.cookie})
			}
			if tt.header != "" {
				r.Header.Set(CSRFHeader, tt.header)
			}
			err := CheckCSRF(r, (*http.Request).ParseForm)
			if got := code(err); got != tt.code {
				t.Errorf("CheckCSRF = %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
}

// TestCheckCSRFReadsFormAfterCookie: the site's form reader runs only
// when there is a cookie to compare with, and its error is the answer.
func TestCheckCSRFReadsFormAfterCookie(t *testing.T) {
	tooLarge := fristad.Errorf(fristad.ETOOLARGE, "the form is too large")
	read := 0
	parse := func(*http.Request) error { read++; return tooLarge }

	r := httptest.NewRequest("POST", "/", nil)
	if err := CheckCSRF(r, parse); code(err) != fristad.EFORBIDDEN || read != 0 {
		t.Errorf("without a cookie: err %v, form read %d times; want EFORBIDDEN, 0", err, read)
	}
	r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: token})
	if err := CheckCSRF(r, parse); err != tooLarge || read != 1 {
		t.Errorf("with a cookie: err %v, form read %d times; want %v, 1", err, read, tooLarge)
	}
}

// TestCSRFToken: a browser without a token gets one in a __Host- cookie,
// which the rest of the request sees; one with a token keeps it; a token
// too short to be one this site issued is replaced.
func TestCSRFToken(t *testing.T) {
	t.Run("none yet", func(t *testing.T) {
		w, r := httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)
		got := CSRFToken(w, r)
		if len(got) < minCSRFToken {
			t.Fatalf("token %q, want at least %d characters", got, minCSRFToken)
		}
		cookies := w.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("%d cookies set, want 1", len(cookies))
		}
		c := cookies[0]
		if c.Name != CSRFCookie || c.Value != got || c.Path != "/" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.MaxAge != 0 || c.Domain != "" {
			t.Errorf("cookie %+v, want %s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; no Max-Age or Domain", c, CSRFCookie, got)
		}
		if again := CSRFToken(httptest.NewRecorder(), r); again != got {
			t.Errorf("later in the request the token is %q, want %q", again, got)
		}
		if other := CSRFToken(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)); other == got {
			t.Errorf("two browsers got the same token %q", got)
		}
	})
	t.Run("kept", func(t *testing.T) {
		w, r := httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: token})
		if got := CSRFToken(w, r); got != token {
			t.Errorf("token %q, want the cookie's %q", got, token)
		}
		if h := w.Header().Get("Set-Cookie"); h != "" {
			t.Errorf("Set-Cookie %q, want none", h)
		}
	})
	t.Run("too short", func(t *testing.T) {
		w, r := httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: "short"})
		if got := CSRFToken(w, r); got == "short" || len(got) < minCSRFToken {
			t.Errorf("token %q, want a new one", got)
		}
		if len(w.Result().Cookies()) != 1 {
			t.Errorf("no new cookie set")
		}
	})
}
