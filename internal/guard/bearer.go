package guard

import (
	"net/http"
	"strings"
)

// BearerToken returns the token of r's "Authorization: Bearer TOKEN"
// header, trimmed of surrounding space, for the API's token service to
// authenticate; which actor it stands for is that service's to say. ok is
// false when r names no token: no such header, another scheme, or
// nothing after "Bearer ". A token of spaces only is still one the
// client sent, and is returned empty for the service to refuse, so that
// it is answered as a wrong token and not as a request without one.
func BearerToken(r *http.Request) (token string, ok bool) {
	token, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}
