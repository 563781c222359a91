package fristad

import (
	"errors"
	"strings"
	"testing"
)

// TestProviderPublicFields checks what a provider may publish in the
// directory: a plain description and a phone number, nothing else.
func TestProviderPublicFields(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     Provider
		field string
	}{
		{"letters in the phone", Provider{PublicPhone: "call 112"}, "public_phone"},
		{"too few digits", Provider{PublicPhone: "+4"}, "public_phone"},
		{"plus inside", Provider{PublicPhone: "46+10"}, "public_phone"},
		{"description too long", Provider{PublicDescription: strings.Repeat("a", MaxPublicDescription+1)}, "public_description"},
		{"control character", Provider{PublicDescription: "a\x00b"}, "public_description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.Certification = "pending"
			err := p.Validate()
			var e *Error
			if ErrorCode(err) != EINVALID || !errors.As(err, &e) || e.Field != tc.field {
				t.Errorf("Validate() = %v; want EINVALID on %s", err, tc.field)
			}
		})
	}
	ok := Provider{Certification: "pending", PublicPhone: " +46 (10)  000-00 01 "}
	if err := ok.Validate(); err != nil || ok.PublicPhone != "+46 (10) 000-00 01" {
		t.Errorf("Validate() = %v, phone %q", err, ok.PublicPhone)
	}
}
