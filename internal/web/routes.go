package web

import (
	"net/http"
	"net/http/pprof"

	"fristad"
	"fristad/internal/guard"
)

// Register adds the workspace's routes to mux. Every route of the staff
// workspace is listed here, each with the policy that guards it: who may
// reach it at all. Finer decisions (which record) are made by the
// services, through fristad.Can.
func (h *Handler) Register(mux Mux) {
	h.route(mux, "GET /{$}", anyone, h.handleHome)
	h.route(mux, "POST /language", anyone, h.handleLanguage)

	h.route(mux, "GET /login", anyone, h.handleLoginForm)
	h.route(mux, "POST /login", anyone, h.handleLogin)
	h.route(mux, "GET /login/code", anyone, h.handleCodeForm)
	h.route(mux, "POST /login/code", anyone, h.handleCode)
	h.route(mux, "POST /logout", anyone, h.handleLogout)

	h.route(mux, "GET /activate", anyone, h.handleActivateForm)
	h.route(mux, "POST /activate", anyone, h.handleActivatePassword)
	h.route(mux, "POST /activate/code", anyone, h.handleActivateCode)

	h.routeJSON(mux, "POST /login/passkey/options", anyone, h.handlePasskeyLoginOptions)
	h.routeJSON(mux, "POST /login/passkey", anyone, h.handlePasskeyLogin)

	h.route(mux, "GET /account/step-up", signedIn, h.handleStepUpForm)
	h.route(mux, "POST /account/step-up", signedIn, h.handleStepUp)
	h.routeJSON(mux, "POST /account/step-up/passkey/options", signedIn, h.handleStepUpPasskeyOptions)
	h.routeJSON(mux, "POST /account/step-up/passkey", signedIn, h.handleStepUpPasskey)
	h.route(mux, "GET /account/passkeys", signedIn, h.handlePasskeys)
	h.routeJSON(mux, "POST /account/passkeys/options", signedIn, h.handlePasskeyRegisterOptions)
	h.routeJSON(mux, "POST /account/passkeys", signedIn, h.handlePasskeyRegister)
	h.route(mux, "POST /account/passkeys/{id}/remove", signedIn, h.handleRemovePasskey)
	h.route(mux, "GET /account/sessions", signedIn, h.handleSessions)
	h.route(mux, "POST /account/sessions/{id}/end", signedIn, h.handleEndSession)

	h.route(mux, "GET /admin/organisations", allowed(fristad.ActionOrganisationCreate), h.handleOrganisations)
	h.route(mux, "POST /admin/organisations", allowed(fristad.ActionOrganisationCreate), h.handleCreateOrganisation)
	h.route(mux, "GET /admin/users", allowed(fristad.ActionUserList), h.handleUsers)
	h.route(mux, "POST /admin/users", allowed(fristad.ActionUserCreate), h.handleCreateUser)
	h.route(mux, "POST /admin/users/{id}/disable", allowed(fristad.ActionUserDisable), h.handleDisableUser)
	h.route(mux, "POST /admin/users/{id}/activation", allowed(fristad.ActionUserActivation), h.handleNewActivation)
	h.route(mux, "GET /admin/users/{id}", allowed(fristad.ActionUserList), h.handleUser)
	h.route(mux, "POST /admin/users/{id}/roles", allowed(fristad.ActionUserRoles), h.handleSetRoles)

	h.route(mux, "GET /audit", allowed(fristad.ActionAuditRead), h.handleAudit)
	h.route(mux, "GET /audit/export", allowed(fristad.ActionAuditRead), h.handleAuditExport)

	h.route(mux, "GET /cases", allowed(fristad.ActionCaseRead), h.handleCases)
	h.route(mux, "GET /cases/new", allowed(fristad.ActionCaseCreate), h.handleNewCaseForm)
	h.route(mux, "POST /cases", allowed(fristad.ActionCaseCreate), h.handleCreateCase)
	h.route(mux, "GET /cases/break-glass", allowed(fristad.ActionCaseRead), h.handleBreakGlassForm)
	h.route(mux, "POST /cases/break-glass", allowed(fristad.ActionCaseRead), h.handleBreakGlass)
	h.route(mux, "GET /tasks", allowed(fristad.ActionCaseRead), h.handleDeadlines)
	// The case service decides on one case, from its team, and audits
	// every refusal (SR-21, SR-30); the route only needs a login.
	h.route(mux, "GET /cases/{id}", signedIn, h.handleCase)
	h.route(mux, "POST /cases/{id}/status", signedIn, h.handleAddStatus)
	h.route(mux, "POST /cases/{id}/update", signedIn, h.handleUpdateCase)
	h.route(mux, "POST /cases/{id}/dependants", signedIn, h.handleAddDependant)
	h.route(mux, "POST /cases/{id}/reveal", signedIn, h.handleReveal)
	h.route(mux, "GET /cases/{id}/residence", signedIn, h.handleResidence)
	h.route(mux, "POST /cases/{id}/residence", signedIn, h.handleRecordResidence)
	h.route(mux, "POST /cases/{id}/residence/{rid}/reveal", signedIn, h.handleRevealResidence)
	h.route(mux, "POST /cases/{id}/events", signedIn, h.handleSaveEvent)
	h.route(mux, "POST /cases/{id}/events/{eventID}/remove", signedIn, h.handleRemoveEvent)
	h.route(mux, "GET /cases/{id}/merge", signedIn, h.handleMergeForm)
	h.route(mux, "POST /cases/{id}/merge", signedIn, h.handleMerge)
	h.route(mux, "GET /cases/{id}/indicators", signedIn, h.handleIndicators)
	h.route(mux, "POST /cases/{id}/indicators", signedIn, h.handleSaveIndicators)
	h.route(mux, "GET /cases/{id}/assessments", signedIn, h.handleAssessments)
	h.route(mux, "POST /cases/{id}/assessments/risk", signedIn, h.handleAddRisk)
	h.route(mux, "POST /cases/{id}/assessments/needs", signedIn, h.handleAddNeeds)
	h.route(mux, "GET /cases/{id}/safety", signedIn, h.handleSafety)
	h.route(mux, "POST /cases/{id}/safety", signedIn, h.handleSaveSafety)
	h.route(mux, "GET /cases/{id}/notes", signedIn, h.handleNotes)
	h.route(mux, "POST /cases/{id}/notes", signedIn, h.handleCreateNote)
	h.route(mux, "GET /cases/{id}/documents", signedIn, h.handleDocuments)
	h.route(mux, "POST /cases/{id}/documents", signedIn, h.handleCreateDocument)
	h.route(mux, "GET /cases/{id}/documents/{docID}", signedIn, h.handleDownloadDocument)
	h.route(mux, "GET /cases/{id}/consents", signedIn, h.handleConsents)
	h.route(mux, "POST /cases/{id}/consents", signedIn, h.handleCreateConsent)
	h.route(mux, "POST /cases/{id}/consents/{consentID}/withdraw", signedIn, h.handleWithdrawConsent)
	h.route(mux, "POST /cases/{id}/disclosures", signedIn, h.handleCreateDisclosure)
	h.route(mux, "GET /cases/{id}/tasks", signedIn, h.handleTasks)
	h.route(mux, "GET /cases/{id}/timeline", signedIn, h.handleTimeline)
	h.route(mux, "POST /cases/{id}/tasks", signedIn, h.handleCreateTask)
	h.route(mux, "POST /cases/{id}/tasks/{taskID}/done", signedIn, h.handleCompleteTask)
	h.route(mux, "GET /cases/{id}/plan", signedIn, h.handlePlan)
	h.route(mux, "POST /cases/{id}/plan", signedIn, h.handleEnrol)
	h.route(mux, "POST /cases/{id}/plan/goals", signedIn, h.handleSaveGoals)
	h.route(mux, "POST /cases/{id}/plan/interventions", signedIn, h.handleAddIntervention)
	h.route(mux, "POST /cases/{id}/plan/interventions/{iid}", signedIn, h.handleUpdateIntervention)
	h.route(mux, "POST /cases/{id}/plan/phase", signedIn, h.handleChangePhase)
	h.route(mux, "POST /cases/{id}/plan/reviews", signedIn, h.handleAddReview)
	h.route(mux, "POST /cases/{id}/plan/end", signedIn, h.handleEndPlan)
	h.route(mux, "GET /cases/{id}/plan/print", signedIn, h.handlePlanPrint)
	h.route(mux, "GET /cases/{id}/plan/versions/{n}", signedIn, h.handlePlanVersion)

	// The programme office: coordinators design programmes and keep the
	// provider registry; those who make plans read them.
	h.route(mux, "GET /programmes", allowed(fristad.ActionProgrammeRead), h.handleProgrammes)
	h.route(mux, "POST /programmes", allowed(fristad.ActionProgrammeManage), h.handleCreateProgramme)
	h.route(mux, "GET /programmes/{id}", allowed(fristad.ActionProgrammeRead), h.handleProgramme)
	h.route(mux, "POST /programmes/{id}", allowed(fristad.ActionProgrammeManage), h.handleUpdateProgramme)
	h.route(mux, "POST /programmes/{id}/publish", allowed(fristad.ActionProgrammeManage), h.handlePublishProgramme)
	h.route(mux, "POST /programmes/{id}/versions", allowed(fristad.ActionProgrammeManage), h.handleNewProgrammeVersion)
	h.route(mux, "GET /providers", allowed(fristad.ActionProgrammeRead), h.handleProviders)
	h.route(mux, "POST /providers", allowed(fristad.ActionProgrammeManage), h.handleSaveProvider)
	h.route(mux, "GET /budget", allowed(fristad.ActionProgrammeManage), h.handleBudget)

	// The portal's content (IN-10): coordinators edit it item by item
	// and publish the drafts together.
	edit := allowed(fristad.ActionContentEdit)
	h.route(mux, "GET /portal-content", edit, h.handlePortalContent)
	h.route(mux, "POST /portal-content/site", edit, h.handleSaveContentSite)
	h.route(mux, "POST /portal-content/publish", edit, h.handlePublishContent)
	h.route(mux, "POST /portal-content/discard", edit, h.handleDiscardContent)
	h.route(mux, "GET /portal-content/drafts/{item...}", edit, h.handleContentChange)
	h.route(mux, "POST /portal-content/editions/{n}/restore", edit, h.handleRestoreEdition)
	h.route(mux, "GET /portal-content/pages/{id}", edit, h.handleContentPage)
	h.route(mux, "POST /portal-content/pages/{id}", edit, h.handleSaveContentPage)
	h.route(mux, "GET /portal-content/pages/{id}/{lang}", edit, h.handleContentText)
	h.route(mux, "POST /portal-content/pages/{id}/{lang}", edit, h.handleSaveContentText)
	h.route(mux, "GET /portal-content/pages/{id}/{lang}/preview", edit, h.handleContentPreview)
	h.route(mux, "GET /portal-content/contacts/{id}", edit, h.handleContentContact)
	h.route(mux, "POST /portal-content/contacts/{id}", edit, h.handleSaveContentContact)
	h.route(mux, "GET /portal-content/contacts/{id}/{lang}", edit, h.handleContentContactText)
	h.route(mux, "POST /portal-content/contacts/{id}/{lang}", edit, h.handleSaveContentContactText)
	h.route(mux, "GET /portal-content/languages/{lang}", edit, h.handleContentLanguage)
	h.route(mux, "POST /portal-content/languages/{lang}", edit, h.handleSaveContentLanguage)

	// Call-back requests from the portal (IN-08): the service decides
	// per request which coordinator takes it, and audits every refusal.
	h.route(mux, "GET /callbacks", allowed(fristad.ActionCallbackRead), h.handleCallbacks)
	h.route(mux, "GET /callbacks/{id}", allowed(fristad.ActionCallbackRead), h.handleCallback)
	h.route(mux, "POST /callbacks/{id}/handle", allowed(fristad.ActionCallbackHandle), h.handleHandleCallback)

	// The running server's profiles, to find where its time goes (issue
	// 11): only when serve runs with --pprof, only for administrators.
	// The command line is left out: it may hold the database's password.
	if h.cfg.Profiling {
		profile := allowed(fristad.ActionDebugProfile)
		h.route(mux, "GET /debug/pprof/{profile...}", profile, serve(pprof.Index)) // the index and every named profile
		h.route(mux, "GET /debug/pprof/profile", profile, serve(pprof.Profile))
		h.route(mux, "GET /debug/pprof/trace", profile, serve(pprof.Trace))
		h.route(mux, "GET /debug/pprof/symbol", profile, serve(pprof.Symbol))
		h.route(mux, "GET /debug/pprof/cmdline", profile, h.handleNotFound)
	}

	h.route(mux, "GET /", anyone, h.handleNotFound)
}

// serve adapts a plain handler to a route's.
func serve(fn http.HandlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		fn(w, r)
		return nil
	}
}

// Mux is where routes are registered: an *http.ServeMux, or a recorder in
// tests.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// The policies of the routes, by the short names the list above uses:
// who may reach a route at all (SR-20), decided by package guard.
var (
	anyone   = guard.Anyone
	signedIn = guard.SignedIn
	allowed  = guard.Allowed
)

// routeJSON registers a route for a page's script: errors are JSON.
func (h *Handler) routeJSON(mux Mux, pattern string, p guard.Policy, fn handlerFunc) {
	mux.Handle(pattern, &guard.Route{Policy: p, Handler: h.handleWith(p.Guard(fn, signIn), h.jsonError)})
}

// route registers fn at pattern behind policy p.
func (h *Handler) route(mux Mux, pattern string, p guard.Policy, fn handlerFunc) {
	mux.Handle(pattern, &guard.Route{Policy: p, Handler: h.handle(p.Guard(fn, signIn))})
}

// signIn answers a request without a login on a route that needs one: a
// page asks to log in and returns afterwards; other requests are 401.
func signIn(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+localPath(r.URL.Path), http.StatusSeeOther)
		return nil
	}
	return fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
}
