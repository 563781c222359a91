package portal

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad"
	"fristad/internal/i18n"

	"golang.org/x/text/language"
)

// inbox records the requests handed in, as the real inbox would store
// them: it validates first. err, when set, is what it answers instead.
type inbox struct {
	mu   sync.Mutex
	got  []*fristad.CallbackRequest
	fail error
}

func (in *inbox) SubmitCallback(ctx context.Context, c *fristad.CallbackRequest) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if in.fail != nil {
		return in.fail
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.got = append(in.got, c)
	return nil
}

// callbackServer is newServer with an inbox and a clock the test moves.
func callbackServer(t *testing.T, in fristad.CallbackInbox) (*Handler, http.Handler, *time.Time) {
	t.Helper()
	h, _ := mustNew(t, Config{Demo: true, Callbacks: InboxOf(in)})
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	h.form.now = func() time.Time { return now }
	mux := http.NewServeMux()
	h.Register(mux)
	return h, withPolicy(mux), &now
}

var formTokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// formToken fetches the form in lang and returns its token.
func formToken(t *testing.T, srv http.Handler, lang string) string {
	t.Helper()
	rec := get(t, srv, "/"+lang+"/call-back")
	m := formTokenRE.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("GET /%s/call-back: %d, token %v", lang, rec.Code, m)
	}
	return m[1]
}

// post sends the form from addr with the headers given as pairs.
func post(srv http.Handler, lang, addr string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/"+lang+"/call-back", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Encoding", "gzip")
	req.RemoteAddr = addr + ":40000"
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

var sameSite = []string{"Sec-Fetch-Site", "same-origin"}

func goodForm(token string) url.Values {
	return url.Values{"form_token": {token}, "channel": {"sms"}, "phone": {"070-765 43 21"}, "times": {"evening", "weekend"},
		"time_note": {"CANARY efter\r\nklockan sju"}, "language": {"ro"}, "interpreter": {"yes"}, "region": {"M"}, "leave_message": {"yes"}}
}

