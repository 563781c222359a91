package web

import (
	"net/http"
	"slices"

	"fristad"
	"fristad/internal/render"
)

// IndicatorsPage is a case's indicator checklist (ID-04): the latest
// filling-in as the form's start, and the earlier ones below it.
type IndicatorsPage struct {
	render.Page
	CaseHeader
	Records   []*fristad.Indicators
	Form      fristad.Indicators
	Groups    []fristad.IndicatorGroup
	Control   []string
	Recruit   []string
	CanUpdate bool
	Error     *FormError
}

// Has reports whether list holds code, for checkboxes.
func (p *IndicatorsPage) Has(list []string, code string) bool { return slices.Contains(list, code) }

func (h *Handler) renderIndicators(w http.ResponseWriter, r *http.Request, page *IndicatorsPage, status int, keepForm bool) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Records, err = h.cfg.Indicators.FindIndicators(r.Context(), id); err != nil {
		return err
	}
	if !keepForm && len(page.Records) > 0 {
		page.Form = *page.Records[0]
	}
	page.CaseHeader = caseHeader(c, "indicators")
	page.CanUpdate = canUpdateCase(r, c)
	page.Groups, page.Control, page.Recruit = fristad.IndicatorGroups, fristad.MethodsOfControl, fristad.RecruitmentMethods
	page.Title = page.T("indicators.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "indicators", page)
}

func (h *Handler) handleIndicators(w http.ResponseWriter, r *http.Request) error {
	return h.renderIndicators(w, r, &IndicatorsPage{Page: h.page(w, r)}, http.StatusOK, false)
}

func (h *Handler) handleSaveIndicators(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	in := fristad.Indicators{Indicators: f["indicators"], Control: f["control"], Recruitment: f["recruitment"], Account: f.Get("account")}
	form := in
	err := h.cfg.Indicators.SaveIndicators(r.Context(), id, &in)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := &IndicatorsPage{Page: h.page(w, r), Form: form}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderIndicators(w, r, page, http.StatusBadRequest, true)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/indicators", http.StatusSeeOther)
	return nil
}
