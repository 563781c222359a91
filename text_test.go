package fristad_test

import (
	"testing"

	"fristad"
)

// TestIsCleanProse checks that running text in a person's own language
// keeps the invisible marks its spelling needs, while names do not, and
// that neither lets through what hides or reorders text (SR-42, SR-44).
func TestIsCleanProse(t *testing.T) {
	for _, tc := range []struct {
		name        string
		s           string
		prose, text bool
	}{
		{"Swedish", "Hon vill åka hem.", true, true},
		{"Dari with a non-joiner", "می\u200cخواهم", true, false},
		{"Arabic with a right-to-left mark", "رقم 112\u200f.", true, false},
		{"a zero-width space", "Ma\u200bria", false, false},
		{"a right-to-left override", "abc\u202edef", false, false},
		{"an isolate", "abc\u2066def", false, false},
		{"a terminal escape", "hej\x1b[2J", false, false},
	} {
		if got := fristad.IsCleanProse(tc.s); got != tc.prose {
			t.Errorf("%s: IsCleanProse = %v", tc.name, got)
		}
		if got := fristad.IsCleanText(tc.s); got != tc.text {
			t.Errorf("%s: IsCleanText = %v", tc.name, got)
		}
	}
}
