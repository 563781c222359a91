package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fristad"
	"fristad/internal/render"
)

// CasesPage lists the cases the user may see.
type CasesPage struct {
	render.Page
	Cases   []*fristad.Case
	Filter  CaseFilterForm
	CanOpen bool // may record a new case
	Codes   CaseCodes
	Orgs    []*fristad.Organisation // to filter by lead organisation
	Risks   []string
	Error   *FormError
}

// CaseFilterForm is the list's filter as chosen.
type CaseFilterForm struct{ Status, Step, Pathway, Risk, Organisation, Deadline, Reference string }

// CaseCodes are the code lists the case pages offer.
type CaseCodes struct {
	Statuses, Steps, Pathways, Exploitation, AgeBands, Sexes, Protection, Relations []string
}

var caseCodes = CaseCodes{
	Statuses: fristad.Statuses, Steps: fristad.Steps, Pathways: fristad.Pathways,
	Exploitation: fristad.ExploitationTypes, AgeBands: fristad.AgeBands, Sexes: fristad.Sexes,
	Protection: fristad.ProtectionLevels, Relations: fristad.Relations,
}

func (h *Handler) handleCases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := CaseFilterForm{Status: q.Get("status"), Step: q.Get("step"), Pathway: q.Get("pathway"), Risk: q.Get("risk_level"),
		Organisation: q.Get("organisation"), Deadline: q.Get("deadline"), Reference: q.Get("reference")}
	filter := fristad.CaseFilter{Reference: form.Reference}
	for _, f := range []struct {
		v   string
		dst **string
	}{{form.Status, &filter.Status}, {form.Step, &filter.Step}, {form.Pathway, &filter.Pathway}, {form.Risk, &filter.RiskLevel},
		{form.Organisation, &filter.LeadOrganisation}, {form.Deadline, &filter.Deadline}} {
		if f.v != "" {
			*f.dst = &f.v
		}
	}
	page := CasesPage{Page: h.page(w, r), Filter: form, Codes: caseCodes, Risks: fristad.RiskLevels}
	status := http.StatusOK
	cases, err := h.cfg.Cases.FindCases(r.Context(), filter)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page.Error, _ = formErrorFor(&page.Page, err)
		status = http.StatusBadRequest
	} else if err != nil {
		return err
	}
	page.Cases = cases
	if page.Orgs, err = h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{}); err != nil {
		return err
	}
	page.CanOpen = fristad.Can(fristad.ActorFromContext(r.Context()), fristad.ActionCaseCreate, nil)
	page.Title = page.T("cases.title")
	return h.engine.Render(w, r, status, "cases", &page)
}

// NewCasePage is the intake form (ID-01, ID-03, ID-10).
type NewCasePage struct {
	render.Page
	Form       IntakeForm
	Error      *FormError
	Duplicates *fristad.DuplicateCheck
	Codes      CaseCodes
}

// IntakeForm is what was typed into the intake form.
type IntakeForm struct {
	Alias, Name, IdentityNumber, BirthDate, AgeBand, Sex, Citizenships, Languages, Protection string
	Interpreter                                                                               bool
	Exploitation                                                                              map[string]bool
	Confirmed                                                                                 bool // record even though a person may be known
}

func (h *Handler) handleNewCaseForm(w http.ResponseWriter, r *http.Request) error {
	page := NewCasePage{Page: h.page(w, r), Codes: caseCodes, Form: IntakeForm{AgeBand: "unknown", Sex: "unknown", Protection: fristad.ProtectionNone}}
	page.Title = page.T("intake.title")
	return h.engine.Render(w, r, http.StatusOK, "case_new", &page)
}

