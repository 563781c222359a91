// Package api is the JSON API under /api/v1 on the staff listener. Clients
// authenticate with a personal API token (Authorization: Bearer …); the
// API answers with the same access policy as the staff workspace, and
// every failure as {"error":{"code":…,"message":…}} with a precise status.
package api

import (
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"fristad"
	"fristad/internal/guard"
)

//go:embed openapi.json
var openapi []byte

// Prefix is where the API lives.
const Prefix = "/api/v1/"

// Config holds the services the API answers from.
type Config struct {
	// Services are the domain services the API answers from.
	fristad.Services
	// Content is where coordinators edit the portal's content (IN-10).
	Content fristad.ContentEditor
}

// Handler serves the API.
type Handler struct{ cfg Config }

// New returns the API's handler.
func New(cfg Config) *Handler { return &Handler{cfg: cfg} }

// Mux is where routes are registered.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// Register adds the API's routes to mux. Every route of the API is listed
// here, with its policy, and in openapi.json.
func (h *Handler) Register(mux Mux) {
	h.route(mux, "GET "+Prefix+"openapi.json", anyone, h.handleOpenAPI)
	h.route(mux, "GET "+Prefix+"me", signedIn, h.handleMe)
	h.route(mux, "GET "+Prefix+"organisations", allowed(fristad.ActionOrganisationList), h.handleOrganisations)
	h.route(mux, "GET "+Prefix+"users", allowed(fristad.ActionUserList), h.handleUsers)
	h.route(mux, "GET "+Prefix+"audit", allowed(fristad.ActionAuditRead), h.handleAudit)
	h.route(mux, "GET "+Prefix+"cases", allowed(fristad.ActionCaseRead), h.handleCases)
	h.route(mux, "POST "+Prefix+"cases", allowed(fristad.ActionCaseCreate), h.handleCreateCase)
	h.route(mux, "GET "+Prefix+"tasks", allowed(fristad.ActionCaseRead), h.handleDeadlines)
	// The case service decides on one case and audits every refusal.
	h.route(mux, "GET "+Prefix+"cases/{id}", signedIn, h.handleCase)
	h.route(mux, "PATCH "+Prefix+"cases/{id}", signedIn, h.handleUpdateCase)
	h.route(mux, "POST "+Prefix+"cases/{id}/dependants", signedIn, h.handleAddDependant)
	h.route(mux, "GET "+Prefix+"cases/{id}/indicators", signedIn, h.handleIndicators)
	h.route(mux, "POST "+Prefix+"cases/{id}/indicators", signedIn, h.handleSaveIndicators)
	h.route(mux, "GET "+Prefix+"cases/{id}/residences", signedIn, h.handleResidences)
	h.route(mux, "GET "+Prefix+"cases/{id}/timeline", signedIn, h.handleTimeline)
	h.route(mux, "POST "+Prefix+"cases/{id}/residences", signedIn, h.handleRecordResidence)
	h.route(mux, "POST "+Prefix+"cases/{id}/status", signedIn, h.handleAddStatus)
	h.route(mux, "GET "+Prefix+"cases/{id}/assessments", signedIn, h.handleAssessments)
	h.route(mux, "POST "+Prefix+"cases/{id}/assessments/risk", signedIn, h.handleAddRisk)
	h.route(mux, "POST "+Prefix+"cases/{id}/assessments/needs", signedIn, h.handleAddNeeds)
	h.route(mux, "GET "+Prefix+"cases/{id}/safety-plan", signedIn, h.handleSafetyPlan)
	h.route(mux, "PUT "+Prefix+"cases/{id}/safety-plan", signedIn, h.handleSaveSafetyPlan)
	h.route(mux, "GET "+Prefix+"cases/{id}/notes", signedIn, h.handleNotes)
	h.route(mux, "POST "+Prefix+"cases/{id}/notes", signedIn, h.handleCreateNote)
	h.route(mux, "GET "+Prefix+"cases/{id}/consents", signedIn, h.handleConsents)
	h.route(mux, "POST "+Prefix+"cases/{id}/consents", signedIn, h.handleCreateConsent)
	h.route(mux, "POST "+Prefix+"cases/{id}/consents/{consentID}/withdraw", signedIn, h.handleWithdrawConsent)
	h.route(mux, "GET "+Prefix+"cases/{id}/disclosures", signedIn, h.handleDisclosures)
	h.route(mux, "POST "+Prefix+"cases/{id}/disclosures", signedIn, h.handleCreateDisclosure)
	h.route(mux, "GET "+Prefix+"cases/{id}/documents", signedIn, h.handleDocuments)
	h.route(mux, "POST "+Prefix+"cases/{id}/documents", signedIn, h.handleCreateDocument)
	h.route(mux, "GET "+Prefix+"cases/{id}/documents/{docID}", signedIn, h.handleDownloadDocument)
	h.route(mux, "GET "+Prefix+"cases/{id}/tasks", signedIn, h.handleTasks)
	h.route(mux, "POST "+Prefix+"cases/{id}/tasks", signedIn, h.handleCreateTask)
	h.route(mux, "POST "+Prefix+"cases/{id}/tasks/{taskID}/done", signedIn, h.handleCompleteTask)
	h.route(mux, "GET "+Prefix+"cases/{id}/eligibility", signedIn, h.handleEligibility)
	h.route(mux, "GET "+Prefix+"cases/{id}/plan", signedIn, h.handlePlan)
	h.route(mux, "POST "+Prefix+"cases/{id}/plan", signedIn, h.handleEnrol)
	h.route(mux, "GET "+Prefix+"cases/{id}/plan/versions", signedIn, h.handlePlanVersions)
	h.route(mux, "GET "+Prefix+"cases/{id}/plan/versions/{n}", signedIn, h.handlePlanVersion)
	h.route(mux, "PUT "+Prefix+"cases/{id}/plan/goals", signedIn, h.handleSaveGoals)
	h.route(mux, "POST "+Prefix+"cases/{id}/plan/interventions", signedIn, h.handleAddIntervention)
	h.route(mux, "PUT "+Prefix+"cases/{id}/plan/interventions/{iid}", signedIn, h.handleUpdateIntervention)
	h.route(mux, "POST "+Prefix+"cases/{id}/plan/phase", signedIn, h.handleChangePhase)
	h.route(mux, "POST "+Prefix+"cases/{id}/plan/reviews", signedIn, h.handleAddReview)
	h.route(mux, "POST "+Prefix+"cases/{id}/plan/end", signedIn, h.handleEndPlan)
	h.route(mux, "GET "+Prefix+"cases/{id}/events", signedIn, h.handleEvents)
	h.route(mux, "POST "+Prefix+"cases/{id}/events", signedIn, h.handleSaveEvent)
	h.route(mux, "PUT "+Prefix+"cases/{id}/events/{eventID}", signedIn, h.handleSaveEvent)
	h.route(mux, "DELETE "+Prefix+"cases/{id}/events/{eventID}", signedIn, h.handleRemoveEvent)
	h.route(mux, "GET "+Prefix+"persons/{ref}", signedIn, h.handlePerson)
	h.route(mux, "POST "+Prefix+"persons/{ref}/merge", signedIn, h.handleMerge)
	h.route(mux, "GET "+Prefix+"programmes", allowed(fristad.ActionProgrammeRead), h.handleProgrammes)
	h.route(mux, "POST "+Prefix+"programmes", allowed(fristad.ActionProgrammeManage), h.handleCreateProgramme)
	h.route(mux, "GET "+Prefix+"programmes/{id}", allowed(fristad.ActionProgrammeRead), h.handleProgramme)
	h.route(mux, "PUT "+Prefix+"programmes/{id}", allowed(fristad.ActionProgrammeManage), h.handleUpdateProgramme)
	h.route(mux, "POST "+Prefix+"programmes/{id}/publish", allowed(fristad.ActionProgrammeManage), h.handlePublishProgramme)
	h.route(mux, "GET "+Prefix+"providers", allowed(fristad.ActionProgrammeRead), h.handleProviders)
	h.route(mux, "PUT "+Prefix+"providers/{id}", allowed(fristad.ActionProgrammeManage), h.handleSaveProvider)
	h.route(mux, "GET "+Prefix+"budget", allowed(fristad.ActionProgrammeManage), h.handleBudget)
	// Call-back requests (IN-08): the service decides which coordinator
	// takes each one and audits every refusal.
	h.route(mux, "GET "+Prefix+"callbacks", allowed(fristad.ActionCallbackRead), h.handleCallbacks)
	h.route(mux, "GET "+Prefix+"callbacks/{id}", allowed(fristad.ActionCallbackRead), h.handleCallback)
	h.route(mux, "POST "+Prefix+"callbacks/{id}/handle", allowed(fristad.ActionCallbackHandle), h.handleHandleCallback)
	// The portal's content (IN-10): coordinators only; the editor checks
	// every item as the portal will show it, the store audits each change.
	content, read := allowed(fristad.ActionContentEdit), allowed(fristad.ActionContentRead)
	h.route(mux, "GET "+Prefix+"portal/content", read, h.withContent(h.handleContentReport))
	h.route(mux, "PUT "+Prefix+"portal/site", content, h.withContent(h.handleSaveContentSite))
	h.route(mux, "PUT "+Prefix+"portal/languages/{lang}", content, h.withContent(h.handleSaveContentLanguage))
	h.route(mux, "GET "+Prefix+"portal/pages/{id}", read, h.withContent(h.handleContentPage))
	h.route(mux, "PUT "+Prefix+"portal/pages/{id}", content, h.withContent(h.handleSaveContentPage))
	h.route(mux, "PUT "+Prefix+"portal/pages/{id}/texts/{lang}", content, h.withContent(h.handleSaveContentText))
	h.route(mux, "GET "+Prefix+"portal/contacts/{id}", read, h.withContent(h.handleContentContact))
	h.route(mux, "PUT "+Prefix+"portal/contacts/{id}", content, h.withContent(h.handleSaveContentContact))
	h.route(mux, "PUT "+Prefix+"portal/contacts/{id}/texts/{lang}", content, h.withContent(h.handleSaveContentContactText))
	h.route(mux, "DELETE "+Prefix+"portal/drafts/{item...}", content, h.withContent(h.handleDiscardContent))
	h.route(mux, "GET "+Prefix+"portal/drafts/{item...}", read, h.withContent(h.handleContentChange))
	h.route(mux, "POST "+Prefix+"portal/publish", content, h.withContent(h.handlePublishContent))
	h.route(mux, "GET "+Prefix+"portal/editions", read, h.withContent(h.handleContentEditions))
	h.route(mux, "POST "+Prefix+"portal/editions/{n}/restore", content, h.withContent(h.handleRestoreEdition))
	for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		h.route(mux, method+" "+Prefix, anyone, h.handleNotFound)
	}
}

