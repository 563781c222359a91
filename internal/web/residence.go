package web

import (
	"net/http"
	"net/url"

	"fristad"
	"fristad/internal/render"
)

// ResidencePage shows where she lives and has lived (DP-05, DP-08). A
// protected address is never on the page unless revealed, one at a time,
// after a fresh second factor; the answer is not cached (no-store, as
// every staff page).
type ResidencePage struct {
	render.Page
	CaseHeader
	Residences []*fristad.Residence // newest first
	Revealed   *fristad.Residence   // the one residence revealed, if any
	Form       fristad.Residence
	Kinds      []string
	CanUpdate  bool
	CanReveal  bool
	Error      *FormError
}

// Shown returns the address to show for r: its own when not protected,
// the revealed one, or "".
func (p *ResidencePage) Shown(r *fristad.Residence) string {
	if p.Revealed != nil && p.Revealed.ID == r.ID {
		return p.Revealed.Address
	}
	return r.Address
}

func (h *Handler) renderResidence(w http.ResponseWriter, r *http.Request, page *ResidencePage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Residences, err = h.cfg.Residences.Residences(r.Context(), id); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "residence")
	page.CanUpdate = canUpdateCase(r, c)
	page.CanReveal = canOnCase(r, fristad.ActionResidenceReveal, c)
	page.Kinds = fristad.ResidenceKinds
	if page.Form.Since == "" {
		page.Form.Since = h.now().Format("2006-01-02")
	}
	page.Title = page.T("residence.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "residence", page)
}

func (h *Handler) handleResidence(w http.ResponseWriter, r *http.Request) error {
	return h.renderResidence(w, r, &ResidencePage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleRecordResidence(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	res := fristad.Residence{Kind: r.PostFormValue("kind"), Since: r.PostFormValue("since"), Address: r.PostFormValue("address"),
		Protected: r.PostFormValue("protected") == "on"}
	form := res
	err := h.cfg.Residences.RecordResidence(r.Context(), id, &res)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := &ResidencePage{Page: h.page(w, r), Form: form}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderResidence(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/residence", http.StatusSeeOther)
	return nil
}

// handleRevealResidence shows one protected address once, after a fresh
// second factor (DP-08); without one it sends the user to confirm first.
func (h *Handler) handleRevealResidence(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	res, err := h.cfg.Residences.RevealResidence(r.Context(), id, r.PathValue("rid"))
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		http.Redirect(w, r, "/account/step-up?next="+url.QueryEscape("/cases/"+id+"/residence"), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.renderResidence(w, r, &ResidencePage{Page: h.page(w, r), Revealed: res}, http.StatusOK)
}