func (h *Handler) handleCreateCase(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	form := IntakeForm{
		Alias: f.Get("alias"), Name: f.Get("name"), IdentityNumber: f.Get("identity_number"), BirthDate: f.Get("birth_date"),
		AgeBand: f.Get("age_band"), Sex: f.Get("sex"), Citizenships: f.Get("citizenships"), Languages: f.Get("languages"),
		Protection: f.Get("protection"), Interpreter: f.Get("interpreter") == "on", Confirmed: f.Get("confirm_new") == "on",
		Exploitation: map[string]bool{},
	}
	c := &fristad.Case{
		Person: &fristad.Person{
			Alias: form.Alias, Name: form.Name, IdentityNumber: form.IdentityNumber, BirthDate: form.BirthDate,
			AgeBand: form.AgeBand, Sex: form.Sex, Protection: form.Protection, InterpreterNeeded: form.Interpreter,
			Citizenships: splitCodes(form.Citizenships), Languages: splitCodes(form.Languages),
		},
	}
	for _, t := range f["exploitation"] {
		c.ExploitationTypes = append(c.ExploitationTypes, t)
		form.Exploitation[t] = true
	}
	page := NewCasePage{Page: h.page(w, r), Form: form, Codes: caseCodes}
	page.Title = page.T("intake.title")
	fail := func(err error) error {
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Error = fe
		return h.engine.Render(w, r, fristad.ErrorStatus(err), "case_new", &page)
	}
	if err := c.Validate(); err != nil {
		return fail(err)
	}
	if !form.Confirmed {
		// Look for the person first: a second record of one person is
		// a known pain, and offering the existing case is the cure.
		check, err := h.cfg.Cases.FindDuplicates(r.Context(), c.Person)
		if err != nil {
			return err
		}
		if len(check.Cases) > 0 || check.KnownElsewhere {
			page.Duplicates = check
			return h.engine.Render(w, r, http.StatusConflict, "case_new", &page)
		}
	}
	if err := h.cfg.Cases.CreateCase(r.Context(), c); err != nil {
		return fail(err)
	}
	http.Redirect(w, r, "/cases/"+c.ID, http.StatusSeeOther)
	return nil
}

func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

// CaseSection is one part of a case's pages, in the case navigation.
type CaseSection struct {
	Name string // what Section names when the part is shown
	Path string // after /cases/{id}
	Key  string // the link's message
}

// caseSections are the parts of a case, in order.
var caseSections = []CaseSection{
	{"overview", "", "case.section.overview"},
	{"indicators", "/indicators", "case.section.indicators"},
	{"assessments", "/assessments", "case.section.assessments"},
	{"safety", "/safety", "case.section.safety"},
	{"residence", "/residence", "case.section.residence"},
	{"notes", "/notes", "case.section.notes"},
	{"documents", "/documents", "case.section.documents"},
	{"consents", "/consents", "case.section.consents"},
	{"tasks", "/tasks", "case.section.tasks"},
	{"timeline", "/timeline", "case.section.timeline"},
	{"plan", "/plan", "case.section.plan"},
}

// CaseHeader is what every page of a case shows above its part: which
// case, and the navigation between its parts.
type CaseHeader struct {
	Case         *fristad.Case
	Section      string
	CaseSections []CaseSection
}

func caseHeader(c *fristad.Case, section string) CaseHeader {
	return CaseHeader{Case: c, Section: section, CaseSections: caseSections}
}

// CasePage shows one case.
type CasePage struct {
	render.Page
	CaseHeader
	Revealed      bool
	Organisations map[string]string
	Codes         CaseCodes
	Error         *FormError
	Status        fristad.StatusEvent // the new-status form as typed
	CanUpdate     bool
	Update        CaseUpdateForm // where the case stands, as typed
	UpdateError   *FormError
	Dependant     DependantForm // a new accompanying child or dependant, as typed
	DependantErr  *FormError
	Merged        string // the reference of a record just merged into this one
	Events        []*fristad.TraffickingEvent
	EventForm     EventForm // a new or changed event, as typed
	EventErr      *FormError
	EventCodes    EventCodes
}

// DependantForm records an accompanying child or other dependant.
type DependantForm struct{ Alias, AgeBand, Sex, Relation string }

// CaseUpdateForm is the form that changes where a case stands.
type CaseUpdateForm struct {
	Step, Pathway string
	Exploitation  map[string]bool
	Version       int // the version of the case the form was filled from
}

