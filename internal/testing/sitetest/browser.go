package sitetest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// UserAgent is the User-Agent a Browser sends, as the workspace's list
// of sessions shows it.
const UserAgent = "login-test"

// Browser keeps cookies the way a browser on localhost does (Go's cookie
// jar would not send Secure cookies over plain HTTP), and posts the
// workspace's form token with every form.
type Browser struct {
	tb   testing.TB
	base string
	// Cookies holds the value of each cookie the site has set and not
	// removed, by name.
	Cookies map[string]string
	// CSRF is the form token posted with each form: the value of the
	// form token cookie, or "" when there is none.
	CSRF string
}

// NewBrowser returns a browser without cookies on the site at base.
func NewBrowser(tb testing.TB, base string) *Browser {
	return &Browser{tb: tb, base: base, Cookies: map[string]string{}}
}

// Do sends a request for path with the browser's cookies and, when form
// is not nil, the form with the form token. It keeps the cookies the
// answer sets.
func (b *Browser) Do(method, path string, form url.Values) (*http.Response, string) {
	b.tb.Helper()
	var body io.Reader
	if form != nil {
		if b.CSRF != "" {
			form.Set("csrf", b.CSRF)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Cookie", b.cookieHeader())
	req.Header.Set("User-Agent", UserAgent)
	resp, err := Client.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	buf, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(b.Cookies, c.Name)
			if c.Name == "__Host-fristad-csrf" {
				b.CSRF = ""
			}
		} else {
			b.Cookies[c.Name] = c.Value
		}
		if c.Name == "__Host-fristad-csrf" {
			b.CSRF = c.Value
		}
	}
	return resp, string(buf)
}

// Get fetches path.
func (b *Browser) Get(path string) (*http.Response, string) { return b.Do("GET", path, nil) }

// Post posts form to path.
func (b *Browser) Post(path string, form url.Values) (*http.Response, string) {
	return b.Do("POST", path, form)
}

// WithoutCSRF posts a form without the form token, as a forged form would.
func (b *Browser) WithoutCSRF(path string, form url.Values) (*http.Response, string) {
	saved := b.CSRF
	b.CSRF = ""
	defer func() { b.CSRF = saved }()
	return b.Post(path, form)
}

// Upload posts a multipart form with a file, as a browser uploads one,
// with the form token unless it has none.
func (b *Browser) Upload(path string, fields url.Values, filename string, content []byte) (*http.Response, string) {
	b.tb.Helper()
	form := url.Values{}
	for k, v := range fields {
		form[k] = v
	}
	if b.CSRF != "" {
		form.Set("csrf", b.CSRF)
	}
	contentType, body := multipartBody(b.tb, form, filename, content)
	req, err := http.NewRequest("POST", b.base+path, body)
	if err != nil {
		b.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Cookie", b.cookieHeader())
	resp, err := Client.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	buf, _ := io.ReadAll(resp.Body)
	return resp, string(buf)
}

// MustGet returns the body of the page at path, and fails the test
// unless it answers 200.
func (b *Browser) MustGet(path string) string {
	b.tb.Helper()
	resp, body := b.Get(path)
	if resp.StatusCode != 200 {
		b.tb.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return body
}

// cookieHeader returns the browser's cookies as a Cookie header.
func (b *Browser) cookieHeader() string {
	var pairs []string
	for k, v := range b.Cookies {
		pairs = append(pairs, k+"="+v)
	}
	return strings.Join(pairs, "; ")
}
