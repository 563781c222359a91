package guard

import (
	"net/http/httptest"
	"testing"
)

// TestBearerToken reads the token of an Authorization header, and only of
// the Bearer scheme.
func TestBearerToken(t *testing.T) {
	for _, tt := range []struct {
		header string // "" for no header
		token  string
		ok     bool
	}{
		{"", "", false},
		{"Bearer abc123", "abc123", true},
		{"Bearer  abc123 ", "abc123", true},
		{"Bearer ", "", false},
		{"Bearer", "", false},
		{"bearer abc123", "", false}, // the scheme as RFC 6750 spells it
		{"Basic dXNlcjpwYXNz", "", false},
		{"abc123", "", false},
		// Spaces only are a token sent, for the token service to refuse.
		{"Bearer   ", "", true},
	} {
		r := httptest.NewRequest("GET", "/api/v1/me", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		token, ok := BearerToken(r)
		if token != tt.token || ok != tt.ok {
			t.Errorf("BearerToken(Authorization: %q) = %q, %v; want %q, %v", tt.header, token, ok, tt.token, tt.ok)
		}
	}
}
