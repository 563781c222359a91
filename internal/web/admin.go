package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fristad"
	"fristad/internal/render"
)

// OrganisationsPage lists the organisations and has a form for a new one.
type OrganisationsPage struct {
	render.Page
	Organisations []*fristad.Organisation
	Types         []string
	Form          fristad.Organisation // what was typed, kept on an error
	Error         *FormError
	Created       string // the name of an organisation just created
}

func (h *Handler) renderOrganisations(w http.ResponseWriter, r *http.Request, page *OrganisationsPage, status int) error {
	var err error
	if page.Organisations, err = h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{}); err != nil {
		return err
	}
	if page.Types, err = h.cfg.Organisations.OrganisationTypes(r.Context()); err != nil {
		return err
	}
	page.Title = page.T("admin.orgs.title")
	return h.engine.Render(w, r, status, "organisations", page)
}

func (h *Handler) handleOrganisations(w http.ResponseWriter, r *http.Request) error {
	page := &OrganisationsPage{Page: h.page(w, r), Form: fristad.Organisation{Country: "SE"}, Created: r.URL.Query().Get("created")}
	return h.renderOrganisations(w, r, page, http.StatusOK)
}

func (h *Handler) handleCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	org := fristad.Organisation{
		Name:    r.PostForm.Get("name"),
		Type:    r.PostForm.Get("type"),
		Region:  r.PostForm.Get("region"),
		Country: r.PostForm.Get("country"),
	}
	form := org
	if err := h.cfg.Organisations.CreateOrganisation(r.Context(), &org); err != nil {
		page := &OrganisationsPage{Page: h.page(w, r), Form: form}
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Error = fe
		return h.renderOrganisations(w, r, page, fristad.ErrorStatus(err))
	}
	http.Redirect(w, r, "/admin/organisations?created="+url.QueryEscape(org.ID), http.StatusSeeOther)
	return nil
}

// UsersPage lists the users and has a form for a new one.
type UsersPage struct {
	render.Page
	Users         []*fristad.User
	Organisations map[string]string // id → name
	OrgList       []*fristad.Organisation
	Roles         []fristad.Role
	Form          UserForm
	Error         *FormError
	Activation    *ActivationNotice
}

// UserForm is what was typed into the new-user form.
type UserForm struct {
	Email, Name, OrganisationID string
	Roles                       map[fristad.Role]bool
}

// ActivationNotice shows a new activation link once, to hand to its user.
type ActivationNotice struct {
	Email string
	Link  string
}

func (h *Handler) renderUsers(w http.ResponseWriter, r *http.Request, page *UsersPage, status int) error {
	var err error
	if page.Users, err = h.cfg.Users.FindUsers(r.Context(), fristad.UserFilter{}); err != nil {
		return err
	}
	if page.OrgList, err = h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{}); err != nil {
		return err
	}
	page.Organisations = map[string]string{}
	for _, o := range page.OrgList {
		page.Organisations[o.ID] = o.Name
	}
	page.Roles = fristad.Roles
	page.Title = page.T("admin.users.title")
	return h.engine.Render(w, r, status, "users", page)
}

