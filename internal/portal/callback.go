package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"fristad"

	"golang.org/x/text/language"
)

// The call-back form (IN-08): a visitor leaves only a safe way and time to
// be reached, and a coordinator calls her back. Unlike the content pages
// it is rendered for each request, with a fresh form token, and never
// cached. The portal keeps nothing: it hands the request to the inbox
// (fristad.CallbackInbox), which can only take requests in.
//
// Without cookies there is no session to tie a CSRF token to. Instead the
// form is accepted only as a same-origin browser post (Sec-Fetch-Site or
// Origin, besides the server's cross-origin protection), with a form token
// that proves the form was fetched from here a few seconds to two hours
// before, with a field that people never see and bots fill in, and a
// limit per address that is held only in this process's memory, keyed by
// a keyed hash of the address, and never logged.

// callbackPath is the form's address under /{lang}/: neutral words, the
// same in every language (IN-05).
const callbackPath = "call-back"

// Limits of the call-back form.
const (
	formMinAge     = 3 * time.Second // people take longer to fill it in
	formMaxAge     = 2 * time.Hour
	rateWindow     = time.Hour
	rateLimit      = 10     // posts per address per window
	rateMaxEntries = 100000 // addresses remembered at most
)

// callbackForm is the form's state in this process: the key of its form
// tokens and of its address hashes, and the posts per address.
type callbackForm struct {
	inbox *Inbox
	key   [32]byte
	now   func() time.Time

	mu    sync.Mutex
	posts map[[16]byte][]time.Time // by keyed hash of the address
}

func newCallbackForm(inbox *Inbox) *callbackForm {
	f := &callbackForm{inbox: inbox, now: time.Now, posts: map[[16]byte][]time.Time{}}
	rand.Read(f.key[:])
	return f
}

// token returns a form token for a form served at t.
func (f *callbackForm) token(t time.Time) string {
	var b [8 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.Unix()))
	mac := hmac.New(sha256.New, f.key[:])
	mac.Write([]byte("form|"))
	mac.Write(b[:8])
	copy(b[8:], mac.Sum(nil))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// checkToken reports whether tok is one of ours, for a form served long
// enough ago to have been filled in by a person, and not too long ago.
func (f *callbackForm) checkToken(tok string) bool {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != 24 {
		return false
	}
	mac := hmac.New(sha256.New, f.key[:])
	mac.Write([]byte("form|"))
	mac.Write(b[:8])
	if !hmac.Equal(b[8:], mac.Sum(nil)[:16]) {
		return false
	}
	age := f.now().Sub(time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0))
	return age >= formMinAge && age <= formMaxAge
}

// allow counts a post from addr and reports whether it is within the
// limit. Only a keyed hash of the address is held, in memory, for the
// window; the key is this process's and dies with it.
func (f *callbackForm) allow(addr string) bool {
	mac := hmac.New(sha256.New, f.key[:])
	mac.Write([]byte("addr|" + addr))
	var k [16]byte
	copy(k[:], mac.Sum(nil))
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.posts) >= rateMaxEntries {
		for k, ts := range f.posts {
			if now.Sub(ts[len(ts)-1]) > rateWindow {
				delete(f.posts, k)
			}
		}
		if len(f.posts) >= rateMaxEntries {
			return false // a flood from many addresses: refuse until it ages out
		}
	}
	ts := slices.DeleteFunc(f.posts[k], func(t time.Time) bool { return now.Sub(t) > rateWindow })
	if len(ts) >= rateLimit {
		f.posts[k] = ts
		return false
	}
	f.posts[k] = append(ts, now)
	return true
}

// sameOrigin reports whether r is a form post from a page of this site,
// as a browser marks it. Requests that carry neither mark are refused
// here: the form is for browsers, and every browser in use sends one.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// CallbackPage is the call-back form, or, once sent, what happens next.
type CallbackPage struct {
	Page
	Sent      bool
	Form      CallbackFormValues
	Errors    []FieldMessage // beside their fields, and listed above the form
	Problem   string         // a message for the whole form: try again, too many, unavailable
	Token     string
	Languages []Alternate // the languages she may ask to be spoken to in
	Counties  []fristad.County
	Channels  []string
	Times     []string
	Urgent    []ContactView // the numbers to call now instead (IN-07)
	Help      string        // the help page
}

// CallbackFormValues is what she typed, to show again.
type CallbackFormValues struct {
	Channel, Phone, TimeNote, Language, Region string
	Times                                      []string
	Interpreter, LeaveMessage, SayWhoCalls     bool
}

// FieldMessage is a translated message for one field.
type FieldMessage struct {
	Field, Message string
}

