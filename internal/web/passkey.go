package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"

	"fristad"
	"fristad/internal/guard"
	"fristad/internal/render"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// ceremonyCookie carries the one-time token of a WebAuthn ceremony between
// its two requests.
const ceremonyCookie = "__Host-fristad-ceremony"

// relyingParty is the WebAuthn configuration for the workspace's address.
// Passkeys are bound to that address: a look-alike site cannot use them,
// which is what makes them resistant to phishing (SR-01).
type relyingParty struct {
	wa atomic.Pointer[webauthn.WebAuthn]
}

// SetStaffURL sets the address staff reach the workspace at, when it was
// not configured: the server calls it once it knows its own address. The
// relying party is built from it.
func (h *Handler) SetStaffURL(staffURL string) error {
	if h.cfg.StaffURL == "" {
		h.cfg.StaffURL = staffURL
	}
	u, err := url.Parse(h.cfg.StaffURL)
	if err != nil {
		return err
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: "Fristad",
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationRequired,
		},
		AttestationPreference: protocol.PreferNoAttestation,
	})
	if err != nil {
		return err
	}
	h.rp.wa.Store(wa)
	return nil
}

func (h *Handler) webauthn() (*webauthn.WebAuthn, error) {
	if wa := h.rp.wa.Load(); wa != nil {
		return wa, nil
	}
	return nil, fristad.Errorf(fristad.EUNAVAILABLE, "passkeys are not configured")
}

// waUser adapts a user and their passkeys to the WebAuthn library.
type waUser struct {
	user  *fristad.User
	creds []webauthn.Credential
}

func (u *waUser) WebAuthnID() []byte                         { return []byte(u.user.ID) }
func (u *waUser) WebAuthnName() string                       { return u.user.Email }
func (u *waUser) WebAuthnDisplayName() string                { return u.user.Email }
func (u *waUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func newWAUser(user *fristad.User, keys []*fristad.Passkey) (*waUser, error) {
	u := &waUser{user: user}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Credential, &c); err != nil {
			return nil, err
		}
		u.creds = append(u.creds, c)
	}
	return u, nil
}

// actorAsWAUser returns the logged-in user with their passkeys.
func (h *Handler) actorAsWAUser(r *http.Request) (*waUser, []*fristad.Passkey, error) {
	a := fristad.ActorFromContext(r.Context())
	keys, err := h.cfg.Passkeys.Passkeys(r.Context())
	if err != nil {
		return nil, nil, err
	}
	u, err := newWAUser(&fristad.User{ID: a.UserID, Email: a.Email, Name: a.Name}, keys)
	return u, keys, err
}

// PasskeysPage lists the user's passkeys.
type PasskeysPage struct {
	render.Page
	Passkeys []*fristad.Passkey
	Fresh    bool // a second factor was confirmed a moment ago
}

func (h *Handler) handlePasskeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := h.cfg.Passkeys.Passkeys(r.Context())
	if err != nil {
		return err
	}
	page := PasskeysPage{Page: h.page(w, r), Passkeys: keys}
	page.Fresh = fristad.ActorFromContext(r.Context()).FreshStepUp(h.now())
	page.Title = page.T("passkeys.title")
	return h.engine.Render(w, r, http.StatusOK, "passkeys", &page)
}

