package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fristad"
)

// How many editions GET /portal/editions lists, unless told, and at most.
const (
	defaultContentEditions = 20
	maxContentEditions     = 200
)

// The portal's content, edited by coordinators (IN-10): every save names
// the version of the item it was made from and is 409 when the item
// changed since; a save becomes a draft, and publishing makes the drafts
// a new edition the portal serves at once.

// ContentEditionJSON is a published edition of the portal's content,
// without its items.
type ContentEditionJSON struct {
	Number      int       `json:"number"`
	Changed     []string  `json:"changed"`
	Note        string    `json:"note"`
	PublishedAt time.Time `json:"published_at"`
	PublishedBy string    `json:"published_by"`
}

// ContentSiteJSON is what the editors set for the whole portal.
type ContentSiteJSON struct {
	Address       string `json:"address"`
	FeedbackEmail string `json:"feedback_email"`
	Draft         bool   `json:"draft"`
	Version       string `json:"version"`
}

// ContentPageJSON is a page of the portal: who answers for it, the law it
// rests on, when it is checked again, and which languages lack its text,
// may say something else than the Swedish (stale) or wait to be
// published.
type ContentPageJSON struct {
	ID         string   `json:"id"`
	Path       string   `json:"path"`
	Title      string   `json:"title"`
	Owner      string   `json:"owner"`
	Updated    string   `json:"updated"`
	NextReview string   `json:"next_review"`
	Law        []string `json:"law"`
	EditorNote string   `json:"editor_note"`
	Draft      bool     `json:"draft"`
	Version    string   `json:"version"`
	Missing    []string `json:"missing"`
	Stale      []string `json:"stale"`
	Drafts     []string `json:"drafts"`
}

// ContentPageTextsJSON is a page with its text in every language.
type ContentPageTextsJSON struct {
	ContentPageJSON
	Texts []ContentTextJSON `json:"texts"`
}

// ContentTextJSON is a page's text in one language; LanguageName is the
// language named in itself.
type ContentTextJSON struct {
	Lang         string   `json:"lang"`
	LanguageName string   `json:"language_name"`
	Dir          string   `json:"dir"`
	Title        string   `json:"title"`
	Heading      string   `json:"heading"`
	Lead         string   `json:"lead"`
	Summary      string   `json:"summary"`
	Body         []string `json:"body"`
	Draft        bool     `json:"draft"`
	Stale        bool     `json:"stale"`
	Version      string   `json:"version"`
}

// ContentContactJSON is a help line of the portal; Name is in Swedish.
type ContentContactJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Number  string `json:"number"`
	Urgent  bool   `json:"urgent"`
	Draft   bool   `json:"draft"`
	Version string `json:"version"`
}

// ContentContactTextsJSON is a help line with its text in every language.
type ContentContactTextsJSON struct {
	ContentContactJSON
	Texts []ContentContactTextJSON `json:"texts"`
}

// ContentContactTextJSON is a help line's name and text in one language.
type ContentContactTextJSON struct {
	Lang         string `json:"lang"`
	LanguageName string `json:"language_name"`
	Dir          string `json:"dir"`
	Name         string `json:"name"`
	Text         string `json:"text"`
	Draft        bool   `json:"draft"`
	Version      string `json:"version"`
}

// ContentLanguageJSON is a language of the portal; Reviewed is true once
// a native speaker has reviewed its translation.
type ContentLanguageJSON struct {
	Tag        string `json:"tag"`
	Name       string `json:"name"`
	Dir        string `json:"dir"`
	Reviewed   bool   `json:"reviewed"`
	ReviewedBy string `json:"reviewed_by"`
	ReviewedOn string `json:"reviewed_on"`
	Draft      bool   `json:"draft"`
	Version    string `json:"version"`
}

func contentLanguageJSON(l *fristad.ContentLanguage) ContentLanguageJSON {
	return ContentLanguageJSON{Tag: l.Tag, Name: l.Name, Dir: l.Dir, Reviewed: l.Reviewed, ReviewedBy: l.ReviewedBy, ReviewedOn: l.ReviewedOn,
		Draft: l.Draft, Version: l.Version}
}

// ContentLanguageUpdateJSON is the body of PUT /portal/languages/{lang}.
type ContentLanguageUpdateJSON struct {
	Reviewed   bool   `json:"reviewed"`
	ReviewedBy string `json:"reviewed_by"`
	ReviewedOn string `json:"reviewed_on"`
	Version    string `json:"version"`
}

