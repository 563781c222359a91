package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRealClient checks whose address a request carries behind reverse
// proxies: the right-most address in X-Forwarded-For that is not a
// trusted proxy, and only when the peer is one; a forged hop on the left
// changes nothing.
func TestRealClient(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8, 127.0.0.1, ::1")
	if err != nil || len(trusted) != 3 {
		t.Fatalf("ParseProxies = %v, %v", trusted, err)
	}
	for _, bad := range []string{"bogus", "10.0.0.0/33", "1.2.3.4,x"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
	for _, tt := range []struct {
		name, peer, xff, want string
		trust                 bool
	}{
		{"no proxies trusted", "127.0.0.1:5000", "203.0.113.5", "127.0.0.1:5000", false},
		{"one trusted proxy", "127.0.0.1:5000", "203.0.113.5", "203.0.113.5:0", true},
		{"a chain of trusted proxies", "127.0.0.1:5000", "198.51.100.1, 10.0.0.2", "198.51.100.1:0", true},
		{"a forged hop on the left", "127.0.0.1:5000", "1.2.3.4, 203.0.113.9", "203.0.113.9:0", true},
		{"a peer that is no proxy", "192.0.2.7:5000", "203.0.113.5", "192.0.2.7:5000", true},
		{"a malformed hop", "127.0.0.1:5000", "203.0.113.5, nonsense", "127.0.0.1:5000", true},
		{"no header", "127.0.0.1:5000", "", "127.0.0.1:5000", true},
		{"IPv6", "[::1]:5000", "2001:db8::7", "[2001:db8::7]:0", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr })
			var proxies = trusted
			if !tt.trust {
				proxies = nil
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.peer
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			realClient(proxies, h).ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("RemoteAddr = %q; want %q", got, tt.want)
			}
		})
	}
}