func (h *Handler) handleRemovePasskey(w http.ResponseWriter, r *http.Request) error {
	err := h.cfg.Passkeys.RemovePasskey(r.Context(), r.PathValue("id"))
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		http.Redirect(w, r, "/account/step-up?next=/account/passkeys", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account/passkeys", http.StatusSeeOther)
	return nil
}

// startCeremony keeps a ceremony's state and hands its token to the
// browser in a cookie.
func (h *Handler) startCeremony(w http.ResponseWriter, r *http.Request, kind, userID string, session *webauthn.SessionData) error {
	data, err := json.Marshal(session)
	if err != nil {
		return err
	}
	token, err := h.cfg.Passkeys.SaveCeremony(r.Context(), kind, userID, data)
	if err != nil {
		return err
	}
	setCookie(w, ceremonyCookie, token, fristad.CeremonyTTL)
	return nil
}

// takeCeremony returns the state of the browser's ceremony, once.
func (h *Handler) takeCeremony(w http.ResponseWriter, r *http.Request, kind string) (string, *webauthn.SessionData, error) {
	c, err := r.Cookie(ceremonyCookie)
	if err != nil {
		return "", nil, fristad.Localized(fristad.EINVALID, "passkey.expired", nil, "the passkey request expired; try again")
	}
	clearCookie(w, ceremonyCookie)
	userID, data, err := h.cfg.Passkeys.TakeCeremony(r.Context(), c.Value, kind)
	if fristad.ErrorCode(err) == fristad.ENOTFOUND {
		return "", nil, fristad.Localized(fristad.EINVALID, "passkey.expired", nil, "the passkey request expired; try again")
	}
	if err != nil {
		return "", nil, err
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(data, &session); err != nil {
		return "", nil, err
	}
	return userID, &session, nil
}

// passkeyAnswer is what the browser posts after a ceremony.
type passkeyAnswer struct {
	Name       string          `json:"name"`
	Next       string          `json:"next"`
	Credential json.RawMessage `json:"credential"`
}

func readAnswer(r *http.Request) (*passkeyAnswer, error) {
	var a passkeyAnswer
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil || len(a.Credential) == 0 {
		return nil, fristad.Errorf(fristad.EINVALID, "the passkey answer cannot be read")
	}
	return &a, nil
}

// answered is a browser's answer to a ceremony, with the ceremony it
// answers.
type answered struct {
	*passkeyAnswer
	wa      *webauthn.WebAuthn
	userID  string // whom the ceremony was begun for, if anyone
	session *webauthn.SessionData
}

// takeAnswer reads a browser's answer and takes the ceremony of kind it
// belongs to, which is used up either way.
func (h *Handler) takeAnswer(w http.ResponseWriter, r *http.Request, kind string) (*answered, error) {
	answer, err := readAnswer(r)
	if err != nil {
		return nil, err
	}
	wa, err := h.webauthn()
	if err != nil {
		return nil, err
	}
	userID, session, err := h.takeCeremony(w, r, kind)
	if err != nil {
		return nil, err
	}
	return &answered{answer, wa, userID, session}, nil
}

// assertion parses the answer to a login or step-up.
func (a *answered) assertion() (*protocol.ParsedCredentialAssertionData, error) {
	parsed, err := protocol.ParseCredentialRequestResponseBody(bytes.NewReader(a.Credential))
	if err != nil {
		return nil, refused()
	}
	return parsed, nil
}

// refused is the answer to a passkey the verifier did not accept.
func refused() error {
	return fristad.Localized(fristad.EUNAUTHORIZED, "passkey.refused", nil, "the passkey was not accepted")
}

func (h *Handler) handlePasskeyRegisterOptions(w http.ResponseWriter, r *http.Request) error {
	if !fristad.ActorFromContext(r.Context()).FreshStepUp(h.now()) {
		return fristad.ErrStepUpRequired()
	}
	wa, err := h.webauthn()
	if err != nil {
		return err
	}
	user, _, err := h.actorAsWAUser(r)
	if err != nil {
		return err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range user.creds {
		exclude = append(exclude, c.Descriptor())
	}
	options, session, err := wa.BeginRegistration(user, webauthn.WithExclusions(exclude))
	if err != nil {
		return err
	}
	if err := h.startCeremony(w, r, fristad.CeremonyRegister, user.user.ID, session); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, options)
}

func (h *Handler) handlePasskeyRegister(w http.ResponseWriter, r *http.Request) error {
	a, err := h.takeAnswer(w, r, fristad.CeremonyRegister)
	if err != nil {
		return err
	}
	user, _, err := h.actorAsWAUser(r)
	if err != nil {
		return err
	}
	if a.userID != user.user.ID {
		return refused()
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(bytes.NewReader(a.Credential))
	if err != nil {
		return refused()
	}
	cred, err := a.wa.CreateCredential(user, *a.session, parsed)
	if err != nil {
		slog.InfoContext(r.Context(), "passkey registration refused", "err", err)
		return refused()
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	p := &fristad.Passkey{ID: base64.RawURLEncoding.EncodeToString(cred.ID), Name: a.Name, Credential: data}
	if err := h.cfg.Passkeys.AddPasskey(r.Context(), p); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"redirect": "/account/passkeys"})
}

func (h *Handler) handlePasskeyLoginOptions(w http.ResponseWriter, r *http.Request) error {
	wa, err := h.webauthn()
	if err != nil {
		return err
	}
	options, session, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return err
	}
	if err := h.startCeremony(w, r, fristad.CeremonyLogin, "", session); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, options)
}

func (h *Handler) handlePasskeyLogin(w http.ResponseWriter, r *http.Request) error {
	a, err := h.takeAnswer(w, r, fristad.CeremonyLogin)
	if err != nil {
		return err
	}
	parsed, err := a.assertion()
	if err != nil {
		return err
	}
	var keys []*fristad.Passkey
	found, cred, err := a.wa.ValidatePasskeyLogin(func(rawID, userHandle []byte) (webauthn.User, error) {
		u, k, err := h.cfg.Passkeys.PasskeyUser(r.Context(), userHandle)
		if err != nil {
			return nil, err
		}
		keys = k
		return newWAUser(u, k)
	}, *a.session, parsed)
	if err != nil {
		slog.InfoContext(r.Context(), "passkey login refused", "err", err)
		return refused()
	}
	user := found.(*waUser).user
	p, err := h.checkedPasskey(r, user.ID, keys, cred)
	if err != nil {
		return err
	}
	token, err := h.cfg.Passkeys.LoginWithPasskey(r.Context(), user.ID, p, client(r))
	if err != nil {
		return err
	}
	clearCookie(w, pendingCookie)
	setCookie(w, sessionCookie, token, 0)
	clearCookie(w, guard.CSRFCookie)
	return writeJSON(w, http.StatusOK, map[string]string{"redirect": localPath(a.Next)})
}

