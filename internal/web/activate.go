package web

import (
	"html/template"
	"net/http"
	"strings"

	"fristad"
	"fristad/internal/render"
)

// ActivatePage lets a new user choose a password.
type ActivatePage struct {
	render.Page
	Token string
	Email string
	Error *FormError
}

// ActivateCodePage shows the TOTP secret to enrol and asks for a code.
type ActivateCodePage struct {
	render.Page
	Token  string
	Secret string // grouped in fours for reading aloud or typing
	URI    template.URL
	Error  *FormError
}

func (h *Handler) handleActivateForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	a, err := h.cfg.Auth.CheckActivation(r.Context(), token)
	if err != nil {
		return err
	}
	page := ActivatePage{Page: h.page(w, r), Token: token, Email: a.Email}
	page.Title = page.T("activate.title")
	return h.engine.Render(w, r, http.StatusOK, "activate", &page)
}

func (h *Handler) handleActivatePassword(w http.ResponseWriter, r *http.Request) error {
	token := r.PostForm.Get("token")
	a, err := h.cfg.Auth.CheckActivation(r.Context(), token)
	if err != nil {
		return err
	}
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("password2") {
		err = &fristad.Error{Code: fristad.EINVALID, Field: "password2", Key: "activate.password.mismatch", Message: "the passwords differ"}
	}
	var enr *fristad.TOTPEnrolment
	if err == nil {
		enr, err = h.cfg.Auth.SetActivationPassword(r.Context(), token, password)
	}
	if err != nil {
		page := ActivatePage{Page: h.page(w, r), Token: token, Email: a.Email}
		page.Title = page.T("activate.title")
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		if fe.Field == "" {
			fe.Field = "password"
		}
		page.Error = fe
		return h.engine.Render(w, r, fristad.ErrorStatus(err), "activate", &page)
	}
	return h.renderActivateCode(w, r, token, enr.Secret, enr.URI, nil)
}

func (h *Handler) renderActivateCode(w http.ResponseWriter, r *http.Request, token, secret, uri string, fe *FormError) error {
	page := ActivateCodePage{Page: h.page(w, r), Token: token, Secret: groupBy4(secret), URI: otpauthURL(uri), Error: fe}
	page.Title = page.T("activate.code.title")
	status := http.StatusOK
	if fe != nil {
		status = http.StatusBadRequest
	}
	return h.engine.Render(w, r, status, "activate_code", &page)
}

func (h *Handler) handleActivateCode(w http.ResponseWriter, r *http.Request) error {
	token := r.PostForm.Get("token")
	err := h.cfg.Auth.CompleteActivation(r.Context(), token, r.PostForm.Get("code"))
	if fristad.ErrorCode(err) == fristad.EINVALID {
		// Show the same secret again: it is stored, sealed, with the
		// activation; the copy in the form is only for display.
		page := h.page(w, r)
		fe, _ := formErrorFor(&page, err)
		fe.Field = "code"
		secret := strings.ReplaceAll(r.PostForm.Get("secret"), " ", "")
		return h.renderActivateCode(w, r, token, secret, r.PostForm.Get("uri"), fe)
	}
	if err != nil {
		return err
	}
	clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login?activated=1", http.StatusSeeOther)
	return nil
}

// otpauthURL lets an authenticator link through the template's URL
// filter — otpauth: is not a scheme it knows — and only such a link: the
// value may come back from a form.
func otpauthURL(uri string) template.URL {
	if !strings.HasPrefix(uri, "otpauth://totp/") || strings.ContainsAny(uri, "\"'<> \n\r") {
		return ""
	}
	return template.URL(uri)
}

// groupBy4 writes a base32 secret in groups of four characters.
func groupBy4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