// TestCallbackForm checks the form in every language: served for each
// request, never cached, no cookie, the page's language chosen for the
// call, linked from the help page, within the page budget.
func TestCallbackForm(t *testing.T) {
	h, assets := mustNew(t, Config{})
	mux := http.NewServeMux()
	mux.Handle("GET /static/{file}", assets)
	h.Register(mux)
	srv := withPolicy(mux)
	extra := assets.Size("style.css", true) + assets.Size("quick-exit.js", true) + assets.Size("favicon.svg", true)
	heaviest, heaviestLang := 0, ""
	for _, tag := range i18n.Portal().Languages() {
		lang := tag.String()
		rec := get(t, srv, "/"+lang+"/call-back", "Accept-Encoding", "gzip")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("/%s/call-back: %d, Content-Encoding %q", lang, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		w := rec.Body.Len() + extra
		if w > heaviest {
			heaviest, heaviestLang = w, lang
		}
		if w > pageBudget {
			t.Errorf("/%s/call-back weighs %d bytes gzipped with its stylesheet, script and icon; the budget is %d", lang, w, pageBudget)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" || len(rec.Header().Values("Set-Cookie")) > 0 {
			t.Errorf("/%s/call-back: Cache-Control %q, cookies %v", lang, cc, rec.Header().Values("Set-Cookie"))
		}
		body := gunzip(t, rec.Body.Bytes())
		if !strings.Contains(body, `<option value="`+lang+`" lang="`+lang+`" selected>`) {
			t.Errorf("/%s/call-back does not preselect its own language for the call", lang)
		}
		if strings.Contains(body, `name="name"`) || strings.Contains(body, `type="email"`) {
			t.Errorf("/%s/call-back asks for a name or an e-mail address", lang)
		}
		help := get(t, srv, "/"+lang+"/help").Body.String()
		if !strings.Contains(help, `<a href="/`+lang+`/call-back">`) {
			t.Errorf("/%s/help does not link to the call-back form", lang)
		}
	}
	t.Logf("heaviest call-back form: %d bytes gzipped with its stylesheet, script and icon (%s)", heaviest, heaviestLang)
	if rec := get(t, srv, "/xx/call-back"); rec.Code != http.StatusNotFound {
		t.Errorf("/xx/call-back: %d, want 404", rec.Code)
	}
}

// TestCallbackPost checks taking a request in: only from the site's own
// page, only from a form fetched a while ago, never from the field bots
// fill, with every bad field named beside itself in the page's language
// and what she typed kept, and a limit per address.
func TestCallbackPost(t *testing.T) {
	in := &inbox{}
	h, srv, now := callbackServer(t, in)
	token := formToken(t, srv, "sv")
	*now = now.Add(20 * time.Second)

	// Refused before anything is read: not this site's page.
	for name, headers := range map[string][]string{
		"no browser marks":  nil,
		"another site":      {"Sec-Fetch-Site", "cross-site"},
		"another origin":    {"Origin", "http://evil.example"},
		"an opaque origin":  {"Origin", "null"},
		"same site, not us": {"Sec-Fetch-Site", "same-site"},
	} {
		if rec := post(srv, "sv", "192.0.2.1", goodForm(token), headers...); rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, rec.Code)
		}
	}
	if rec := post(srv, "sv", "192.0.2.1", goodForm(token), "Origin", "http://example.com"); rec.Code != http.StatusOK {
		t.Errorf("an Origin of this host, without Sec-Fetch-Site: %d, want 200", rec.Code)
	}
	in.got = nil

	// The form token: ours, neither too fresh nor too old.
	fresh := formToken(t, srv, "sv")
	for name, tc := range map[string]struct {
		token string
		after time.Duration
	}{
		"filled in within a second": {fresh, time.Second},
		"two hours and more later":  {fresh, 2*time.Hour + time.Minute},
		"a forged token":            {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 10 * time.Second},
		"no token":                  {"", 10 * time.Second},
	} {
		saved := *now
		*now = now.Add(tc.after)
		rec := post(srv, "sv", "192.0.2.2", goodForm(tc.token), sameSite...)
		*now = saved
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), i18n.Portal().Printer(language.Swedish).T("callback.retry")) {
			t.Errorf("%s: %d, want 400 with the message to send again", name, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), `value="070-765 43 21"`) {
			t.Errorf("%s: the number she typed is not kept", name)
		}
	}
	if len(in.got) != 0 {
		t.Fatalf("refused posts stored %d requests", len(in.got))
	}

	// A bot fills in the hidden field: told it went, nothing kept.
	bot := goodForm(token)
	bot.Set("website", "http://spam.example")
	if rec := post(srv, "sv", "192.0.2.3", bot, sameSite...); rec.Code != http.StatusOK || len(in.got) != 0 {
		t.Errorf("the hidden field filled in: %d, %d stored; want 200 and nothing stored", rec.Code, len(in.got))
	}

	// Bad fields: each named beside itself, in Swedish, what she typed kept.
	bad := url.Values{"form_token": {token}, "phone": {"ring mig"}, "time_note": {"CANARY sent"}, "language": {"sv"}, "region": {"Demolän"}}
	rec := post(srv, "sv", "192.0.2.4", bad, sameSite...)
	body := rec.Body.String()
	sv := i18n.Portal().Printer(language.Swedish)
	if rec.Code != http.StatusUnprocessableEntity || rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("bad fields: %d, Content-Encoding %q, Cache-Control %q; want 422, plain, no-store", rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Cache-Control"))
	}
	for field, key := range map[string]string{"channel": "callback.channel.required", "phone": "callback.phone.invalid", "region": "callback.region.invalid"} {
		if !strings.Contains(body, `id="`+field+`-error">`+sv.T(key)+`<`) || !strings.Contains(body, `<a href="#`+field+`">`+sv.T(key)+`</a>`) {
			t.Errorf("bad fields: no %s message %q beside the field and in the summary", field, sv.T(key))
		}
	}
	if !strings.Contains(body, `value="ring mig"`) || !strings.Contains(body, ">CANARY sent</textarea>") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Error("bad fields: what she typed is not kept, or the fields are not marked")
	}
	if m := formTokenRE.FindStringSubmatch(body); m == nil || m[1] != token {
		t.Errorf("bad fields: the form's token is %v, want hers kept, so a quick correction is not refused", m)
	}
	if len(in.got) != 0 {
		t.Fatal("a bad request was stored")
	}

	// A good request: handed in as typed, the success page says what next.
	rec = post(srv, "sv", "192.0.2.5", goodForm(token), sameSite...)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), sv.T("callback.sent.title")) || len(rec.Header().Values("Set-Cookie")) > 0 ||
		rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("a good request: %d, cookies %v, Cache-Control %q", rec.Code, rec.Header().Values("Set-Cookie"), rec.Header().Get("Cache-Control"))
	}
	if strings.Contains(rec.Body.String(), "765 43 21") {
		t.Error("the success page shows the number again")
	}
	if len(in.got) != 1 {
		t.Fatalf("stored %d requests, want 1", len(in.got))
	}
	if c := in.got[0]; c.Channel != "sms" || c.Phone != "070-765 43 21" || strings.Join(c.Times, ",") != "evening,weekend" || c.TimeNote != "CANARY efter\nklockan sju" ||
		c.Language != "ro" || !c.Interpreter || c.Region != "M" || !c.LeaveMessage || c.SayWhoCalls {
		t.Errorf("stored %+v", c)
	}

	// Ten posts an hour from one address; others are not held back, and
	// the address may post again when the hour has passed.
	limited := 0
	for i := range rateLimit + 2 {
		rec := post(srv, "sv", "198.51.100.7", url.Values{"form_token": {token}}, sameSite...)
		if rec.Code == http.StatusTooManyRequests {
			limited++
			if !strings.Contains(rec.Body.String(), sv.T("callback.limited")) {
				t.Errorf("post %d: 429 without the message", i)
			}
		}
	}
	if limited != 2 {
		t.Errorf("%d of %d posts from one address were limited, want 2", limited, rateLimit+2)
	}
	if rec := post(srv, "sv", "198.51.100.8", url.Values{"form_token": {token}}, sameSite...); rec.Code == http.StatusTooManyRequests {
		t.Error("another address is limited too")
	}
	*now = now.Add(rateWindow + time.Second)
	token = formToken(t, srv, "sv")
	*now = now.Add(10 * time.Second)
	if rec := post(srv, "sv", "198.51.100.7", url.Values{"form_token": {token}}, sameSite...); rec.Code == http.StatusTooManyRequests {
		t.Error("the address is still limited after the window")
	}
	for k := range h.form.posts {
		if bytes.Contains(k[:], []byte("198.51.100")) {
			t.Error("the limiter keeps the address itself")
		}
	}
}

// TestCallbackFailure checks that a failing inbox leaves her the numbers
// to call and the log nothing she typed; and that without an inbox the
// form says to call.
func TestCallbackFailure(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	_, srv, now := callbackServer(t, &inbox{fail: errors.New("database is down")})
	token := formToken(t, srv, "en")
	*now = now.Add(10 * time.Second)
	rec := post(srv, "en", "192.0.2.9", goodForm(token), sameSite...)
	en := i18n.Portal().Printer(language.English)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), en.T("callback.unavailable")) || !strings.Contains(rec.Body.String(), `href="tel:112"`) {
		t.Errorf("a failing inbox: %d; want 503 with the message and the numbers to call", rec.Code)
	}
	if strings.Contains(logs.String(), "765 43") || strings.Contains(logs.String(), "7654321") || strings.Contains(logs.String(), "CANARY") || !strings.Contains(logs.String(), "not stored") {
		t.Errorf("the log: %s", logs.String())
	}

	_, srv, now = callbackServer(t, nil)
	token = formToken(t, srv, "en")
	*now = now.Add(10 * time.Second)
	if rec := post(srv, "en", "192.0.2.9", goodForm(token), sameSite...); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("without an inbox: %d, want 503", rec.Code)
	}
}