func (h *Handler) handleUsers(w http.ResponseWriter, r *http.Request) error {
	return h.renderUsers(w, r, &UsersPage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	form := UserForm{
		Email:          r.PostForm.Get("email"),
		Name:           r.PostForm.Get("name"),
		OrganisationID: r.PostForm.Get("org"),
		Roles:          map[fristad.Role]bool{},
	}
	u := &fristad.User{Email: form.Email, Name: form.Name, OrganisationID: form.OrganisationID}
	for _, v := range r.PostForm["role"] {
		u.Roles = append(u.Roles, fristad.Role(v))
		form.Roles[fristad.Role(v)] = true
	}
	a, err := h.cfg.Users.CreateUser(r.Context(), u)
	page := &UsersPage{Page: h.page(w, r)}
	if err != nil {
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		page.Form, page.Error = form, fe
		return h.renderUsers(w, r, page, fristad.ErrorStatus(err))
	}
	page.Activation = h.activationNotice(r, a)
	return h.renderUsers(w, r, page, http.StatusCreated)
}

func (h *Handler) handleNewActivation(w http.ResponseWriter, r *http.Request) error {
	a, err := h.cfg.Users.CreateActivation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &UsersPage{Page: h.page(w, r), Activation: h.activationNotice(r, a)}
	return h.renderUsers(w, r, page, http.StatusOK)
}

func (h *Handler) handleDisableUser(w http.ResponseWriter, r *http.Request) error {
	if err := h.cfg.Users.DisableUser(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// activationNotice builds the link a new user activates their account
// with, on the address staff reach the workspace at.
func (h *Handler) activationNotice(r *http.Request, a *fristad.Activation) *ActivationNotice {
	base := h.cfg.StaffURL
	if base == "" {
		scheme := "https"
		if r.TLS == nil {
			scheme = "http"
		}
		base = scheme + "://" + r.Host
	}
	return &ActivationNotice{Email: a.Email, Link: strings.TrimSuffix(base, "/") + "/activate?token=" + url.QueryEscape(a.Token)}
}

// AuditPage lets an auditor search the audit trail.
type AuditPage struct {
	render.Page
	Object string
	Actor  string
	Events []*fristad.AuditEvent
}

func (h *Handler) handleAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page := &AuditPage{Page: h.page(w, r), Object: strings.TrimSpace(q.Get("object")), Actor: strings.TrimSpace(q.Get("actor"))}
	filter := fristad.AuditFilter{Limit: 200}
	if page.Object != "" {
		filter.ObjectID = &page.Object
	}
	if page.Actor != "" {
		filter.ActorID = &page.Actor
	}
	var err error
	if page.Events, err = h.cfg.Audit.FindAuditEvents(r.Context(), filter); err != nil {
		return err
	}
	page.Title = page.T("audit.title")
	return h.engine.Render(w, r, http.StatusOK, "audit", page)
}

// UserPage shows one user, with a form for their roles.
type UserPage struct {
	render.Page
	User         *fristad.User
	Organisation string
	Roles        []fristad.Role
	Error        *FormError
}

// HasRole reports whether the user holds role r, for the checkboxes.
func (p *UserPage) HasRole(r fristad.Role) bool { return p.User.Has(r) }

func (h *Handler) renderUser(w http.ResponseWriter, r *http.Request, fe *FormError, status int) error {
	u, err := h.cfg.Users.FindUserByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	page := UserPage{Page: h.page(w, r), User: u, Roles: fristad.Roles, Error: fe}
	if org, err := h.cfg.Organisations.FindOrganisationByID(r.Context(), u.OrganisationID); err == nil {
		page.Organisation = org.Name
	}
	page.Title = page.T("admin.user.title", "Email", u.Email)
	return h.engine.Render(w, r, status, "user", &page)
}

func (h *Handler) handleUser(w http.ResponseWriter, r *http.Request) error {
	return h.renderUser(w, r, nil, http.StatusOK)
}

func (h *Handler) handleSetRoles(w http.ResponseWriter, r *http.Request) error {
	var roles []fristad.Role
	for _, v := range r.PostForm["role"] {
		roles = append(roles, fristad.Role(v))
	}
	err := h.cfg.Users.SetRoles(r.Context(), r.PathValue("id"), roles)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := h.page(w, r)
		fe, _ := formErrorFor(&page, err)
		return h.renderUser(w, r, fe, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// handleAuditExport hands an auditor the events of a search as CSV, for a
// data subject's access request: who read or changed their data, and
// why. Exporting needs a fresh second factor (SR-13).
func (h *Handler) handleAuditExport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	object, actor := strings.TrimSpace(q.Get("object")), strings.TrimSpace(q.Get("actor"))
	filter := fristad.AuditFilter{}
	if object != "" {
		filter.ObjectID = &object
	}
	if actor != "" {
		filter.ActorID = &actor
	}
	events, err := h.cfg.Audit.ExportAuditEvents(r.Context(), filter)
	if fristad.ErrorCode(err) == fristad.ESTEPUP {
		http.Redirect(w, r, "/account/step-up?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="fristad-audit-`+h.now().UTC().Format("20060102-150405")+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time_utc", "actor_id", "actor_org", "actor_role", "action", "result", "object_type", "object_id", "purpose", "request_id"})
	for _, e := range events {
		cw.Write(safeCSV(strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339), e.ActorID, e.ActorOrg, e.ActorRole,
			e.Action, e.Result, e.ObjectType, e.ObjectID, e.Purpose, e.RequestID))
	}
	cw.Flush()
	return cw.Error()
}

// safeCSV defuses cells a spreadsheet would run as a formula (SR-43).
func safeCSV(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r\x00", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
