package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"fristad"
	"fristad/internal/render"
)

// ConsentsPage shows a case's consents, with their status and a way to
// record a withdrawal, and every disclosure of its data, with forms to
// record new ones.
type ConsentsPage struct {
	render.Page
	CaseHeader
	Consents      []*fristad.Consent
	Disclosures   []*fristad.Disclosure
	Organisations []*fristad.Organisation
	OrgNames      map[string]string
	CanWrite      bool
	Today         string
	Consent       ConsentForm
	Disclosure    DisclosureForm
	ConsentError  *FormError
	// DisclosureError names its field with the "d-" prefix of the
	// disclosure form's inputs.
	DisclosureError *FormError
	Codes           ConsentCodes
}

// ConsentCodes are the code lists the consent forms offer.
type ConsentCodes struct{ Purposes, Categories, Bases []string }

var consentCodes = ConsentCodes{Purposes: fristad.ConsentPurposes, Categories: fristad.DataCategories, Bases: fristad.LegalBases}

// ConsentForm is the consent form as typed.
type ConsentForm struct {
	Purpose, Recipient, GivenOn, Language, ExpiresOn, Guardian, ChildView, Note string
	Categories                                                                  []string
	Interpreter, GuardianConsent                                                bool
}

// DisclosureForm is the disclosure form as typed.
type DisclosureForm struct {
	Recipient, Purpose, LegalBasis, ConsentID, Explanation, DisclosedOn string
	Categories                                                          []string
	JoinTeam                                                            bool
}

// Has reports whether list holds code, for checkboxes.
func (p *ConsentsPage) Has(list []string, code string) bool { return slices.Contains(list, code) }

// InForce returns the consents that hold today, which a disclosure may
// rest on.
func (p *ConsentsPage) InForce() []*fristad.Consent {
	var out []*fristad.Consent
	for _, c := range p.Consents {
		if c.Status == fristad.ConsentGiven && c.InForce(p.Today) {
			out = append(out, c)
		}
	}
	return out
}

func (h *Handler) renderConsents(w http.ResponseWriter, r *http.Request, page *ConsentsPage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Consents, err = h.cfg.Consents.FindConsents(r.Context(), id); err != nil {
		return err
	}
	if page.Disclosures, err = h.cfg.Consents.FindDisclosures(r.Context(), id); err != nil {
		return err
	}
	if page.Organisations, err = h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{}); err != nil {
		return err
	}
	page.OrgNames = map[string]string{}
	for _, o := range page.Organisations {
		page.OrgNames[o.ID] = o.Name
	}
	page.CaseHeader = caseHeader(c, "consents")
	access := c.Reach()
	page.CanWrite = fristad.Can(fristad.ActorFromContext(r.Context()), fristad.ActionConsentWrite, &access)
	page.Codes = consentCodes
	page.Today = h.now().Format("2006-01-02")
	if page.Consent.GivenOn == "" {
		page.Consent.GivenOn = page.Today
	}
	if page.Disclosure.DisclosedOn == "" {
		page.Disclosure.DisclosedOn = page.Today
	}
	page.Title = page.T("consents.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "consents", page)
}

func (h *Handler) handleConsents(w http.ResponseWriter, r *http.Request) error {
	return h.renderConsents(w, r, &ConsentsPage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleCreateConsent(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	form := ConsentForm{
		Purpose: f.Get("purpose"), Recipient: f.Get("recipient_organisation_id"), GivenOn: f.Get("given_on"), Language: f.Get("language"),
		ExpiresOn: f.Get("expires_on"), Guardian: f.Get("guardian"), ChildView: f.Get("child_view"), Note: f.Get("note"),
		Categories: f["data_categories"], Interpreter: f.Get("interpreter") == "on", GuardianConsent: f.Get("guardian_consent") == "on",
	}
	c := &fristad.Consent{
		Purpose: form.Purpose, RecipientOrganisation: form.Recipient, DataCategories: form.Categories, GivenOn: form.GivenOn,
		Language: form.Language, Interpreter: form.Interpreter, ExpiresOn: form.ExpiresOn, GuardianConsent: form.GuardianConsent,
		Guardian: form.Guardian, ChildView: form.ChildView, Note: form.Note,
	}
	err := h.cfg.Consents.CreateConsent(r.Context(), id, c)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := &ConsentsPage{Page: h.page(w, r), Consent: form}
		page.ConsentError, _ = formErrorFor(&page.Page, err)
		return h.renderConsents(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/consents", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleWithdrawConsent(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.cfg.Consents.WithdrawConsent(r.Context(), id, r.PathValue("consentID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/consents", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleCreateDisclosure(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	form := DisclosureForm{
		Recipient: f.Get("recipient_organisation_id"), Purpose: f.Get("purpose"), LegalBasis: f.Get("legal_basis"),
		ConsentID: f.Get("consent_id"), Explanation: f.Get("explanation"), DisclosedOn: f.Get("disclosed_on"), Categories: f["data_categories"],
		JoinTeam: f.Get("join_team") == "on",
	}
	d := &fristad.Disclosure{
		RecipientOrganisation: form.Recipient, Purpose: form.Purpose, DataCategories: form.Categories, LegalBasis: form.LegalBasis,
		ConsentID: form.ConsentID, Explanation: form.Explanation, DisclosedOn: form.DisclosedOn, JoinTeam: form.JoinTeam,
	}
	if d.LegalBasis != fristad.BasisConsent {
		d.ConsentID = "" // the form's consent list matters only for consent
	}
	err := h.cfg.Consents.CreateDisclosure(r.Context(), id, d)
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		http.Redirect(w, r, "/account/step-up?next="+url.QueryEscape("/cases/"+id+"/consents"), http.StatusSeeOther)
		return nil
	}
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := &ConsentsPage{Page: h.page(w, r), Disclosure: form}
		page.DisclosureError, _ = formErrorFor(&page.Page, err)
		if e, ok := errors.AsType[*fristad.Error](err); ok && e.Field != "" {
			page.DisclosureError.Field = "d-" + e.Field
		}
		return h.renderConsents(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/consents#disclosures", http.StatusSeeOther)
	return nil
}
