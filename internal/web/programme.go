package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fristad"
	"fristad/internal/render"
)

// ProgrammeCodes are the code lists the programme pages offer.
type ProgrammeCodes struct {
	TargetGroups, Phases, Assistance, OwnStrength, Funding, Statuses, Pathways, Certifications []string
}

var programmeCodes = ProgrammeCodes{
	TargetGroups: fristad.TargetGroups, Phases: fristad.PhaseCodes, Assistance: fristad.AssistanceInterventions,
	OwnStrength: fristad.OwnStrengthInterventions, Funding: fristad.FundingSources,
	Statuses: []string{fristad.StatusIndication, fristad.StatusReasonableGrounds}, Pathways: fristad.Pathways,
	Certifications: fristad.CertificationStatuses,
}

// phaseRows is how many phase rows the designer's form offers; blank
// rows are ignored, so it works without JavaScript.
const phaseRows = 5

// ProgrammesPage lists the programme versions and, for coordinators,
// offers a form for a new programme.
type ProgrammesPage struct {
	render.Page
	Versions  []*fristad.ProgrammeVersion
	CanManage bool
	Form      *fristad.ProgrammeVersion // the new programme as typed
	Rows      []fristad.Phase
	Error     *FormError
	Codes     ProgrammeCodes
}

// Name returns a version's name in the page's language, or in Swedish.
func (p *ProgrammesPage) Name(v *fristad.ProgrammeVersion) string { return localName(&p.Page, v.Name) }

// Has reports whether list holds code, for checkboxes.
func (p *ProgrammesPage) Has(list []string, code string) bool { return slices.Contains(list, code) }

func localName(p *render.Page, names map[string]string) string {
	if s := names[p.Lang()]; s != "" {
		return s
	}
	return names["sv"]
}

func canManageProgrammes(r *http.Request) bool {
	return fristad.Can(fristad.ActorFromContext(r.Context()), fristad.ActionProgrammeManage, nil)
}

// newProgrammeForm is an empty designer form with the NSP phases.
func newProgrammeForm(today string) *fristad.ProgrammeVersion {
	return &fristad.ProgrammeVersion{
		Name: map[string]string{}, Description: map[string]string{}, TargetGroup: "adults", ValidFrom: today,
		Phases: []fristad.Phase{{Code: "initial_rest", MaxDays: 30}, {Code: "rehabilitation", MaxDays: 90, Renewals: 3}, {Code: "move_on", MaxDays: 45}},
	}
}

// phaseRowsOf pads a version's phases with blank rows for the form.
func phaseRowsOf(v *fristad.ProgrammeVersion) []fristad.Phase {
	rows := slices.Clone(v.Phases)
	for len(rows) < max(phaseRows, len(v.Phases)) {
		rows = append(rows, fristad.Phase{})
	}
	return rows
}

// programmeFromForm reads the designer's form.
func programmeFromForm(r *http.Request) *fristad.ProgrammeVersion {
	f := r.PostForm
	v := &fristad.ProgrammeVersion{
		Name: map[string]string{}, Description: map[string]string{},
		TargetGroup: f.Get("target_group"), Types: f["types"], Funding: f["funding"],
		Eligibility: fristad.Eligibility{MinStatus: f.Get("min_status"), Pathways: f["pathways"]},
		ValidFrom:   f.Get("valid_from"), ValidTo: f.Get("valid_to"),
	}
	for _, lang := range fristad.ProgrammeLanguages {
		v.Name[lang], v.Description[lang] = f.Get("name_"+lang), f.Get("description_"+lang)
	}
	for i := range phaseRows {
		n := strconv.Itoa(i)
		code := f.Get("phase_code_" + n)
		if code == "" {
			continue
		}
		days, _ := strconv.Atoi(f.Get("phase_days_" + n))
		renewals, _ := strconv.Atoi(f.Get("phase_renewals_" + n))
		v.Phases = append(v.Phases, fristad.Phase{Code: code, MaxDays: days, Renewals: renewals})
	}
	v.Public = f.Get("public") == "on"
	budget := strings.NewReplacer(" ", "", "\u00a0", "").Replace(f.Get("budget"))
	if b, err := strconv.ParseInt(budget, 10, 64); err == nil {
		v.Budget = b
	} else if budget != "" {
		v.Budget = -1 // refused by Validate, with the field named
	}
	return v
}