// The policies of the routes, by the short names the list above uses:
// who may reach a route at all (SR-20), decided by package guard.
var (
	anyone   = guard.Anyone
	signedIn = guard.SignedIn
	allowed  = guard.Allowed
)

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route registers fn at pattern behind policy p. The request's bearer
// token, if any, is authenticated first, on every route: a wrong token is
// refused even where none is needed.
func (h *Handler) route(mux Mux, pattern string, p guard.Policy, fn handlerFunc) {
	guarded := p.Guard(fn, tokenNeeded)
	mux.Handle(pattern, &guard.Route{Policy: p, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h.authenticate(r)
		if err == nil {
			err = guarded(w, r)
		}
		if err != nil {
			Error(w, r, err)
		}
	})})
}

// tokenNeeded answers a request without a token on a route that needs
// one.
func tokenNeeded(http.ResponseWriter, *http.Request) error {
	return fristad.Errorf(fristad.EUNAUTHORIZED, "an API token is needed: Authorization: Bearer TOKEN")
}

// authenticate puts the actor of the request's bearer token, if it has
// one, into its context; the token service refuses a wrong one.
func (h *Handler) authenticate(r *http.Request) error {
	token, ok := guard.BearerToken(r)
	if !ok {
		return nil
	}
	actor, err := h.cfg.Tokens.AuthenticateToken(r.Context(), token)
	if err != nil {
		return err
	}
	*r = *r.WithContext(fristad.NewContextWithActor(r.Context(), actor))
	return nil
}