// Error returns the message for field, or "".
func (p *CallbackPage) Error(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Has reports whether she chose time t.
func (p *CallbackPage) Has(t string) bool { return slices.Contains(p.Form.Times, t) }

// registerCallback adds the form's post route. The form itself is served
// by handlePage, as GET /{lang}/call-back would clash with the static
// files' GET /static/{file}.
func (h *Handler) registerCallback(mux *http.ServeMux) {
	mux.Handle("POST /{lang}/"+callbackPath, h.handle(h.handleCallbackPost))
}

// callbackLanguage returns the language of the form's address, or
// ENOTFOUND.
func (h *Handler) callbackLanguage(r *http.Request) (language.Tag, error) {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok || tag.String() != r.PathValue("lang") {
		return language.Und, fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	return tag, nil
}

// newCallbackPage returns the form's page in language tag.
func (h *Handler) newCallbackPage(r *http.Request, tag language.Tag) *CallbackPage {
	info := &PageInfo{ID: "callback", Path: callbackPath}
	c := h.content()
	p := &CallbackPage{Page: h.newPage(c, r, tag, info)}
	p.Title = p.T("callback.title")
	lang := tag.String()
	p.Form.Language = lang
	p.Token = h.form.token(h.form.now())
	p.Counties, p.Channels, p.Times = fristad.Counties, fristad.CallbackChannels, fristad.CallbackTimes
	p.Help = pageHref(lang, "help")
	for _, other := range h.catalog.Languages() {
		p.Languages = append(p.Languages, Alternate{Tag: other.String(), Name: h.catalog.LanguageName(other)})
	}
	for _, ct := range contactViews(c.Site, c.Texts[tag]) {
		if c.Site.Contact(ct.ID).Urgent {
			p.Urgent = append(p.Urgent, ct)
		}
	}
	return p
}

func (h *Handler) handleCallbackForm(w http.ResponseWriter, r *http.Request) error {
	tag, err := h.callbackLanguage(r)
	if err != nil {
		return err
	}
	return h.renderCallback(w, r, http.StatusOK, h.newCallbackPage(r, tag))
}

// handleCallbackPost takes a request in. Nothing of what she typed is
// logged; the request log has only the route, never the body.
func (h *Handler) handleCallbackPost(w http.ResponseWriter, r *http.Request) error {
	tag, err := h.callbackLanguage(r)
	if err != nil {
		return err
	}
	if !sameOrigin(r) {
		return fristad.Errorf(fristad.EFORBIDDEN, "the call-back form is accepted only from this site's page")
	}
	if err := r.ParseForm(); err != nil {
		return fristad.Errorf(fristad.EINVALID, "unreadable form")
	}
	f := r.PostForm
	page := h.newCallbackPage(r, tag)
	page.Form = CallbackFormValues{
		Channel: f.Get("channel"), Phone: f.Get("phone"), TimeNote: fristad.NormalizeNewlines(f.Get("time_note")),
		Language: f.Get("language"), Region: f.Get("region"), Times: f["times"],
		Interpreter: f.Get("interpreter") == "yes", LeaveMessage: f.Get("leave_message") == "yes", SayWhoCalls: f.Get("say_who") == "yes",
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	switch {
	case !h.form.allow(host):
		page.Problem = page.T("callback.limited")
		return h.renderCallback(w, r, http.StatusTooManyRequests, page)
	case !h.form.checkToken(f.Get("form_token")):
		page.Problem = page.T("callback.retry")
		return h.renderCallback(w, r, http.StatusBadRequest, page)
	}
	// Her form's token stays hers: correcting a field is quick, and must
	// not be taken for a bot's speed.
	page.Token = f.Get("form_token")
	switch {
	case f.Get("website") != "":
		// Only a bot fills in the field no person sees. It is told what a
		// person would be, and nothing is kept.
		page.Sent = true
		return h.renderCallback(w, r, http.StatusOK, page)
	case h.form.inbox == nil:
		page.Problem = page.T("callback.unavailable")
		return h.renderCallback(w, r, http.StatusServiceUnavailable, page)
	}
	v := page.Form
	req := &fristad.CallbackRequest{Channel: v.Channel, Phone: v.Phone, Times: v.Times, TimeNote: v.TimeNote, LeaveMessage: v.LeaveMessage,
		SayWhoCalls: v.SayWhoCalls, Language: v.Language, Interpreter: v.Interpreter, Region: v.Region}
	err = h.form.inbox.SubmitCallback(r.Context(), req)
	switch fristad.ErrorCode(err) {
	case "":
		page.Sent, page.Form = true, CallbackFormValues{}
		return h.renderCallback(w, r, http.StatusOK, page)
	case fristad.EINVALID:
		for _, fe := range fristad.FieldErrors(err) {
			page.Errors = append(page.Errors, FieldMessage{Field: fe.Field, Message: page.T(fe.Key)})
		}
		return h.renderCallback(w, r, http.StatusUnprocessableEntity, page)
	}
	// The error is logged without anything she typed: store errors carry
	// no field values.
	slog.ErrorContext(r.Context(), "call-back request not stored", "code", fristad.ErrorCode(err), "request_id", page.RequestID)
	page.Problem = page.T("callback.unavailable")
	return h.renderCallback(w, r, http.StatusServiceUnavailable, page)
}

// renderCallback renders the form page. It is never cached or stored
// (IN-05). A page that shows what she typed is not compressed: a
// compressed secret beside text someone else controls can leak through
// the size (BREACH).
func (h *Handler) renderCallback(w http.ResponseWriter, r *http.Request, status int, page *CallbackPage) error {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodPost {
		r = r.Clone(r.Context())
		r.Header.Del("Accept-Encoding")
	}
	if err := h.engine.Render(w, r, status, "callback", page); err != nil {
		return errors.Join(fristad.Errorf(fristad.EINTERNAL, "render the call-back page"), err)
	}
	return nil
}
