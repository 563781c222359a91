package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fristad"
)

// PersonJSON is a person in the API. Identity fields are empty, and
// Hidden true, for a person with protected identity.
type PersonJSON struct {
	Reference         string   `json:"reference,omitempty"`
	Alias             string   `json:"alias,omitempty"`
	Name              string   `json:"name,omitempty"`
	IdentityNumber    string   `json:"identity_number,omitempty"`
	BirthDate         string   `json:"birth_date,omitempty"`
	AgeBand           string   `json:"age_band,omitempty"`
	PresumedChild     bool     `json:"presumed_child"`
	Sex               string   `json:"sex,omitempty"`
	Citizenships      []string `json:"citizenships"`
	Languages         []string `json:"languages"`
	InterpreterNeeded bool     `json:"interpreter_needed"`
	Protection        string   `json:"protection,omitempty"`
	Hidden            bool     `json:"hidden"`
}

// StatusJSON is one step of a case's identification history.
type StatusJSON struct {
	Status      string     `json:"status"`
	DecidedOn   string     `json:"decided_on"`
	DecidingOrg string     `json:"deciding_organisation_id,omitempty"`
	Basis       string     `json:"basis,omitempty"`
	RecordedAt  *time.Time `json:"recorded_at,omitempty"`
}

// CaseJSON is a case in the API.
type CaseJSON struct {
	ID                string               `json:"id"`
	Reference         string               `json:"reference"`
	LeadOrganisation  string               `json:"lead_organisation_id"`
	Status            string               `json:"status"`
	Step              string               `json:"step"`
	Pathway           string               `json:"pathway"`
	ExploitationTypes []string             `json:"exploitation_types"`
	Version           int                  `json:"version"`
	CreatedAt         time.Time            `json:"created_at"`
	UpdatedAt         time.Time            `json:"updated_at"`
	Access            string               `json:"access"`
	Person            PersonJSON           `json:"person"`
	History           []StatusJSON         `json:"history,omitempty"`
	Links             []LinkJSON           `json:"links,omitempty"`
	Team              []fristad.TeamMember `json:"-"`
}

// NewCaseJSON is the body of POST /cases.
type NewCaseJSON struct {
	Person            PersonJSON `json:"person"`
	ExploitationTypes []string   `json:"exploitation_types"`
	Status            string     `json:"status"`
	Step              string     `json:"step"`
	Pathway           string     `json:"pathway"`
}

func caseJSON(c *fristad.Case) CaseJSON {
	p := c.Person
	out := CaseJSON{
		ID: c.ID, Reference: c.Reference, LeadOrganisation: c.LeadOrganisation, Status: c.Status, Step: c.Step,
		Pathway: c.Pathway, ExploitationTypes: nonNil(c.ExploitationTypes), Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Access: c.Access,
		Person: PersonJSON{
			Reference: p.Reference, Alias: p.Alias, Name: p.Name, IdentityNumber: p.IdentityNumber, BirthDate: p.BirthDate,
			AgeBand: p.AgeBand, PresumedChild: p.PresumedChild, Sex: p.Sex, Citizenships: nonNil(p.Citizenships),
			Languages: nonNil(p.Languages), InterpreterNeeded: p.InterpreterNeeded, Protection: p.Protection, Hidden: p.Hidden,
		},
	}
	for _, l := range c.Links {
		out.Links = append(out.Links, LinkJSON{CaseID: l.CaseID, Reference: l.Reference, Alias: l.Alias, Relation: l.Relation, Inverse: l.Inverse})
	}
	for _, e := range c.History {
		at := e.RecordedAt
		out.History = append(out.History, StatusJSON{Status: e.Status, DecidedOn: e.DecidedOn, DecidingOrg: e.DecidingOrg, Basis: e.Basis, RecordedAt: &at})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// decode reads a JSON body strictly: unknown fields, trailing data and
// malformed JSON are EINVALID (SR-42).
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fristad.Errorf(fristad.ETOOLARGE, "the body is too large")
		}
		return fristad.Errorf(fristad.EINVALID, "the body is not valid JSON for this request: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fristad.Errorf(fristad.EINVALID, "the body holds more than one JSON value")
	}
	return nil
}