// ContentDraftJSON is an item that waits to be published.
type ContentDraftJSON struct {
	Item      string    `json:"item"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ContentReportJSON is the portal's content for its editors. Edition is
// null while the portal shows the release's own text.
type ContentReportJSON struct {
	Edition   *ContentEditionJSON   `json:"edition"`
	Site      ContentSiteJSON       `json:"site"`
	Pages     []ContentPageJSON     `json:"pages"`
	Contacts  []ContentContactJSON  `json:"contacts"`
	Languages []ContentLanguageJSON `json:"languages"`
	Drafts    []ContentDraftJSON    `json:"drafts"`
}

// ContentSiteUpdateJSON is the body of PUT /portal/site.
type ContentSiteUpdateJSON struct {
	Address       string `json:"address"`
	FeedbackEmail string `json:"feedback_email"`
	Version       string `json:"version"`
}

// ContentPageUpdateJSON is the body of PUT /portal/pages/{id}.
type ContentPageUpdateJSON struct {
	Owner      string   `json:"owner"`
	Law        []string `json:"law"`
	NextReview string   `json:"next_review"`
	EditorNote string   `json:"editor_note"`
	Version    string   `json:"version"`
}

// ContentTextUpdateJSON is the body of PUT /portal/pages/{id}/texts/{lang}.
type ContentTextUpdateJSON struct {
	Title   string   `json:"title"`
	Heading string   `json:"heading"`
	Lead    string   `json:"lead"`
	Summary string   `json:"summary"`
	Body    []string `json:"body"`
	Version string   `json:"version"`
}

// ContentContactUpdateJSON is the body of PUT /portal/contacts/{id}.
type ContentContactUpdateJSON struct {
	Number  string `json:"number"`
	Urgent  bool   `json:"urgent"`
	Version string `json:"version"`
}

// ContentContactTextUpdateJSON is the body of PUT
// /portal/contacts/{id}/texts/{lang}.
type ContentContactTextUpdateJSON struct {
	Name    string `json:"name"`
	Text    string `json:"text"`
	Version string `json:"version"`
}

func contentEditionJSON(e *fristad.ContentEdition) ContentEditionJSON {
	return ContentEditionJSON{Number: e.Number, Changed: nonNil(e.Changed), Note: e.Note, PublishedAt: e.PublishedAt, PublishedBy: e.PublishedBy}
}

func contentSiteJSON(s fristad.ContentSite) ContentSiteJSON {
	return ContentSiteJSON{Address: s.Address, FeedbackEmail: s.FeedbackEmail, Draft: s.Draft, Version: s.Version}
}

func contentPageJSON(p *fristad.ContentPage) ContentPageJSON {
	return ContentPageJSON{ID: p.ID, Path: p.Path, Title: p.Title, Owner: p.Owner, Updated: p.Updated, NextReview: p.NextReview,
		Law: nonNil(p.Law), EditorNote: p.EditorNote, Draft: p.Draft, Version: p.Version,
		Missing: nonNil(p.Missing), Stale: nonNil(p.Stale), Drafts: nonNil(p.Drafts)}
}

func contentPageTextsJSON(p *fristad.ContentPage) ContentPageTextsJSON {
	out := ContentPageTextsJSON{ContentPageJSON: contentPageJSON(p), Texts: []ContentTextJSON{}}
	for _, t := range p.Texts {
		out.Texts = append(out.Texts, contentTextJSON(t))
	}
	return out
}

func contentTextJSON(t *fristad.ContentText) ContentTextJSON {
	return ContentTextJSON{Lang: t.Lang, LanguageName: t.Name, Dir: t.Dir, Title: t.Title, Heading: t.Heading, Lead: t.Lead,
		Summary: t.Summary, Body: nonNil(t.Body), Draft: t.Draft, Stale: t.Stale, Version: t.Version}
}

func contentContactJSON(c *fristad.ContentContact) ContentContactJSON {
	return ContentContactJSON{ID: c.ID, Name: c.Name, Number: c.Number, Urgent: c.Urgent, Draft: c.Draft, Version: c.Version}
}

func contentContactTextsJSON(c *fristad.ContentContact) ContentContactTextsJSON {
	out := ContentContactTextsJSON{ContentContactJSON: contentContactJSON(c), Texts: []ContentContactTextJSON{}}
	for _, t := range c.Texts {
		out.Texts = append(out.Texts, contentContactTextJSON(t))
	}
	return out
}

func contentContactTextJSON(t *fristad.ContentContactText) ContentContactTextJSON {
	return ContentContactTextJSON{Lang: t.Lang, LanguageName: t.Name, Dir: t.Dir, Name: t.Label, Text: t.Text, Draft: t.Draft, Version: t.Version}
}

// withContent serves fn only on a server that edits the portal's
// content; the routes exist on every server, as openapi.json lists them.
func (h *Handler) withContent(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if h.cfg.Content == nil {
			return fristad.Errorf(fristad.ENOTIMPLEMENTED, "this server does not edit the portal's content")
		}
		return fn(w, r)
	}
}

// contentError answers an error of the editor. The body was well formed
// by then, so content that breaks a rule is 422 even when the rule names
// no field: nothing to publish, a changed page already due for review, a
// text the portal could not render. Everything else goes to Error.
func contentError(w http.ResponseWriter, err error) error {
	fe, ok := errors.AsType[*fristad.Error](err)
	if !ok || fe.Code != fristad.EINVALID || fe.Field != "" {
		return err
	}
	writeJSON(w, http.StatusUnprocessableEntity, ErrorBody{Error: ErrorDetail{Code: fe.Code, Message: fe.Message}})
	return nil
}

func (h *Handler) handleContentReport(w http.ResponseWriter, r *http.Request) error {
	report, err := h.cfg.Content.ContentReport(r.Context())
	if err != nil {
		return err
	}
	out := ContentReportJSON{Site: contentSiteJSON(report.Site), Pages: []ContentPageJSON{}, Contacts: []ContentContactJSON{},
		Languages: []ContentLanguageJSON{}, Drafts: []ContentDraftJSON{}}
	if report.Edition != nil {
		e := contentEditionJSON(report.Edition)
		out.Edition = &e
	}
	for _, p := range report.Pages {
		out.Pages = append(out.Pages, contentPageJSON(p))
	}
	for _, c := range report.Contacts {
		out.Contacts = append(out.Contacts, contentContactJSON(c))
	}
	for _, l := range report.Languages {
		out.Languages = append(out.Languages, contentLanguageJSON(l))
	}
	for _, d := range report.Drafts {
		out.Drafts = append(out.Drafts, ContentDraftJSON{Item: d.Item, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleSaveContentSite saves the portal's address and feedback address
// as a draft; the answer is the site as now stored, with its version.
func (h *Handler) handleSaveContentSite(w http.ResponseWriter, r *http.Request) error {
	var in ContentSiteUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.cfg.Content.SaveSite(r.Context(), &fristad.ContentSite{Address: in.Address, FeedbackEmail: in.FeedbackEmail}, in.Version); err != nil {
		return contentError(w, err)
	}
	report, err := h.cfg.Content.ContentReport(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contentSiteJSON(report.Site))
	return nil
}

// handleSaveContentLanguage records whether a native speaker has
// reviewed a language; the answer is the language as now stored.
func (h *Handler) handleSaveContentLanguage(w http.ResponseWriter, r *http.Request) error {
	var in ContentLanguageUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	lang := r.PathValue("lang")
	l := &fristad.ContentLanguage{Tag: lang, Reviewed: in.Reviewed, ReviewedBy: in.ReviewedBy, ReviewedOn: in.ReviewedOn}
	if err := h.cfg.Content.SaveLanguage(r.Context(), l, in.Version); err != nil {
		return contentError(w, err)
	}
	report, err := h.cfg.Content.ContentReport(r.Context())
	if err != nil {
		return err
	}
	for _, l := range report.Languages {
		if l.Tag == lang {
			writeJSON(w, http.StatusOK, contentLanguageJSON(l))
			return nil
		}
	}
	return fristad.Errorf(fristad.ENOTFOUND, "no such language")
}

func (h *Handler) handleContentPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.cfg.Content.ContentPage(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contentPageTextsJSON(p))
	return nil
}

// handleSaveContentPage saves a page's owner, law, next review and
// editor note as a draft; the answer is the page as now stored.
func (h *Handler) handleSaveContentPage(w http.ResponseWriter, r *http.Request) error {
	var in ContentPageUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	p := &fristad.ContentPage{ID: r.PathValue("id"), Owner: in.Owner, Law: in.Law, NextReview: in.NextReview, EditorNote: in.EditorNote}
	if err := h.cfg.Content.SavePageFacts(r.Context(), p, in.Version); err != nil {
		return contentError(w, err)
	}
	return h.handleContentPage(w, r)
}

// handleSaveContentText saves a page's text in one language as a draft;
// the answer is that text as now stored.
func (h *Handler) handleSaveContentText(w http.ResponseWriter, r *http.Request) error {
	var in ContentTextUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	id, lang := r.PathValue("id"), r.PathValue("lang")
	t := &fristad.ContentText{Lang: lang, Title: in.Title, Heading: in.Heading, Lead: in.Lead, Summary: in.Summary, Body: in.Body}
	if err := h.cfg.Content.SavePageText(r.Context(), id, t, in.Version); err != nil {
		return contentError(w, err)
	}
	p, err := h.cfg.Content.ContentPage(r.Context(), id)
	if err != nil {
		return err
	}
	for _, saved := range p.Texts {
		if saved.Lang == lang {
			writeJSON(w, http.StatusOK, contentTextJSON(saved))
			return nil
		}
	}
	return fmt.Errorf("api: page %s has no %s text after saving it", id, lang)
}

func (h *Handler) handleContentContact(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Content.ContentContact(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contentContactTextsJSON(c))
	return nil
}

// handleSaveContentContact saves a help line's number and whether it is
// on every home page as a draft; the answer is the help line as now
// stored.
func (h *Handler) handleSaveContentContact(w http.ResponseWriter, r *http.Request) error {
	var in ContentContactUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &fristad.ContentContact{ID: r.PathValue("id"), Number: in.Number, Urgent: in.Urgent}
	if err := h.cfg.Content.SaveContactFacts(r.Context(), c, in.Version); err != nil {
		return contentError(w, err)
	}
	return h.handleContentContact(w, r)
}

// handleSaveContentContactText saves a help line's name and text in one
// language as a draft; the answer is that text as now stored.
func (h *Handler) handleSaveContentContactText(w http.ResponseWriter, r *http.Request) error {
	var in ContentContactTextUpdateJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	id, lang := r.PathValue("id"), r.PathValue("lang")
	t := &fristad.ContentContactText{Lang: lang, Label: in.Name, Text: in.Text}
	if err := h.cfg.Content.SaveContactText(r.Context(), id, t, in.Version); err != nil {
		// The editor calls the help line's name its label.
		if fe, ok := errors.AsType[*fristad.Error](err); ok && fe.Field == "label" {
			renamed := *fe
			renamed.Field, renamed.Message = "name", "name"+strings.TrimPrefix(fe.Message, "label")
			err = &renamed
		}
		return contentError(w, err)
	}
	c, err := h.cfg.Content.ContentContact(r.Context(), id)
	if err != nil {
		return err
	}
	for _, saved := range c.Texts {
		if saved.Lang == lang {
			writeJSON(w, http.StatusOK, contentContactTextJSON(saved))
			return nil
		}
	}
	return fmt.Errorf("api: help line %s has no %s text after saving it", id, lang)
}

// handleDiscardContent throws away the draft of one item, named by its
// key: site, page/{id}, page/{id}/{lang}, contact/{id} or
// contact/{id}/{lang}.
func (h *Handler) handleDiscardContent(w http.ResponseWriter, r *http.Request) error {
	if err := h.cfg.Content.DiscardContent(r.Context(), r.PathValue("item")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handlePublishContent publishes every draft as a new edition, which the
// portal serves at once.
func (h *Handler) handlePublishContent(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := h.cfg.Content.PublishContent(r.Context(), in.Note)
	if err != nil {
		return contentError(w, err)
	}
	writeJSON(w, http.StatusCreated, contentEditionJSON(e))
	return nil
}

func (h *Handler) handleContentEditions(w http.ResponseWriter, r *http.Request) error {
	limit := defaultContentEditions
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxContentEditions {
			return &fristad.Error{Code: fristad.EINVALID, Field: "limit", Message: "limit must be a number from 1 to " + strconv.Itoa(maxContentEditions)}
		}
		limit = n
	}
	editions, err := h.cfg.Content.ContentEditions(r.Context(), limit)
	if err != nil {
		return err
	}
	out := struct {
		Editions []ContentEditionJSON `json:"editions"`
	}{Editions: []ContentEditionJSON{}}
	for _, e := range editions {
		out.Editions = append(out.Editions, contentEditionJSON(e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ContentRestoreJSON answers POST /portal/editions/{n}/restore: how many
// drafts now bring the edition back.
type ContentRestoreJSON struct {
	Drafts int `json:"drafts"`
}

// handleRestoreEdition makes drafts that bring an earlier edition back;
// publishing them is a separate step.
func (h *Handler) handleRestoreEdition(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return fristad.Errorf(fristad.ENOTFOUND, "no such edition")
	}
	count, err := h.cfg.Content.RestoreEdition(r.Context(), n)
	if err != nil {
		return contentError(w, err)
	}
	writeJSON(w, http.StatusOK, ContentRestoreJSON{Drafts: count})
	return nil
}

// ContentChangeJSON is what a draft changes, field by field.
type ContentChangeJSON struct {
	Item      string            `json:"item"`
	Lang      string            `json:"lang,omitempty"`
	Fields    []FieldChangeJSON `json:"fields"`
	UpdatedBy string            `json:"updated_by"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// FieldChangeJSON is one field of a change; lists a line an entry.
type FieldChangeJSON struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// handleContentChange answers what publishing a draft would change.
func (h *Handler) handleContentChange(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Content.ContentDraftChange(r.Context(), r.PathValue("item"))
	if err != nil {
		return err
	}
	out := ContentChangeJSON{Item: c.Item, Lang: c.Lang, Fields: []FieldChangeJSON{}, UpdatedBy: c.UpdatedBy, UpdatedAt: c.UpdatedAt}
	for _, f := range c.Fields {
		out.Fields = append(out.Fields, FieldChangeJSON{f.Field, f.Before, f.After})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
