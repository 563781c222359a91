package guard

import (
	"net/http"

	"fristad"
	"fristad/internal/auth"
)

// The double-submit form token (SR-51). The workspace gives each browser
// a random token in a cookie and repeats it in every form it draws; a
// state-changing request must send it back in the form, or, from a
// page's script, in a header. The cookie's __Host- prefix makes the
// browser insist on Secure, Path=/ and no Domain, and SameSite=Strict
// keeps it off requests other sites start, so only this site can set it
// and another site cannot know the value to put in a forged form.
const (
	CSRFCookie = "__Host-fristad-csrf" // the token, as the browser keeps it
	CSRFField  = "csrf"                // the form field that repeats it
	CSRFHeader = "X-CSRF-Token"        // where a page's script posting JSON repeats it
)

// minCSRFToken is the length below which a cookie's token is not one
// this package issued, and is replaced.
const minCSRFToken = 26

// CheckCSRF requires the form token of r to equal its token cookie
// (SR-51): EFORBIDDEN when the cookie is missing or the tokens differ.
// parseForm reads r's form, as its site reads forms (uploads, size
// limits), and returns the error to answer with when it cannot; it is
// called only once the cookie is known to be there. The field is read
// from the body only, never the URL's query, and the header is the
// fallback for requests without the field.
func CheckCSRF(r *http.Request, parseForm func(*http.Request) error) error {
	c, err := r.Cookie(CSRFCookie)
	if err != nil || c.Value == "" {
		return fristad.Errorf(fristad.EFORBIDDEN, "no form token cookie")
	}
	if err := parseForm(r); err != nil {
		return err
	}
	token := r.PostForm.Get(CSRFField)
	if token == "" {
		token = r.Header.Get(CSRFHeader)
	}
	if !auth.Equal(token, c.Value) {
		return fristad.Errorf(fristad.EFORBIDDEN, "the form token does not match")
	}
	return nil
}

// CSRFToken returns the form token of r, for the page to put in its
// forms. When the browser has none yet, it issues a new one: it sets the
// cookie on w and adds it to r, so code later in the same request sees
// the token the browser will send back.
func CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(CSRFCookie); err == nil && len(c.Value) >= minCSRFToken {
		return c.Value
	}
	token := auth.NewToken()
	http.SetCookie(w, &http.Cookie{
		Name:     CSRFCookie,
		Value:    token,
		Path:     "/",
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
	r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: token})
	return token
}