func (h *Handler) renderProgrammes(w http.ResponseWriter, r *http.Request, page *ProgrammesPage, status int) error {
	var err error
	if page.Versions, err = h.cfg.Programmes.FindProgrammeVersions(r.Context(), fristad.ProgrammeFilter{}); err != nil {
		return err
	}
	page.CanManage = canManageProgrammes(r)
	if page.Form == nil {
		page.Form = newProgrammeForm(h.now().Format("2006-01-02"))
	}
	page.Rows = phaseRowsOf(page.Form)
	page.Codes = programmeCodes
	page.Title = page.T("programmes.title")
	return h.engine.Render(w, r, status, "programmes", page)
}

func (h *Handler) handleProgrammes(w http.ResponseWriter, r *http.Request) error {
	return h.renderProgrammes(w, r, &ProgrammesPage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleCreateProgramme(w http.ResponseWriter, r *http.Request) error {
	v := programmeFromForm(r)
	typed := *v
	if err := h.cfg.Programmes.CreateProgrammeVersion(r.Context(), v); err != nil {
		page := &ProgrammesPage{Page: h.page(w, r), Form: &typed}
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Error = fe
		return h.renderProgrammes(w, r, page, fristad.ErrorStatus(err))
	}
	http.Redirect(w, r, "/programmes/"+v.ID, http.StatusSeeOther)
	return nil
}

// ProgrammePage shows one programme version; a coordinator edits a
// draft, publishes it, or starts the next version from it.
type ProgrammePage struct {
	render.Page
	Version   *fristad.ProgrammeVersion
	Others    []*fristad.ProgrammeVersion // the programme's other versions
	CanManage bool
	Form      *fristad.ProgrammeVersion
	Rows      []fristad.Phase
	Error     *FormError
	Codes     ProgrammeCodes
}

// Name returns a version's name in the page's language.
func (p *ProgrammePage) Name(v *fristad.ProgrammeVersion) string { return localName(&p.Page, v.Name) }

// Has reports whether list holds code, for checkboxes.
func (p *ProgrammePage) Has(list []string, code string) bool { return slices.Contains(list, code) }

func (h *Handler) renderProgramme(w http.ResponseWriter, r *http.Request, page *ProgrammePage, status int) error {
	v, err := h.cfg.Programmes.FindProgrammeVersionByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	all, err := h.cfg.Programmes.FindProgrammeVersions(r.Context(), fristad.ProgrammeFilter{ProgrammeID: &v.ProgrammeID})
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != v.ID {
			page.Others = append(page.Others, o)
		}
	}
	page.Version, page.CanManage, page.Codes = v, canManageProgrammes(r), programmeCodes
	if page.Form == nil {
		page.Form = v
	}
	page.Rows = phaseRowsOf(page.Form)
	page.Title = page.T("programme.title", "Name", page.Name(v), "Version", v.Version)
	return h.engine.Render(w, r, status, "programme", page)
}

func (h *Handler) handleProgramme(w http.ResponseWriter, r *http.Request) error {
	return h.renderProgramme(w, r, &ProgrammePage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleUpdateProgramme(w http.ResponseWriter, r *http.Request) error {
	v := programmeFromForm(r)
	v.ID = r.PathValue("id")
	typed := *v
	if err := h.cfg.Programmes.UpdateProgrammeVersion(r.Context(), v); err != nil {
		page := &ProgrammePage{Page: h.page(w, r), Form: &typed}
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Error = fe
		return h.renderProgramme(w, r, page, fristad.ErrorStatus(err))
	}
	http.Redirect(w, r, "/programmes/"+v.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) handlePublishProgramme(w http.ResponseWriter, r *http.Request) error {
	err := h.cfg.Programmes.PublishProgrammeVersion(r.Context(), r.PathValue("id"))
	if code := fristad.ErrorCode(err); code == fristad.EINVALID || code == fristad.ECONFLICT {
		page := &ProgrammePage{Page: h.page(w, r)}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderProgramme(w, r, page, fristad.ErrorStatus(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/programmes/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// handleNewProgrammeVersion starts the next version of a programme as a
// copy of this one.
func (h *Handler) handleNewProgrammeVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := h.cfg.Programmes.FindProgrammeVersionByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	next := *v
	next.ID = ""
	if err := h.cfg.Programmes.CreateProgrammeVersion(r.Context(), &next); err != nil {
		return err
	}
	http.Redirect(w, r, "/programmes/"+next.ID, http.StatusSeeOther)
	return nil
}

// ProvidersPage is the provider registry (SP-06), with a form for
// coordinators.
type ProvidersPage struct {
	render.Page
	Providers     []*fristad.Provider
	Organisations []*fristad.Organisation
	Today         string
	CanManage     bool
	Form          ProviderForm
	Error         *FormError
	Codes         ProgrammeCodes
}

// ProviderForm is the provider form as typed.
type ProviderForm struct {
	fristad.Provider
	LanguagesText, RegionsText string
}

// Has reports whether list holds code, for checkboxes.
func (p *ProvidersPage) Has(list []string, code string) bool { return slices.Contains(list, code) }

func (h *Handler) renderProviders(w http.ResponseWriter, r *http.Request, page *ProvidersPage, status int) error {
	var err error
	if page.Providers, err = h.cfg.Programmes.FindProviders(r.Context()); err != nil {
		return err
	}
	page.CanManage = canManageProgrammes(r)
	if page.CanManage {
		if page.Organisations, err = h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{}); err != nil {
			return err
		}
	}
	if page.Form.Certification == "" {
		page.Form.Certification, page.Form.TakesWomen = "certified", true // a fresh form
	}
	page.Today, page.Codes = h.now().Format("2006-01-02"), programmeCodes
	page.Title = page.T("providers.title")
	return h.engine.Render(w, r, status, "providers", page)
}

func (h *Handler) handleProviders(w http.ResponseWriter, r *http.Request) error {
	return h.renderProviders(w, r, &ProvidersPage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleSaveProvider(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	places, _ := strconv.Atoi(f.Get("places"))
	form := ProviderForm{LanguagesText: f.Get("languages"), RegionsText: f.Get("regions")}
	form.Provider = fristad.Provider{
		OrganisationID: f.Get("organisation_id"), Certification: f.Get("certification"), CertifiedUntil: f.Get("certified_until"),
		Services: f["services"], Languages: splitCodes(form.LanguagesText), Regions: strings.Split(form.RegionsText, "\n"),
		Places: places, TakesChildren: f.Get("takes_children") == "on", TakesMen: f.Get("takes_men") == "on",
		Accessible: f.Get("accessible") == "on", Contact: f.Get("contact"), TakesWomen: f.Get("takes_women") == "on",
		Listed: f.Get("listed") == "on", PublicDescription: f.Get("public_description"), PublicPhone: f.Get("public_phone"),
	}
	p := form.Provider
	if err := h.cfg.Programmes.SaveProvider(r.Context(), &p); err != nil {
		page := &ProvidersPage{Page: h.page(w, r), Form: form}
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Error = fe
		return h.renderProviders(w, r, page, fristad.ErrorStatus(err))
	}
	http.Redirect(w, r, "/providers", http.StatusSeeOther)
	return nil
}

// BudgetPage shows money committed and spent per programme version,
// provider and funding source.
type BudgetPage struct {
	render.Page
	Budget *fristad.BudgetReport
}

// Kronor formats whole kronor with thin spaces between thousands.
func (p *BudgetPage) Kronor(n int64) string { return kronor(n) }

// Name returns a programme's name in the reader's language.
func (p *BudgetPage) Name(names map[string]string) string { return localName(&p.Page, names) }

func kronor(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	return b.String() + "\u00a0kr"
}

func (h *Handler) handleBudget(w http.ResponseWriter, r *http.Request) error {
	b, err := h.cfg.Programmes.Budget(r.Context())
	if err != nil {
		return err
	}
	page := &BudgetPage{Page: h.page(w, r), Budget: b}
	page.Title = page.T("budget.title")
	return h.engine.Render(w, r, http.StatusOK, "budget", page)
}
