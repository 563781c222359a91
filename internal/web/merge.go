package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"fristad"
	"fristad/internal/render"
)

// MergePage shows two records of one person side by side and merges the
// other into the one of this case (ID-10): the values where they differ,
// which to keep, and the confirmation. Only what the user may see shows;
// a protected identity stays hidden (DP-05).
type MergePage struct {
	render.Page
	CaseHeader
	With      string // the other record, as typed
	Into      *fristad.PersonRecord
	From      *fristad.PersonRecord
	Rows      []MergeRow
	Confirmed bool
	Error     *FormError
}

// MergeRow is one field of the two records.
type MergeRow struct {
	Field      string // the form's name for the choice: keep-<Field>
	Key        string // the field's label
	Into, From string // as shown
	Differ     bool
	Keep       string // "into" or "from", as chosen
}

// mergeFieldKeys are the labels of fristad.MergeFields.
var mergeFieldKeys = map[string]string{
	"alias": "person.alias", "name": "person.name", "identity_number": "person.identity", "birth_date": "person.birthdate",
	"age_band": "person.ageband", "sex": "person.sex",
}

// mergeRows lays out the two people field by field; keep holds the
// choices made so far.
func mergeRows(p *render.Page, into, from *fristad.Person, keep map[string]string) []MergeRow {
	show := func(person *fristad.Person, field string) string {
		var v string
		switch field {
		case "age_band":
			return p.Label("ageband", person.AgeBand)
		case "sex":
			return p.Label("sex", person.Sex)
		case "alias":
			v = person.Alias
		case "name":
			v = person.Name
		case "identity_number":
			v = person.IdentityNumber
		case "birth_date":
			v = person.BirthDate
		}
		if person.Hidden {
			return p.T("person.protected")
		}
		if v == "" {
			return "–"
		}
		return v
	}
	var rows []MergeRow
	for _, f := range fristad.MergeFields {
		r := MergeRow{Field: f, Key: mergeFieldKeys[f], Into: show(into, f), From: show(from, f)}
		r.Differ = r.Into != r.From || into.Hidden || from.Hidden
		r.Keep = keep[f]
		if r.Keep == "" {
			r.Keep = fristad.MergeKeepInto
			if r.Into == "–" || r.Into == p.Label("ageband", "unknown") || r.Into == p.Label("sex", "unknown") {
				r.Keep = fristad.MergeKeepFrom
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// renderMerge fills in the records and renders the page; the case's own
// record is read first, so a case the user may not see is not found.
func (h *Handler) renderMerge(w http.ResponseWriter, r *http.Request, page *MergePage, keep map[string]string, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "merge")
	page.Title = page.T("merge.title", "Ref", c.Reference)
	if page.Into, err = h.cfg.Cases.FindPerson(r.Context(), id); err != nil {
		return err
	}
	if !page.Into.CanMerge {
		// Nothing to compare for one who may not merge: not even whether
		// the other record exists.
		page.From, page.Error = nil, nil
		return h.engine.Render(w, r, status, "merge", page)
	}
	if page.From == nil && page.With != "" && page.Error == nil {
		page.From, err = h.cfg.Cases.FindPerson(r.Context(), page.With)
		switch fristad.ErrorCode(err) {
		case "":
			if page.From.MergedInto != "" {
				page.Error = &FormError{Field: "with", Message: page.T("merge.tombstone.with", "Ref", page.From.MergedInto)}
				page.From, status = nil, http.StatusConflict
			}
		case fristad.ENOTFOUND:
			page.Error = &FormError{Field: "with", Message: page.T("merge.from.notfound")}
			status = http.StatusNotFound
		default:
			return err
		}
	}
	if page.From != nil && page.Into.Person != nil {
		page.Rows = mergeRows(&page.Page, page.Into.Person, page.From.Person, keep)
	}
	return h.engine.Render(w, r, status, "merge", page)
}

func (h *Handler) handleMergeForm(w http.ResponseWriter, r *http.Request) error {
	page := &MergePage{Page: h.page(w, r), With: strings.TrimSpace(r.URL.Query().Get("with"))}
	return h.renderMerge(w, r, page, nil, http.StatusOK)
}

// handleMerge merges the other record into this case's, after a fresh
// second factor; a refusal comes back with the choices as made.
func (h *Handler) handleMerge(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	m := &fristad.PersonMerge{Into: id, From: strings.TrimSpace(f.Get("with")), Keep: map[string]string{}, Confirmed: f.Get("confirm") == "on"}
	for _, field := range fristad.MergeFields {
		if v := f.Get("keep-" + field); v != "" {
			m.Keep[field] = v
		}
	}
	_, err := h.cfg.Cases.MergePersons(r.Context(), m)
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		next := "/cases/" + id + "/merge?with=" + url.QueryEscape(m.From)
		http.Redirect(w, r, "/account/step-up?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		// The case itself not found is the answer as it is; anything
		// about the choices comes back beside them.
		code := fristad.ErrorCode(err)
		e, _ := errors.AsType[*fristad.Error](err)
		if !(code == fristad.EINVALID || code == fristad.ECONFLICT || code == fristad.EFORBIDDEN || e != nil && e.Field == "from") {
			return err
		}
		page := &MergePage{Page: h.page(w, r), With: m.From, Confirmed: m.Confirmed}
		fe := &FormError{Message: render.ErrorText(&page.Page, err), Field: e.Field}
		switch {
		case fe.Field == "from":
			fe.Field = "with"
		case slices.Contains(fristad.MergeFields, fe.Field):
			fe.Field = "keep-" + fe.Field + "-into"
		}
		status := fristad.ErrorStatus(err)
		if fe.Field != "with" {
			// The records are shown again beside the message; one that
			// cannot be found is not.
			if page.From, err = h.cfg.Cases.FindPerson(r.Context(), m.From); err != nil || page.From.MergedInto != "" {
				page.From = nil
			}
		}
		page.Error = fe
		return h.renderMerge(w, r, page, m.Keep, status)
	}
	http.Redirect(w, r, "/cases/"+id+"?merged="+url.QueryEscape(m.From), http.StatusSeeOther)
	return nil
}