// checkedPasskey returns the stored passkey that verified, with its new
// counters, refusing one whose signature counter went backwards: a sign
// of a cloned authenticator, which is audited (SR-01).
func (h *Handler) checkedPasskey(r *http.Request, userID string, keys []*fristad.Passkey, cred *webauthn.Credential) (*fristad.Passkey, error) {
	if cred.Authenticator.CloneWarning {
		if err := h.cfg.Passkeys.RecordPasskeyFailure(r.Context(), userID, "authn.clone_suspected", client(r)); err != nil {
			return nil, err
		}
		return nil, refused()
	}
	id := base64.RawURLEncoding.EncodeToString(cred.ID)
	for _, k := range keys {
		if k.ID == id {
			data, err := json.Marshal(cred)
			if err != nil {
				return nil, err
			}
			return &fristad.Passkey{ID: id, UserID: userID, Credential: data}, nil
		}
	}
	return nil, refused()
}

// StepUpPage asks a logged-in user to confirm a second factor again
// before a sensitive action (SR-13).
type StepUpPage struct {
	render.Page
	Next       string
	Error      *FormError
	HasPasskey bool
}

func (h *Handler) handleStepUpForm(w http.ResponseWriter, r *http.Request) error {
	keys, err := h.cfg.Passkeys.Passkeys(r.Context())
	if err != nil {
		return err
	}
	page := StepUpPage{Page: h.page(w, r), Next: localPath(r.URL.Query().Get("next")), HasPasskey: len(keys) > 0}
	page.Title = page.T("stepup.title")
	return h.engine.Render(w, r, http.StatusOK, "stepup", &page)
}

func (h *Handler) handleStepUp(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.PostForm.Get("next"))
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	token, err := h.cfg.Passkeys.StepUpTOTP(r.Context(), c.Value, r.PostForm.Get("code"), client(r))
	if err != nil {
		keys, _ := h.cfg.Passkeys.Passkeys(r.Context())
		page := StepUpPage{Page: h.page(w, r), Next: next, HasPasskey: len(keys) > 0}
		page.Title = page.T("stepup.title")
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		fe.Field = "code"
		page.Error = fe
		return h.engine.Render(w, r, fristad.ErrorStatus(err), "stepup", &page)
	}
	setCookie(w, sessionCookie, token, 0)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) handleStepUpPasskeyOptions(w http.ResponseWriter, r *http.Request) error {
	wa, err := h.webauthn()
	if err != nil {
		return err
	}
	user, _, err := h.actorAsWAUser(r)
	if err != nil {
		return err
	}
	if len(user.creds) == 0 {
		return fristad.Localized(fristad.EINVALID, "passkey.none", nil, "you have no passkey")
	}
	options, session, err := wa.BeginLogin(user, webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return err
	}
	if err := h.startCeremony(w, r, fristad.CeremonyStepUp, user.user.ID, session); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, options)
}

func (h *Handler) handleStepUpPasskey(w http.ResponseWriter, r *http.Request) error {
	a, err := h.takeAnswer(w, r, fristad.CeremonyStepUp)
	if err != nil {
		return err
	}
	user, keys, err := h.actorAsWAUser(r)
	if err != nil {
		return err
	}
	if a.userID != user.user.ID {
		return refused()
	}
	parsed, err := a.assertion()
	if err != nil {
		return err
	}
	cred, err := a.wa.ValidateLogin(user, *a.session, parsed)
	if err != nil {
		slog.InfoContext(r.Context(), "passkey step-up refused", "err", err)
		return refused()
	}
	p, err := h.checkedPasskey(r, user.user.ID, keys, cred)
	if err != nil {
		return err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	token, err := h.cfg.Passkeys.StepUpPasskey(r.Context(), c.Value, p, client(r))
	if err != nil {
		return err
	}
	setCookie(w, sessionCookie, token, 0)
	return writeJSON(w, http.StatusOK, map[string]string{"redirect": localPath(a.Next)})
}

// writeJSON writes v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	buf, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(buf)
	return err
}

// jsonError writes err for the page's script: a code it can act on and a
// translated message it can show.
func (h *Handler) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	page := h.page(w, r)
	ep := render.NewErrorPage(r, err, page)
	msg := ep.Text
	if fe, ok := errors.AsType[*fristad.Error](err); !ok || fe.Key == "" {
		msg = ep.Title
	}
	writeJSON(w, ep.Status, map[string]any{"error": map[string]string{"code": ep.Code, "message": msg}})
}