// ErrorBody is the JSON form of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// FieldError says what is wrong with one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ErrorDetail says what went wrong: a stable machine-readable code (one of
// fristad's error codes), an English message, the field it concerns and,
// for internal errors, the request id to quote to support.
type ErrorDetail struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Field     string       `json:"field,omitempty"`
	Fields    []FieldError `json:"fields,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
}

// Error writes err as JSON with the status its code maps to. Internal
// errors are logged and answered with a generic message.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	status := fristad.ErrorStatus(err)
	body := ErrorBody{Error: ErrorDetail{
		Code:    fristad.ErrorCode(err),
		Message: fristad.ErrorMessage(err),
	}}
	if fe, ok := errors.AsType[*fristad.Error](err); ok && fe.Field != "" {
		// A field that breaks a rule: 422, with the fields listed.
		body.Error.Field = fe.Field
		body.Error.Fields = []FieldError{{Field: fe.Field, Message: fe.Message}}
		if fe.Code == fristad.EINVALID {
			status = http.StatusUnprocessableEntity
		}
	}
	switch {
	case status == http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="fristad"`)
	case status >= 500:
		id := fristad.RequestIDFromContext(r.Context())
		body.Error.RequestID = id
		slog.ErrorContext(r.Context(), "api request failed", "code", body.Error.Code, "err", err,
			"request_id", id, "method", r.Method, "pattern", r.Pattern)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		buf = []byte(`{"error":{"code":"internal","message":"Internal error."}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(buf, '\n'))
}

func (h *Handler) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapi)
	return nil
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "not found")
}
