package fristad_test

import (
	"testing"

	"fristad"
)

// TestConsentStatusOn checks that a given consent reads as expired once
// its last day has passed, and only then.
func TestConsentStatusOn(t *testing.T) {
	for _, tt := range []struct {
		status, expires, day, want string
	}{
		{fristad.ConsentGiven, "", "2030-01-01", fristad.ConsentGiven},
		{fristad.ConsentGiven, "2026-05-04", "2026-05-03", fristad.ConsentGiven},
		{fristad.ConsentGiven, "2026-05-04", "2026-05-04", fristad.ConsentGiven}, // its last day
		{fristad.ConsentGiven, "2026-05-04", "2026-05-05", fristad.ConsentExpired},
		{fristad.ConsentWithdrawn, "2026-05-04", "2026-05-05", fristad.ConsentWithdrawn},
		{fristad.ConsentExpired, "2026-05-04", "2026-05-05", fristad.ConsentExpired},
	} {
		c := &fristad.Consent{Status: tt.status, ExpiresOn: tt.expires}
		if got := c.StatusOn(tt.day); got != tt.want {
			t.Errorf("%s consent expiring %q on %s reads %s; want %s", tt.status, tt.expires, tt.day, got, tt.want)
		}
	}
}
