package web

import (
	"testing"

	"fristad"
	"fristad/internal/i18n"
)

// TestConsentLabels checks that every code of the journal and consent
// code lists has a label in every staff language.
func TestConsentLabels(t *testing.T) {
	c := i18n.Staff()
	for _, tag := range c.Languages() {
		p := c.Printer(tag)
		for prefix, list := range map[string][]string{
			"sensitivity": fristad.Sensitivities, "sensitivity.hint": fristad.Sensitivities,
			"purpose": fristad.ConsentPurposes, "datacategory": fristad.DataCategories,
			"legalbasis": fristad.LegalBases, "consentstatus": fristad.ConsentStatuses,
		} {
			for _, code := range list {
				if key := prefix + "." + code; p.T(key) == key {
					t.Errorf("%s: no label %s", tag, key)
				}
			}
		}
	}
}