func (h *Handler) handleCases(w http.ResponseWriter, r *http.Request) error {
	var filter fristad.CaseFilter
	q := r.URL.Query()
	filter.Reference = q.Get("reference")
	for name, p := range map[string]**string{"status": &filter.Status, "step": &filter.Step, "pathway": &filter.Pathway, "risk_level": &filter.RiskLevel,
		"lead_organisation_id": &filter.LeadOrganisation, "deadline": &filter.Deadline} {
		if v := q.Get(name); v != "" {
			*p = &v
		}
	}
	cases, err := h.cfg.Cases.FindCases(r.Context(), filter)
	if err != nil {
		return err
	}
	out := struct {
		Cases []CaseJSON `json:"cases"`
	}{Cases: []CaseJSON{}}
	for _, c := range cases {
		out.Cases = append(out.Cases, caseJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// LinkJSON is a link between the case of a person and that of a child or
// dependant who came with her (ID-11).
type LinkJSON struct {
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	Alias     string `json:"alias,omitempty"`
	Relation  string `json:"relation"`
	Inverse   bool   `json:"inverse"`
}

// NewDependantJSON is the body of POST /cases/{id}/dependants.
type NewDependantJSON struct {
	Relation string     `json:"relation"`
	Person   PersonJSON `json:"person"`
}

func (h *Handler) handleCreateCase(w http.ResponseWriter, r *http.Request) error {
	var in NewCaseJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	c := newCase(&in)
	if err := h.cfg.Cases.CreateCase(r.Context(), c); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"cases/"+c.ID)
	writeJSON(w, http.StatusCreated, caseJSON(c))
	return nil
}

// handleAddDependant records a child or dependant as a case of their own,
// linked to the case of the person they came with.
func (h *Handler) handleAddDependant(w http.ResponseWriter, r *http.Request) error {
	var in NewDependantJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	c := newCase(&NewCaseJSON{Person: in.Person})
	if err := h.cfg.Cases.AddDependant(r.Context(), r.PathValue("id"), in.Relation, c); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"cases/"+c.ID)
	writeJSON(w, http.StatusCreated, caseJSON(c))
	return nil
}

// newCase returns the case a request describes.
func newCase(in *NewCaseJSON) *fristad.Case {
	p := in.Person
	return &fristad.Case{
		Person: &fristad.Person{
			Alias: p.Alias, Name: p.Name, IdentityNumber: p.IdentityNumber, BirthDate: p.BirthDate, AgeBand: p.AgeBand,
			Sex: p.Sex, Citizenships: p.Citizenships, Languages: p.Languages, InterpreterNeeded: p.InterpreterNeeded,
			Protection: p.Protection,
		},
		ExploitationTypes: in.ExploitationTypes, Status: in.Status, Step: in.Step, Pathway: in.Pathway,
	}
}

func (h *Handler) handleCase(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+itoa(c.Version)+`"`)
	writeJSON(w, http.StatusOK, caseJSON(c))
	return nil
}

func (h *Handler) handleAddStatus(w http.ResponseWriter, r *http.Request) error {
	var in StatusJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.RecordedAt != nil || in.DecidingOrg != "" {
		return &fristad.Error{Code: fristad.EINVALID, Field: "recorded_at", Message: "recorded_at and deciding_organisation_id are set by the server"}
	}
	e := &fristad.StatusEvent{Status: in.Status, DecidedOn: in.DecidedOn, Basis: in.Basis}
	if err := h.cfg.Cases.AddStatus(r.Context(), r.PathValue("id"), e); err != nil {
		return err
	}
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, caseJSON(c))
	return nil
}

// CaseUpdateJSON is the body of PATCH /cases/{id}: the fields to change,
// and the version of the case the change is made from (or an If-Match
// header with the case's ETag).
type CaseUpdateJSON struct {
	Step              *string   `json:"step"`
	Pathway           *string   `json:"pathway"`
	ExploitationTypes *[]string `json:"exploitation_types"`
	Version           int       `json:"version"`
}

// ConflictJSON answers a change made from a stale version: the error,
// and the case as it now stands, to compare with.
type ConflictJSON struct {
	Error   ErrorDetail `json:"error"`
	Current CaseJSON    `json:"current"`
}

// ifMatch returns the version an If-Match header names, or fallback
// without one.
func ifMatch(r *http.Request, fallback int) (int, error) {
	v := r.Header.Get("If-Match")
	if v == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(v, "W/"), `"`))
	if err != nil || n < 1 {
		return 0, &fristad.Error{Code: fristad.EINVALID, Field: "version", Key: "case.version.invalid", Message: "If-Match must name a version, as the ETag did"}
	}
	return n, nil
}

func (h *Handler) handleUpdateCase(w http.ResponseWriter, r *http.Request) error {
	var in CaseUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	version, err := ifMatch(r, in.Version)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	err = h.cfg.Cases.UpdateCase(r.Context(), id, &fristad.CaseUpdate{Step: in.Step, Pathway: in.Pathway, ExploitationTypes: in.ExploitationTypes, Version: version})
	if fristad.ErrorCode(err) == fristad.ECONFLICT {
		c, ferr := h.cfg.Cases.FindCaseByID(r.Context(), id)
		if ferr != nil {
			return ferr
		}
		w.Header().Set("ETag", `"`+itoa(c.Version)+`"`)
		writeJSON(w, http.StatusConflict, ConflictJSON{Error: ErrorDetail{Code: fristad.ECONFLICT, Message: fristad.ErrorMessage(err)}, Current: caseJSON(c)})
		return nil
	}
	if err != nil {
		return err
	}
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+itoa(c.Version)+`"`)
	writeJSON(w, http.StatusOK, caseJSON(c))
	return nil
}
