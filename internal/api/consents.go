package api

import (
	"net/http"
	"time"

	"fristad"
)

// ConsentJSON is a consent in the API. The guardian and the child's view
// are set only for a presumed child.
type ConsentJSON struct {
	ID                     string     `json:"id"`
	Purpose                string     `json:"purpose"`
	RecipientOrganisation  string     `json:"recipient_organisation_id"`
	DataCategories         []string   `json:"data_categories"`
	GivenOn                string     `json:"given_on"`
	Language               string     `json:"language"`
	Interpreter            bool       `json:"interpreter"`
	ExpiresOn              string     `json:"expires_on,omitempty"`
	GuardianConsent        bool       `json:"guardian_consent"`
	Guardian               string     `json:"guardian,omitempty"`
	ChildView              string     `json:"child_view,omitempty"`
	Note                   string     `json:"note,omitempty"`
	Status                 string     `json:"status"`
	WithdrawnAt            *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawnBy            string     `json:"withdrawn_by,omitempty"`
	RecordedBy             string     `json:"recorded_by"`
	RecordedByOrganisation string     `json:"recorded_by_organisation_id"`
	RecordedAt             time.Time  `json:"recorded_at"`
}

// NewConsentJSON is the body of POST /cases/{id}/consents.
type NewConsentJSON struct {
	Purpose               string   `json:"purpose"`
	RecipientOrganisation string   `json:"recipient_organisation_id"`
	DataCategories        []string `json:"data_categories"`
	GivenOn               string   `json:"given_on"`
	Language              string   `json:"language"`
	Interpreter           bool     `json:"interpreter"`
	ExpiresOn             string   `json:"expires_on"`
	GuardianConsent       bool     `json:"guardian_consent"`
	Guardian              string   `json:"guardian"`
	ChildView             string   `json:"child_view"`
	Note                  string   `json:"note"`
}

// DisclosureJSON is a disclosure in the API.
type DisclosureJSON struct {
	ID                     string    `json:"id"`
	RecipientOrganisation  string    `json:"recipient_organisation_id"`
	Purpose                string    `json:"purpose"`
	DataCategories         []string  `json:"data_categories"`
	LegalBasis             string    `json:"legal_basis"`
	ConsentID              string    `json:"consent_id,omitempty"`
	Explanation            string    `json:"explanation,omitempty"`
	DisclosedOn            string    `json:"disclosed_on"`
	RecordedBy             string    `json:"recorded_by"`
	RecordedByOrganisation string    `json:"recorded_by_organisation_id"`
	RecordedAt             time.Time `json:"recorded_at"`
}

// NewDisclosureJSON is the body of POST /cases/{id}/disclosures.
type NewDisclosureJSON struct {
	RecipientOrganisation string   `json:"recipient_organisation_id"`
	Purpose               string   `json:"purpose"`
	DataCategories        []string `json:"data_categories"`
	LegalBasis            string   `json:"legal_basis"`
	ConsentID             string   `json:"consent_id"`
	Explanation           string   `json:"explanation"`
	DisclosedOn           string   `json:"disclosed_on"`
}

func consentJSON(c *fristad.Consent) ConsentJSON {
	return ConsentJSON{
		ID: c.ID, Purpose: c.Purpose, RecipientOrganisation: c.RecipientOrganisation, DataCategories: nonNil(c.DataCategories),
		GivenOn: c.GivenOn, Language: c.Language, Interpreter: c.Interpreter, ExpiresOn: c.ExpiresOn,
		GuardianConsent: c.GuardianConsent, Guardian: c.Guardian, ChildView: c.ChildView, Note: c.Note, Status: c.Status,
		WithdrawnAt: c.WithdrawnAt, WithdrawnBy: c.WithdrawnBy, RecordedBy: c.RecordedBy,
		RecordedByOrganisation: c.RecordedByOrganisation, RecordedAt: c.RecordedAt,
	}
}

func disclosureJSON(d *fristad.Disclosure) DisclosureJSON {
	return DisclosureJSON{
		ID: d.ID, RecipientOrganisation: d.RecipientOrganisation, Purpose: d.Purpose, DataCategories: nonNil(d.DataCategories),
		LegalBasis: d.LegalBasis, ConsentID: d.ConsentID, Explanation: d.Explanation, DisclosedOn: d.DisclosedOn,
		RecordedBy: d.RecordedBy, RecordedByOrganisation: d.RecordedByOrganisation, RecordedAt: d.RecordedAt,
	}
}

func (h *Handler) handleConsents(w http.ResponseWriter, r *http.Request) error {
	consents, err := h.cfg.Consents.FindConsents(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Consents []ConsentJSON `json:"consents"`
	}{Consents: []ConsentJSON{}}
	for _, c := range consents {
		out.Consents = append(out.Consents, consentJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleCreateConsent(w http.ResponseWriter, r *http.Request) error {
	var in NewConsentJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &fristad.Consent{
		Purpose: in.Purpose, RecipientOrganisation: in.RecipientOrganisation, DataCategories: in.DataCategories,
		GivenOn: in.GivenOn, Language: in.Language, Interpreter: in.Interpreter, ExpiresOn: in.ExpiresOn,
		GuardianConsent: in.GuardianConsent, Guardian: in.Guardian, ChildView: in.ChildView, Note: in.Note,
	}
	if err := h.cfg.Consents.CreateConsent(r.Context(), r.PathValue("id"), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, consentJSON(c))
	return nil
}

// handleWithdrawConsent takes no body, or an empty JSON object.
func (h *Handler) handleWithdrawConsent(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength != 0 {
		var in struct{}
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	c, err := h.cfg.Consents.WithdrawConsent(r.Context(), r.PathValue("id"), r.PathValue("consentID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, consentJSON(c))
	return nil
}

func (h *Handler) handleDisclosures(w http.ResponseWriter, r *http.Request) error {
	disclosures, err := h.cfg.Consents.FindDisclosures(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Disclosures []DisclosureJSON `json:"disclosures"`
	}{Disclosures: []DisclosureJSON{}}
	for _, d := range disclosures {
		out.Disclosures = append(out.Disclosures, disclosureJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleCreateDisclosure(w http.ResponseWriter, r *http.Request) error {
	var in NewDisclosureJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	d := &fristad.Disclosure{
		RecipientOrganisation: in.RecipientOrganisation, Purpose: in.Purpose, DataCategories: in.DataCategories,
		LegalBasis: in.LegalBasis, ConsentID: in.ConsentID, Explanation: in.Explanation, DisclosedOn: in.DisclosedOn,
	}
	if err := h.cfg.Consents.CreateDisclosure(r.Context(), r.PathValue("id"), d); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, disclosureJSON(d))
	return nil
}
