package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fristad"
	"fristad/internal/render"
)

// Coordinators edit the public portal's content here (IN-10): every page
// with its owner, legal references and review date, its text in every
// language, the help lines and the portal's address. A change is a
// draft until someone publishes the drafts together as a new edition,
// which the portal serves at once. Pages due for review, missing a
// translation or translated from an older Swedish text come first.

// reviewSoon is how far ahead the editors are warned of a review date.
const reviewSoon = 30 * 24 * time.Hour

// editionsShown is how many editions the overview lists.
const editionsShown = 10

// ContentOverview is the portal's content as its editors see it.
type ContentOverview struct {
	render.Page
	Today      string
	Soon       string
	Report     *fristad.ContentReport
	Pages      []*fristad.ContentPage // due, incomplete or stale first, then by address
	Due        int                    // pages whose review is due within reviewSoon
	Incomplete int                    // pages missing a translation
	Stale      int                    // pages with a translation older than the Swedish text
	Unreviewed []string               // languages no native speaker has reviewed, named in themselves
	Editions   []*fristad.ContentEdition
	Published  int // the edition just published, to say so
	// Restored is how many drafts restoring edition RestoredFrom made.
	Restored, RestoredFrom int
	Site                   fristad.ContentSite
	Note                   string
	SiteError              *FormError
	Error                  *FormError // of publishing or discarding
}

// Overdue reports a review date passed.
func (p *ContentOverview) Overdue(c *fristad.ContentPage) bool { return c.NextReview < p.Today }

// DueSoon reports a review date within reviewSoon.
func (p *ContentOverview) DueSoon(c *fristad.ContentPage) bool { return c.NextReview <= p.Soon }

// DraftLabel names a draft's item for people: the page or help line it
// belongs to, and the language.
func (p *ContentOverview) DraftLabel(item string) string {
	parts := strings.Split(item, "/")
	name := ""
	switch parts[0] {
	case "site":
		return p.T("content.site")
	case "language":
		for _, l := range p.Report.Languages {
			if l.Tag == parts[1] {
				name = l.Name
			}
		}
		return p.T("content.draft.language", "Lang", name)
	case "page":
		for _, c := range p.Report.Pages {
			if c.ID == parts[1] {
				name = c.Title
			}
		}
	case "contact":
		for _, c := range p.Report.Contacts {
			if c.ID == parts[1] {
				name = c.Name
			}
		}
	}
	if len(parts) == 3 {
		return p.T("content.draft.text", "Name", name, "Lang", parts[2])
	}
	return p.T("content.draft.facts", "Name", name)
}

// DraftHref leads to where a draft's item is edited.
func (p *ContentOverview) DraftHref(item string) string {
	parts := strings.Split(item, "/")
	if parts[0] == "site" {
		return "#site-h"
	}
	href := "/portal-content/pages/"
	switch parts[0] {
	case "contact":
		href = "/portal-content/contacts/"
	case "language":
		href = "/portal-content/languages/"
	}
	for i, part := range parts[1:] {
		if i > 0 {
			href += "/"
		}
		href += url.PathEscape(part)
	}
	return href
}

func (h *Handler) contentEditor() (fristad.ContentEditor, error) {
	if h.cfg.Content == nil {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "this workspace edits no portal")
	}
	return h.cfg.Content, nil
}

func (h *Handler) handlePortalContent(w http.ResponseWriter, r *http.Request) error {
	page := &ContentOverview{Page: h.page(w, r)}
	q := r.URL.Query()
	page.Published, _ = strconv.Atoi(q.Get("published"))
	page.Restored, _ = strconv.Atoi(q.Get("restored"))
	page.RestoredFrom, _ = strconv.Atoi(q.Get("from"))
	return h.renderContentOverview(w, r, page, http.StatusOK)
}

