package api

import (
	"net/http"
	"strconv"
	"time"

	"fristad"
)

func itoa(i int) string { return strconv.Itoa(i) }

// Me is the token's user.
type Me struct {
	ID             string   `json:"id"`
	OrganisationID string   `json:"organisation_id"`
	Email          string   `json:"email"`
	Name           string   `json:"name"`
	Roles          []string `json:"roles"`
	Scope          string   `json:"scope"`
}

func (h *Handler) handleMe(w http.ResponseWriter, r *http.Request) error {
	a := fristad.ActorFromContext(r.Context())
	me := Me{ID: a.UserID, OrganisationID: a.OrganisationID, Email: a.Email, Name: a.Name, Roles: []string{}, Scope: a.TokenScope}
	for _, role := range a.Roles {
		me.Roles = append(me.Roles, string(role))
	}
	writeJSON(w, http.StatusOK, me)
	return nil
}

// Organisation is an organisation in the API.
type Organisation struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Region    string    `json:"region"`
	Country   string    `json:"country"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *Handler) handleOrganisations(w http.ResponseWriter, r *http.Request) error {
	orgs, err := h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{})
	if err != nil {
		return err
	}
	out := struct {
		Organisations []Organisation `json:"organisations"`
	}{Organisations: []Organisation{}}
	for _, o := range orgs {
		out.Organisations = append(out.Organisations, Organisation{ID: o.ID, Name: o.Name, Type: o.Type, Region: o.Region, Country: o.Country, CreatedAt: o.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// User is a user in the API.
type User struct {
	ID             string    `json:"id"`
	OrganisationID string    `json:"organisation_id"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Roles          []string  `json:"roles"`
	Activated      bool      `json:"activated"`
	Disabled       bool      `json:"disabled"`
	CreatedAt      time.Time `json:"created_at"`
}

func (h *Handler) handleUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := h.cfg.Users.FindUsers(r.Context(), fristad.UserFilter{})
	if err != nil {
		return err
	}
	out := struct {
		Users []User `json:"users"`
	}{Users: []User{}}
	for _, u := range users {
		au := User{ID: u.ID, OrganisationID: u.OrganisationID, Email: u.Email, Name: u.Name, Roles: []string{}, Activated: u.Activated, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
		for _, role := range u.Roles {
			au.Roles = append(au.Roles, string(role))
		}
		out.Users = append(out.Users, au)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// AuditEvent is an audit event in the API.
type AuditEvent struct {
	Seq        int64     `json:"seq"`
	Time       time.Time `json:"time"`
	ActorID    string    `json:"actor_id"`
	ActorOrg   string    `json:"actor_org"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Purpose    string    `json:"purpose"`
	Result     string    `json:"result"`
	RequestID  string    `json:"request_id"`
}

func (h *Handler) handleAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var filter fristad.AuditFilter
	if v := q.Get("object"); v != "" {
		filter.ObjectID = &v
	}
	if v := q.Get("actor"); v != "" {
		filter.ActorID = &v
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > fristad.MaxAuditEvents {
			return &fristad.Error{Code: fristad.EINVALID, Field: "limit", Message: "limit must be a number from 1 to " + strconv.Itoa(fristad.MaxAuditEvents)}
		}
		filter.Limit = n
	}
	events, err := h.cfg.Audit.FindAuditEvents(r.Context(), filter)
	if err != nil {
		return err
	}
	out := struct {
		Events []AuditEvent `json:"events"`
	}{Events: []AuditEvent{}}
	for _, e := range events {
		out.Events = append(out.Events, AuditEvent(*e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