// updateFormOf returns the form filled from the case as it stands.
func updateFormOf(c *fristad.Case) CaseUpdateForm {
	f := CaseUpdateForm{Step: c.Step, Pathway: c.Pathway, Exploitation: map[string]bool{}, Version: c.Version}
	for _, t := range c.ExploitationTypes {
		f.Exploitation[t] = true
	}
	return f
}

func (h *Handler) renderCase(w http.ResponseWriter, r *http.Request, page *CasePage, status int) error {
	orgs, err := h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{})
	if err != nil {
		return err
	}
	page.Organisations = map[string]string{}
	for _, o := range orgs {
		page.Organisations[o.ID] = o.Name
	}
	access := &fristad.CaseAccess{TeamLevel: page.Case.Access, BreakGlass: page.Case.BreakGlassUntil != nil}
	if page.Case.Access == "break-glass" {
		access.TeamLevel = ""
	}
	page.CanUpdate = fristad.Can(fristad.ActorFromContext(r.Context()), fristad.ActionCaseUpdate, access)
	page.Codes, page.EventCodes = caseCodes, eventCodes
	if page.Events, err = h.cfg.Cases.FindEvents(r.Context(), page.Case.ID); err != nil {
		return err
	}
	if page.EventForm.Kind == "" {
		page.EventForm = EventForm{Kind: "exploitation"}
		// ?event= opens an event in the form, to change it.
		for _, e := range page.Events {
			if e.ID == r.URL.Query().Get("event") {
				page.EventForm = eventFormOf(e)
			}
		}
	}
	if page.Update.Version == 0 {
		page.Update = updateFormOf(page.Case)
	}
	page.Title = page.T("case.title", "Ref", page.Case.Reference)
	return h.engine.Render(w, r, status, "case", page)
}

func (h *Handler) handleCase(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &CasePage{Page: h.page(w, r), CaseHeader: caseHeader(c, "overview")}
	page.Status.DecidedOn = h.now().Format("2006-01-02")
	if m := r.URL.Query().Get("merged"); isReference(m) {
		page.Merged = m
	}
	return h.renderCase(w, r, page, http.StatusOK)
}

func (h *Handler) handleAddStatus(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	e := fristad.StatusEvent{Status: r.PostForm.Get("status"), DecidedOn: r.PostForm.Get("decided_on"), Basis: r.PostForm.Get("basis")}
	ev := e
	err := h.cfg.Cases.AddStatus(r.Context(), id, &ev)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		c, ferr := h.cfg.Cases.FindCaseByID(r.Context(), id)
		if ferr != nil {
			return ferr
		}
		page := &CasePage{Page: h.page(w, r), CaseHeader: caseHeader(c, "overview"), Status: e}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderCase(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id, http.StatusSeeOther)
	return nil
}

// handleUpdateCase changes where the case stands. A change made from a
// version someone has changed since comes back with what the user chose
// beside the case as it now stands, never overwriting the other change.
func (h *Handler) handleUpdateCase(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	form := CaseUpdateForm{Step: f.Get("step"), Pathway: f.Get("pathway"), Exploitation: map[string]bool{}}
	form.Version, _ = strconv.Atoi(f.Get("version"))
	types := f["exploitation"]
	for _, t := range types {
		form.Exploitation[t] = true
	}
	err := h.cfg.Cases.UpdateCase(r.Context(), id, &fristad.CaseUpdate{Step: &form.Step, Pathway: &form.Pathway, ExploitationTypes: &types, Version: form.Version})
	if code := fristad.ErrorCode(err); code == fristad.EINVALID || code == fristad.ECONFLICT {
		c, ferr := h.cfg.Cases.FindCaseByID(r.Context(), id)
		if ferr != nil {
			return ferr
		}
		page := &CasePage{Page: h.page(w, r), CaseHeader: caseHeader(c, "overview"), Update: form}
		page.Status.DecidedOn = h.now().Format("2006-01-02")
		page.UpdateError, _ = formErrorFor(&page.Page, err)
		status := http.StatusBadRequest
		if code == fristad.ECONFLICT {
			// Saving again builds on the version now shown, knowingly.
			status, page.Update.Version = http.StatusConflict, c.Version
		}
		return h.renderCase(w, r, page, status)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id, http.StatusSeeOther)
	return nil
}

