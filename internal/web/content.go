package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"fristad"
	"fristad/internal/render"
)

// reviewSoon is how far ahead the editors are warned of a review date.
const reviewSoon = 30 * 24 * time.Hour

// ContentPage is the public portal's content as its editors see it
// (IN-10, IN-02): every page with its owner, legal references and review
// date, the pages due for review or missing a translation first, and the
// languages no native speaker has reviewed yet.
type ContentPage struct {
	render.Page
	Today      string
	Soon       string
	Pages      []*fristad.ContentPage // due or incomplete first, then by address
	Due        int                    // pages whose review is due within reviewSoon
	Incomplete int                    // pages missing a translation
	Unreviewed []string               // languages no native speaker has reviewed, named in themselves
}

// Overdue reports a review date passed.
func (p *ContentPage) Overdue(c *fristad.ContentPage) bool { return c.NextReview < p.Today }

// DueSoon reports a review date within reviewSoon.
func (p *ContentPage) DueSoon(c *fristad.ContentPage) bool { return c.NextReview <= p.Soon }

func (h *Handler) handlePortalContent(w http.ResponseWriter, r *http.Request) error {
	page := &ContentPage{Page: h.page(w, r)}
	now := h.now()
	page.Today, page.Soon = now.Format(time.DateOnly), now.Add(reviewSoon).Format(time.DateOnly)
	if h.cfg.Content != nil {
		report, err := h.cfg.Content.ContentReport(r.Context())
		if err != nil {
			return err
		}
		page.Pages = slices.Clone(report.Pages)
		for _, l := range report.Languages {
			if !l.Reviewed {
				page.Unreviewed = append(page.Unreviewed, l.Name)
			}
		}
	}
	attention := func(c *fristad.ContentPage) bool { return page.DueSoon(c) || len(c.Missing) > 0 }
	for _, c := range page.Pages {
		if page.DueSoon(c) {
			page.Due++
		}
		if len(c.Missing) > 0 {
			page.Incomplete++
		}
	}
	slices.SortStableFunc(page.Pages, func(a, b *fristad.ContentPage) int {
		switch {
		case attention(a) && !attention(b):
			return -1
		case attention(b) && !attention(a):
			return 1
		case attention(a):
			return strings.Compare(a.NextReview, b.NextReview)
		}
		return strings.Compare(a.Path, b.Path)
	})
	page.Title = page.T("content.title")
	return h.engine.Render(w, r, http.StatusOK, "portal_content", page)
}