func (h *Handler) renderContentOverview(w http.ResponseWriter, r *http.Request, page *ContentOverview, status int) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	now := h.now()
	page.Today, page.Soon = now.Format(time.DateOnly), now.Add(reviewSoon).Format(time.DateOnly)
	if page.Report, err = editor.ContentReport(r.Context()); err != nil {
		return err
	}
	if page.Editions, err = editor.ContentEditions(r.Context(), editionsShown); err != nil {
		return err
	}
	if page.SiteError == nil {
		page.Site = page.Report.Site
	}
	page.Pages = slices.Clone(page.Report.Pages)
	for _, l := range page.Report.Languages {
		if !l.Reviewed {
			page.Unreviewed = append(page.Unreviewed, l.Name)
		}
	}
	attention := func(c *fristad.ContentPage) bool { return page.DueSoon(c) || len(c.Missing) > 0 || len(c.Stale) > 0 }
	for _, c := range page.Pages {
		if page.DueSoon(c) {
			page.Due++
		}
		if len(c.Missing) > 0 {
			page.Incomplete++
		}
		if len(c.Stale) > 0 {
			page.Stale++
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
	return h.engine.Render(w, r, status, "portal_content", page)
}

// formFailure shows err on the form through show, when it is an error
// the user can act on; anything else goes to the error page.
func formFailure(p *render.Page, err error, show func(*FormError) error) error {
	fe, ok := formErrorFor(p, err)
	if !ok {
		return err
	}
	return show(fe)
}

func (h *Handler) handleSaveContentSite(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	s := &fristad.ContentSite{Address: r.PostForm.Get("address"), FeedbackEmail: r.PostForm.Get("feedback_email")}
	typed := *s
	if err := editor.SaveSite(r.Context(), s, r.PostForm.Get("version")); err != nil {
		page := &ContentOverview{Page: h.page(w, r)}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.SiteError, page.Site = fe, typed
			page.Site.Version = r.PostForm.Get("version")
			return h.renderContentOverview(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content#drafts", http.StatusSeeOther)
	return nil
}

func (h *Handler) handlePublishContent(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	note := r.PostForm.Get("note")
	e, err := editor.PublishContent(r.Context(), note)
	if err != nil {
		page := &ContentOverview{Page: h.page(w, r), Note: note}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentOverview(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content?published="+strconv.Itoa(e.Number), http.StatusSeeOther)
	return nil
}

// handleRestoreEdition makes drafts that bring an earlier edition back.
func (h *Handler) handleRestoreEdition(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return fristad.Errorf(fristad.ENOTFOUND, "no such edition")
	}
	count, err := editor.RestoreEdition(r.Context(), n)
	if err != nil {
		page := &ContentOverview{Page: h.page(w, r)}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentOverview(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content?restored="+strconv.Itoa(count)+"&from="+strconv.Itoa(n)+"#drafts", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleDiscardContent(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	if err := editor.DiscardContent(r.Context(), r.PostForm.Get("item")); err != nil {
		page := &ContentOverview{Page: h.page(w, r)}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentOverview(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// ContentPageEdit is one page of the portal: its facts as a form and its
// languages.
type ContentPageEdit struct {
	render.Page
	Content *fristad.ContentPage
	Form    PageFactsForm
	Error   *FormError
	Saved   bool
}

// PageFactsForm is the form of a page's facts as typed.
type PageFactsForm struct {
	Owner      string
	Law        string // one reference a line
	NextReview string
	EditorNote string
	Version    string
}

func (h *Handler) handleContentPage(w http.ResponseWriter, r *http.Request) error {
	page := &ContentPageEdit{Page: h.page(w, r), Saved: r.URL.Query().Get("saved") == "1"}
	return h.renderContentPage(w, r, page, http.StatusOK)
}

func (h *Handler) renderContentPage(w http.ResponseWriter, r *http.Request, page *ContentPageEdit, status int) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	if page.Content, err = editor.ContentPage(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	if page.Error == nil {
		c := page.Content
		page.Form = PageFactsForm{c.Owner, strings.Join(c.Law, "\n"), c.NextReview, c.EditorNote, c.Version}
	}
	page.Title = page.T("content.page.title", "Page", page.Content.Title)
	return h.engine.Render(w, r, status, "content_page", page)
}

func (h *Handler) handleSaveContentPage(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	f := PageFactsForm{r.PostForm.Get("owner"), r.PostForm.Get("law"), r.PostForm.Get("next_review"), r.PostForm.Get("editor_note"), r.PostForm.Get("version")}
	p := &fristad.ContentPage{ID: r.PathValue("id"), Owner: f.Owner, Law: lines(f.Law), NextReview: f.NextReview, EditorNote: f.EditorNote}
	if err := editor.SavePageFacts(r.Context(), p, f.Version); err != nil {
		page := &ContentPageEdit{Page: h.page(w, r), Form: f}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentPage(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content/pages/"+url.PathEscape(p.ID)+"?saved=1", http.StatusSeeOther)
	return nil
}

// lines splits a textarea into its lines.
func lines(s string) []string {
	return strings.Split(fristad.NormalizeNewlines(s), "\n")
}

// ContentTextEdit is a page's text in one language as a form, with the
// Swedish text beside it for translators.
type ContentTextEdit struct {
	render.Page
	Content *fristad.ContentPage
	Text    *fristad.ContentText // as stored, or as typed
	Body    string               // the blocks, a blank line between them
	Source  *fristad.ContentText // the Swedish text, when this is another language
	Error   *FormError
	Saved   bool
}

// textIn returns, of an item's texts, the one in lang and, when lang is
// another language, the Swedish one that translators work from.
func textIn[T any](texts []T, lang string, langOf func(T) string) (text, source T, ok bool) {
	for _, t := range texts {
		switch langOf(t) {
		case lang:
			text, ok = t, true
		case "sv":
			source = t
		}
	}
	return text, source, ok
}

// blankLine splits the body's textarea into blocks.
var blankLine = regexp.MustCompile(`\n[ \t]*\n`)

func (h *Handler) handleContentText(w http.ResponseWriter, r *http.Request) error {
	page := &ContentTextEdit{Page: h.page(w, r), Saved: r.URL.Query().Get("saved") == "1"}
	return h.renderContentText(w, r, page, http.StatusOK)
}

func (h *Handler) renderContentText(w http.ResponseWriter, r *http.Request, page *ContentTextEdit, status int) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	if page.Content, err = editor.ContentPage(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	stored, source, ok := textIn(page.Content.Texts, r.PathValue("lang"), func(t *fristad.ContentText) string { return t.Lang })
	if !ok {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	page.Source = source
	if page.Text == nil {
		page.Text, page.Body = stored, strings.Join(stored.Body, "\n\n")
	} else {
		page.Text.Name, page.Text.Dir, page.Text.Draft, page.Text.Stale = stored.Name, stored.Dir, stored.Draft, stored.Stale
	}
	page.Title = page.T("content.text.title", "Page", page.Content.Title, "Lang", stored.Name)
	return h.engine.Render(w, r, status, "content_text", page)
}

func (h *Handler) handleSaveContentText(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	f := r.PostForm
	body := f.Get("body")
	t := &fristad.ContentText{Lang: r.PathValue("lang"), Title: f.Get("title"), Heading: f.Get("heading"), Lead: f.Get("lead"), Summary: f.Get("summary"),
		Body: blankLine.Split(fristad.NormalizeNewlines(body), -1), Version: f.Get("version")}
	typed := *t
	id := r.PathValue("id")
	if err := editor.SavePageText(r.Context(), id, t, t.Version); err != nil {
		page := &ContentTextEdit{Page: h.page(w, r), Text: &typed, Body: body}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentText(w, r, page, fristad.ErrorStatus(err))
		})
	}
	next := "/portal-content/pages/" + url.PathEscape(id) + "/" + url.PathEscape(t.Lang)
	if f.Get("then") == "preview" {
		next += "/preview"
	} else {
		next += "?saved=1"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// handleContentPreview shows a page with the drafts as the portal will
// show it once they are published, in the portal's own layout, with a
// note that it is a preview and the way back.
func (h *Handler) handleContentPreview(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	p := h.page(w, r)
	id, lang := r.PathValue("id"), r.PathValue("lang")
	body, err := editor.PreviewContent(r.Context(), id, lang, fristad.ContentPreview{
		Nonce: p.Nonce, Note: p.T("content.preview.note"), Lang: p.Lang(), Dir: p.Dir(),
		Back: "/portal-content/pages/" + url.PathEscape(id) + "/" + url.PathEscape(lang), BackLabel: p.T("content.preview.back"),
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return nil
}

// ContentContactEdit is a help line: its number as a form, and its
// name and text in every language.
type ContentContactEdit struct {
	render.Page
	Contact *fristad.ContentContact
	Form    ContactForm
	Error   *FormError
	Saved   bool
}

// ContactForm is the form of a help line's number as typed.
type ContactForm struct {
	Number  string
	Urgent  bool
	Version string
}

func (h *Handler) handleContentContact(w http.ResponseWriter, r *http.Request) error {
	return h.renderContentContact(w, r, &ContentContactEdit{Page: h.page(w, r), Saved: r.URL.Query().Get("saved") == "1"}, http.StatusOK)
}

func (h *Handler) renderContentContact(w http.ResponseWriter, r *http.Request, page *ContentContactEdit, status int) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	if page.Contact, err = editor.ContentContact(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	if page.Error == nil {
		page.Form = ContactForm{page.Contact.Number, page.Contact.Urgent, page.Contact.Version}
	}
	page.Title = page.T("content.contact.title", "Name", page.Contact.Name)
	return h.engine.Render(w, r, status, "content_contact", page)
}

func (h *Handler) handleSaveContentContact(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	f := ContactForm{r.PostForm.Get("number"), r.PostForm.Get("urgent") == "on", r.PostForm.Get("version")}
	c := &fristad.ContentContact{ID: r.PathValue("id"), Number: f.Number, Urgent: f.Urgent}
	if err := editor.SaveContactFacts(r.Context(), c, f.Version); err != nil {
		page := &ContentContactEdit{Page: h.page(w, r), Form: f}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentContact(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content/contacts/"+url.PathEscape(c.ID)+"?saved=1", http.StatusSeeOther)
	return nil
}

// ContentContactTextEdit is a help line's name and text in one language.
type ContentContactTextEdit struct {
	render.Page
	Contact *fristad.ContentContact
	Text    *fristad.ContentContactText
	Source  *fristad.ContentContactText // in Swedish, when this is another language
	Error   *FormError
}

func (h *Handler) handleContentContactText(w http.ResponseWriter, r *http.Request) error {
	return h.renderContentContactText(w, r, &ContentContactTextEdit{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) renderContentContactText(w http.ResponseWriter, r *http.Request, page *ContentContactTextEdit, status int) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	if page.Contact, err = editor.ContentContact(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	stored, source, ok := textIn(page.Contact.Texts, r.PathValue("lang"), func(t *fristad.ContentContactText) string { return t.Lang })
	if !ok {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	page.Source = source
	if page.Text == nil {
		page.Text = stored
	} else {
		page.Text.Name, page.Text.Dir, page.Text.Draft = stored.Name, stored.Dir, stored.Draft
	}
	page.Title = page.T("content.contact.text.title", "Name", page.Contact.Name, "Lang", stored.Name)
	return h.engine.Render(w, r, status, "content_contact_text", page)
}

func (h *Handler) handleSaveContentContactText(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	t := &fristad.ContentContactText{Lang: r.PathValue("lang"), Label: r.PostForm.Get("label"), Text: r.PostForm.Get("text"), Version: r.PostForm.Get("version")}
	typed := *t
	id := r.PathValue("id")
	if err := editor.SaveContactText(r.Context(), id, t, t.Version); err != nil {
		page := &ContentContactTextEdit{Page: h.page(w, r), Text: &typed}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentContactText(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content/contacts/"+url.PathEscape(id)+"?saved=1", http.StatusSeeOther)
	return nil
}

// ContentLanguageEdit records a native speaker's review of a language.
type ContentLanguageEdit struct {
	render.Page
	Language *fristad.ContentLanguage // as stored, or as typed
	Today    string
	Error    *FormError
	Saved    bool
}

func (h *Handler) handleContentLanguage(w http.ResponseWriter, r *http.Request) error {
	return h.renderContentLanguage(w, r, &ContentLanguageEdit{Page: h.page(w, r), Saved: r.URL.Query().Get("saved") == "1"}, http.StatusOK)
}

func (h *Handler) renderContentLanguage(w http.ResponseWriter, r *http.Request, page *ContentLanguageEdit, status int) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	report, err := editor.ContentReport(r.Context())
	if err != nil {
		return err
	}
	var stored *fristad.ContentLanguage
	for _, l := range report.Languages {
		if l.Tag == r.PathValue("lang") {
			stored = l
		}
	}
	if stored == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	if page.Language == nil {
		page.Language = stored
	} else {
		page.Language.Name, page.Language.Dir, page.Language.Draft = stored.Name, stored.Dir, stored.Draft
	}
	page.Today = h.now().Format(time.DateOnly)
	page.Title = page.T("content.language.title", "Lang", stored.Name)
	return h.engine.Render(w, r, status, "content_language", page)
}

func (h *Handler) handleSaveContentLanguage(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	f := r.PostForm
	l := &fristad.ContentLanguage{Tag: r.PathValue("lang"), Reviewed: f.Get("reviewed") == "on", ReviewedBy: f.Get("reviewed_by"), ReviewedOn: f.Get("reviewed_on"),
		Version: f.Get("version")}
	typed := *l
	if err := editor.SaveLanguage(r.Context(), l, l.Version); err != nil {
		page := &ContentLanguageEdit{Page: h.page(w, r), Language: &typed}
		return formFailure(&page.Page, err, func(fe *FormError) error {
			page.Error = fe
			return h.renderContentLanguage(w, r, page, fristad.ErrorStatus(err))
		})
	}
	http.Redirect(w, r, "/portal-content/languages/"+url.PathEscape(l.Tag)+"?saved=1", http.StatusSeeOther)
	return nil
}

// ContentChangePage shows what a draft changes, field by field, before
// it is published.
type ContentChangePage struct {
	render.Page
	Change *fristad.ContentChange
	Item   string // the item, for people
	Edit   string // where it is edited
	Dir    string // of the text's language
}

func (h *Handler) handleContentChange(w http.ResponseWriter, r *http.Request) error {
	editor, err := h.contentEditor()
	if err != nil {
		return err
	}
	item := r.PathValue("item")
	change, err := editor.ContentDraftChange(r.Context(), item)
	if err != nil {
		return err
	}
	overview := &ContentOverview{Page: h.page(w, r)}
	if overview.Report, err = editor.ContentReport(r.Context()); err != nil {
		return err
	}
	page := &ContentChangePage{Page: overview.Page, Change: change, Item: overview.DraftLabel(item), Edit: overview.DraftHref(item), Dir: "ltr"}
	if page.Edit == "#site-h" {
		page.Edit = "/portal-content#site-h"
	}
	for _, l := range overview.Report.Languages {
		if l.Tag == change.Lang {
			page.Dir = l.Dir
		}
	}
	for i, f := range change.Fields {
		if f.Field == "urgent" || f.Field == "reviewed" {
			yes := func(v string) string {
				if v == "yes" {
					return page.T("content.yes")
				}
				return page.T("content.no")
			}
			change.Fields[i].Before, change.Fields[i].After = yes(f.Before), yes(f.After)
		}
	}
	page.Title = page.T("content.change.title", "Item", page.Item)
	return h.engine.Render(w, r, http.StatusOK, "content_change", page)
}