// handleAddDependant records an accompanying child or other dependant as
// a case of their own, linked to this one (ID-11), and opens it.
func (h *Handler) handleAddDependant(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	form := DependantForm{Alias: f.Get("d-alias"), AgeBand: f.Get("d-age_band"), Sex: f.Get("d-sex"), Relation: f.Get("d-relation")}
	d := &fristad.Case{Person: &fristad.Person{Alias: form.Alias, AgeBand: form.AgeBand, Sex: form.Sex}}
	err := h.cfg.Cases.AddDependant(r.Context(), id, form.Relation, d)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		c, ferr := h.cfg.Cases.FindCaseByID(r.Context(), id)
		if ferr != nil {
			return ferr
		}
		page := &CasePage{Page: h.page(w, r), CaseHeader: caseHeader(c, "overview"), Dependant: form}
		page.Status.DecidedOn = h.now().Format("2006-01-02")
		page.DependantErr, _ = formErrorFor(&page.Page, err)
		if e := page.DependantErr; e != nil && e.Field != "" {
			e.Field = "d-" + e.Field // the form's fields beside the case's own
		}
		return h.renderCase(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+d.ID, http.StatusSeeOther)
	return nil
}

// handleReveal shows a protected identity once, after a fresh second
// factor (DP-08); without one it sends the user to confirm first.
func (h *Handler) handleReveal(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	p, err := h.cfg.Cases.RevealPerson(r.Context(), id)
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		http.Redirect(w, r, "/account/step-up?next="+url.QueryEscape("/cases/"+id), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	c.Person = p
	page := &CasePage{Page: h.page(w, r), CaseHeader: caseHeader(c, "overview"), Revealed: true}
	page.Status.DecidedOn = h.now().Format("2006-01-02")
	return h.renderCase(w, r, page, http.StatusOK)
}

// BreakGlassPage asks for the case and the reason to open it outside the
// user's team.
type BreakGlassPage struct {
	render.Page
	Reference string
	Reason    string
	Error     *FormError
}

func (h *Handler) handleBreakGlassForm(w http.ResponseWriter, r *http.Request) error {
	page := BreakGlassPage{Page: h.page(w, r), Reference: r.URL.Query().Get("ref")}
	page.Title = page.T("breakglass.title")
	return h.engine.Render(w, r, http.StatusOK, "breakglass", &page)
}

func (h *Handler) handleBreakGlass(w http.ResponseWriter, r *http.Request) error {
	ref, reason := strings.TrimSpace(r.PostForm.Get("reference")), r.PostForm.Get("reason")
	err := h.cfg.Cases.BreakGlass(r.Context(), ref, reason)
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		http.Redirect(w, r, "/account/step-up?next="+url.QueryEscape("/cases/break-glass?ref="+ref), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		page := BreakGlassPage{Page: h.page(w, r), Reference: ref, Reason: reason}
		page.Title = page.T("breakglass.title")
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Error = fe
		return h.engine.Render(w, r, fristad.ErrorStatus(err), "breakglass", &page)
	}
	cases, err := h.cfg.Cases.FindCases(r.Context(), fristad.CaseFilter{})
	if err != nil {
		return err
	}
	for _, c := range cases {
		if c.Reference == ref || c.ID == ref {
			http.Redirect(w, r, "/cases/"+c.ID, http.StatusSeeOther)
			return nil
		}
	}
	http.Redirect(w, r, "/cases", http.StatusSeeOther)
	return nil
}

// isReference reports whether s looks like a reference: letters, digits
// and dashes, short. Only such text is echoed from a query string.
func isReference(s string) bool {
	return s != "" && len(s) <= 40 && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '-' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}
