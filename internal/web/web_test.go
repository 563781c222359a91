package web_test

import (
	"strings"
	"testing"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestFormToken checks that a form post needs the token from this site's
// cookie (SR-51): a request with neither Origin nor Sec-Fetch-Site passes
// the cross-origin check but not this one.
func TestFormToken(t *testing.T) {
	s := sitetest.StartOn(t, sqlstoretest.MustOpen(t, sqlstore.SQLite))
	form, token := sitetest.FormToken(t, s)
	for _, tt := range []struct {
		name   string
		header map[string]string
		body   string
		status int
	}{
		{"no cookie, no field", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "lang=en", 403},
		{"cookie, no field", form, "lang=en", 403},
		{"cookie, other field", form, "csrf=ABCDEFGHIJKLMNOPQRSTUVWXYZ&lang=en", 403},
		{"field, no cookie", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, token + "lang=en", 403},
		{"cookie and field", form, token + "lang=en", 303},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := sitetest.Do(t, "POST", s.StaffURL()+"/language", strings.NewReader(tt.body), tt.header)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d; want %d", resp.StatusCode, tt.status)
			}
		})
	}
}
