package web

import (
	"net/http"
	"time"

	"fristad"
	"fristad/internal/render"
)

// HomePage is the start page: for a signed-in user, what their
// organisation must know.
type HomePage struct {
	render.Page
	Notifications []*fristad.Notification
	Notices       []*fristad.Notice // about the user's own account
	// For those who work cases: deadlines overdue and due this week,
	// and the cases at high risk or above.
	Overdue, ThisWeek int
	HighRisk          []*fristad.Case
	WorksCases        bool

	// For coordinators: the call-back requests waiting for them (IN-08),
	// and the portal's pages due for review within reviewSoon (IN-10).
	Callbacks      int
	TakesCallbacks bool
	ContentDue     []*fristad.ContentPage
	EditsContent   bool
}

func (h *Handler) handleHome(w http.ResponseWriter, r *http.Request) error {
	page := HomePage{Page: h.page(w, r)}
	if fristad.ActorFromContext(r.Context()) != nil {
		var err error
		if page.Notifications, err = h.cfg.Cases.Notifications(r.Context()); err != nil {
			return err
		}
		if page.Notices, err = h.cfg.Auth.Notices(r.Context()); err != nil {
			return err
		}
		if err := h.dashboard(r, &page); err != nil {
			return err
		}
		if err := h.callbackCount(r, &page); err != nil {
			return err
		}
		if err := h.contentDue(r, &page); err != nil {
			return err
		}
	}
	page.Title = page.T("home.title")
	return h.engine.Render(w, r, http.StatusOK, "home", &page)
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
}

// handleLanguage stores an explicit language choice and returns to the
// page it was made on.
func (h *Handler) handleLanguage(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PostForm.Get("lang"))
	if !ok {
		return fristad.Errorf(fristad.EINVALID, "unknown language")
	}
	setCookie(w, langCookie, tag.String(), 365*24*time.Hour)
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// dashboard fills in a case worker's start: how many deadlines are
// overdue and due within a week, and the cases whose latest risk
// assessment is high or very high.
func (h *Handler) dashboard(r *http.Request, page *HomePage) error {
	actor := fristad.ActorFromContext(r.Context())
	if !fristad.Can(actor, fristad.ActionCaseRead, nil) || actor.OrganisationID == "" {
		return nil
	}
	page.WorksCases = true
	today := h.today()
	week := h.cfg.Now().In(stockholm).AddDate(0, 0, 7).Format(time.DateOnly)
	tasks, err := h.cfg.Tasks.MyDeadlines(r.Context(), fristad.TaskFilter{Until: week})
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.DueOn < today {
			page.Overdue++
		} else {
			page.ThisWeek++
		}
	}
	for _, level := range []string{"very_high", "high"} {
		cases, err := h.cfg.Cases.FindCases(r.Context(), fristad.CaseFilter{RiskLevel: &level, Limit: 20})
		if err != nil {
			return err
		}
		page.HighRisk = append(page.HighRisk, cases...)
	}
	return nil
}

// contentDue lists, for those who edit the portal, its pages due for
// review within reviewSoon or overdue.
func (h *Handler) contentDue(r *http.Request, page *HomePage) error {
	if h.cfg.Content == nil || !fristad.Can(fristad.ActorFromContext(r.Context()), fristad.ActionContentEdit, nil) {
		return nil
	}
	due, err := h.cfg.Content.ContentDue(r.Context(), h.now().Add(reviewSoon).Format(time.DateOnly))
	if err != nil {
		return err
	}
	page.EditsContent, page.ContentDue = true, due
	return nil
}
