// Package content is where coordinators edit the public portal's content
// and publish it (IN-10): item by item into drafts, each checked as the
// portal will show it, then published together as a new edition, which
// the portal serves at once; earlier editions can be brought back. It
// serves the staff workspace and the API (fristad.ContentEditor).
//
// The dependency runs one way: content uses the portal to check and
// preview what editors write (the release's text, applying items over
// it, rendering a page), and the portal never imports content. The
// portal reads only the published edition, through its own read-only
// view of the store (portal.Editions).
package content

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fristad"
	"fristad/internal/i18n"
	"fristad/internal/portal"

	"golang.org/x/text/language"
)

// How long the fields of a page may be, in characters.
const (
	maxTitle      = 80
	maxHeading    = 200
	maxLead       = 1000
	maxSummary    = 300
	maxBlock      = 2000
	maxBlocks     = 60
	maxOwner      = 200
	maxLaw        = 300
	maxLaws       = 20
	maxEditorNote = 1000
	maxContact    = 1000
)

// editionHistory is how many editions back the editors' report looks for
// when each text last changed.
const editionHistory = 500

// Editor lets coordinators edit the portal's content in the staff
// workspace and publish it (IN-10). It checks every item as the portal
// will show it, so that what it saves always renders; the store keeps
// the drafts and editions, and decides who may touch them.
type Editor struct {
	portal  *portal.Handler
	catalog *i18n.Catalog // the portal's languages
	store   fristad.ContentStore
}

var _ fristad.ContentEditor = (*Editor)(nil)

// New returns the editor of p's content, kept in store. Publishing serves
// the new edition on p at once.
func New(p *portal.Handler, store fristad.ContentStore) *Editor {
	return &Editor{portal: p, catalog: p.Catalog(), store: store}
}

// working is the content as editors see it: the published edition with
// the drafts applied, and what each item is stored as.
type working struct {
	content   *portal.Content
	edition   *fristad.ContentEdition
	drafts    map[string]*fristad.ContentDraft
	published map[string]json.RawMessage
	changed   map[string]int // the edition each item last changed in
}

// version returns the ContentVersion of item as stored.
func (w *working) version(item string) string {
	if d := w.drafts[item]; d != nil {
		return fristad.ContentVersion(d.Body)
	}
	return fristad.ContentVersion(w.published[item])
}

func (e *Editor) load(ctx context.Context, history bool) (*working, error) {
	edition, err := e.store.LatestContentEdition(ctx)
	if err != nil {
		return nil, err
	}
	drafts, err := e.store.ContentDrafts(ctx)
	if err != nil {
		return nil, err
	}
	w := &working{edition: edition, drafts: map[string]*fristad.ContentDraft{}, published: map[string]json.RawMessage{}, changed: map[string]int{}}
	items := map[string]json.RawMessage{}
	if edition != nil {
		w.published = edition.Items
		for k, v := range edition.Items {
			items[k] = v
		}
	}
	for _, d := range drafts {
		w.drafts[d.Item] = d
		items[d.Item] = d.Body
	}
	if w.content, err = e.portal.Release().Apply(items); err != nil {
		return nil, err
	}
	if history {
		editions, err := e.store.ContentEditions(ctx, editionHistory)
		if err != nil {
			return nil, err
		}
		for _, ed := range editions { // newest first
			for _, item := range ed.Changed {
				if _, ok := w.changed[item]; !ok {
					w.changed[item] = ed.Number
				}
			}
		}
	}
	return w, nil
}

// ContentReport returns every page, help line and language with what
// waits to be published.
func (e *Editor) ContentReport(ctx context.Context) (*fristad.ContentReport, error) {
	w, err := e.load(ctx, true)
	if err != nil {
		return nil, err
	}
	r := &fristad.ContentReport{Site: e.site(w)}
	if w.edition != nil {
		ed := *w.edition
		ed.Items = nil
		r.Edition = &ed
	}
	for _, tag := range e.catalog.Languages() {
		r.Languages = append(r.Languages, e.language(w, tag))
	}
	for _, p := range w.content.Site.Pages {
		r.Pages = append(r.Pages, e.page(w, p, false))
	}
	for _, c := range w.content.Site.Contacts {
		r.Contacts = append(r.Contacts, e.contact(w, c, false))
	}
	for _, d := range w.drafts {
		r.Drafts = append(r.Drafts, &fristad.ContentDraft{Item: d.Item, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt})
	}
	slices.SortFunc(r.Drafts, func(a, b *fristad.ContentDraft) int { return strings.Compare(a.Item, b.Item) })
	return r, nil
}

func (e *Editor) language(w *working, tag language.Tag) *fristad.ContentLanguage {
	item := portal.LanguageItem(tag.String())
	l := &fristad.ContentLanguage{Tag: tag.String(), Name: e.catalog.LanguageName(tag), Dir: i18n.Dir(tag),
		Reviewed: e.portal.Reviewed(w.content, tag), Draft: w.drafts[item] != nil, Version: w.version(item)}
	if f := w.content.Reviews[tag]; f != nil {
		l.ReviewedBy, l.ReviewedOn = f.ReviewedBy, f.ReviewedOn
	}
	return l
}

func (e *Editor) site(w *working) fristad.ContentSite {
	s := w.content.Site
	return fristad.ContentSite{Address: s.Address, FeedbackEmail: s.FeedbackEmail, Draft: w.drafts[portal.SiteItem] != nil, Version: w.version(portal.SiteItem)}
}

// page returns p as its editors see it, with its texts when full.
func (e *Editor) page(w *working, p *portal.PageInfo, full bool) *fristad.ContentPage {
	sv := w.content.Texts[language.Swedish]
	cp := &fristad.ContentPage{ID: p.ID, Path: p.Path, Title: sv.Pages[p.ID].Title, Owner: p.Owner, Updated: p.Updated, NextReview: p.NextReview,
		Law: p.Law, EditorNote: p.EditorNote, Draft: w.drafts[portal.PageItem(p.ID)] != nil, Version: w.version(portal.PageItem(p.ID))}
	source := w.changed[portal.PageTextItem(p.ID, "sv")]
	for _, tag := range e.catalog.Languages() {
		lang := tag.String()
		item := portal.PageTextItem(p.ID, lang)
		pt := w.content.Texts[tag].Pages[p.ID]
		if pt == nil || strings.TrimSpace(pt.Title) == "" {
			cp.Missing = append(cp.Missing, lang)
			continue
		}
		stale := tag != language.Swedish && w.changed[item] < source
		if stale {
			cp.Stale = append(cp.Stale, lang)
		}
		if w.drafts[item] != nil {
			cp.Drafts = append(cp.Drafts, lang)
		}
		if full {
			cp.Texts = append(cp.Texts, &fristad.ContentText{Lang: lang, Name: e.catalog.LanguageName(tag), Dir: i18n.Dir(tag),
				Title: pt.Title, Heading: pt.Heading, Lead: pt.Lead, Summary: pt.Summary, Body: slices.Clone(pt.Body),
				Draft: w.drafts[item] != nil, Stale: stale, Version: w.version(item)})
		}
	}
	return cp
}

func (e *Editor) contact(w *working, c *portal.Contact, full bool) *fristad.ContentContact {
	cc := &fristad.ContentContact{ID: c.ID, Name: w.content.Texts[language.Swedish].Contacts[c.ID].Name, Number: c.Number, Urgent: c.Urgent,
		Draft: w.drafts[portal.ContactItem(c.ID)] != nil, Version: w.version(portal.ContactItem(c.ID))}
	if full {
		for _, tag := range e.catalog.Languages() {
			item := portal.ContactTextItem(c.ID, tag.String())
			ct := w.content.Texts[tag].Contacts[c.ID]
			cc.Texts = append(cc.Texts, &fristad.ContentContactText{Lang: tag.String(), Name: e.catalog.LanguageName(tag), Dir: i18n.Dir(tag),
				Label: ct.Name, Text: ct.Text, Draft: w.drafts[item] != nil, Version: w.version(item)})
		}
	}
	return cc
}

func errNoPage() error { return fristad.Errorf(fristad.ENOTFOUND, "no such page") }

// ContentDue returns the published pages due for review by day.
func (e *Editor) ContentDue(ctx context.Context, day string) ([]*fristad.ContentPage, error) {
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionContentRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	c := e.portal.Served()
	var due []*fristad.ContentPage
	for _, p := range c.Site.Pages {
		if p.NextReview <= day {
			due = append(due, &fristad.ContentPage{ID: p.ID, Path: p.Path, Title: c.Texts[language.Swedish].Pages[p.ID].Title, Owner: p.Owner,
				Updated: p.Updated, NextReview: p.NextReview})
		}
	}
	slices.SortStableFunc(due, func(a, b *fristad.ContentPage) int { return strings.Compare(a.NextReview, b.NextReview) })
	return due, nil
}

// ContentPage returns a page with its text in every language.
func (e *Editor) ContentPage(ctx context.Context, id string) (*fristad.ContentPage, error) {
	w, err := e.load(ctx, true)
	if err != nil {
		return nil, err
	}
	p := w.content.Site.Page(id)
	if p == nil {
		return nil, errNoPage()
	}
	return e.page(w, p, true), nil
}

// ContentContact returns a help line with its text in every language.
func (e *Editor) ContentContact(ctx context.Context, id string) (*fristad.ContentContact, error) {
	w, err := e.load(ctx, false)
	if err != nil {
		return nil, err
	}
	c := w.content.Site.Contact(id)
	if c == nil {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no such help line")
	}
	return e.contact(w, c, true), nil
}

// save checks that the working content with body as item still is
// content the portal can show, and stores the draft.
func (e *Editor) save(ctx context.Context, item string, value any, version string, check func(*portal.Content) error) error {
	body, err := json.Marshal(value)
	if err != nil {
		return err
	}
	w, err := e.load(ctx, false)
	if err != nil {
		return err
	}
	items := map[string]json.RawMessage{item: body}
	c, err := w.content.Apply(items)
	if err != nil {
		return invalidContent(err)
	}
	if check != nil {
		if err := check(c); err != nil {
			return err
		}
	}
	return e.store.SaveContentDraft(ctx, &fristad.ContentDraft{Item: item, Body: body}, version)
}

// invalidContent reports content that would not render; the checks of
// each field come first, so this is a last line.
func invalidContent(err error) error {
	return fristad.Localized(fristad.EINVALID, "content.invalid", map[string]any{"Reason": err.Error()}, err.Error())
}

func invalidField(field, key string, args map[string]any) error {
	return &fristad.Error{Code: fristad.EINVALID, Key: key, Args: args, Field: field, Message: field + " is not valid: " + key}
}

// field cleans a one-line or multi-line field and checks its length.
func field(name string, s *string, max int, required bool) error {
	*s = strings.TrimSpace(fristad.NormalizeNewlines(*s))
	switch {
	case required && *s == "":
		return invalidField(name, "content.field.required", nil)
	case utf8.RuneCountInString(*s) > max:
		return invalidField(name, "content.field.long", map[string]any{"Max": max})
	case !fristad.IsCleanProse(*s):
		return invalidField(name, "content.field.control", nil)
	}
	return nil
}

// SavePageFacts saves a page's owner, legal references, next review and
// editor note. The date it was updated is set when it is published.
func (e *Editor) SavePageFacts(ctx context.Context, p *fristad.ContentPage, version string) error {
	if e.portal.Release().Site.Page(p.ID) == nil {
		return errNoPage()
	}
	if err := field("owner", &p.Owner, maxOwner, true); err != nil {
		return err
	}
	if err := field("editor_note", &p.EditorNote, maxEditorNote, false); err != nil {
		return err
	}
	var law []string
	for _, l := range p.Law {
		if err := field("law", &l, maxLaw, false); err != nil {
			return err
		}
		if l != "" {
			law = append(law, l)
		}
	}
	if len(law) > maxLaws {
		return invalidField("law", "content.law.many", map[string]any{"Max": maxLaws})
	}
	today := e.portal.Now().Format(time.DateOnly)
	if !portal.ValidDate(p.NextReview) {
		return invalidField("next_review", "content.review.date", nil)
	}
	if p.NextReview <= today {
		return invalidField("next_review", "content.review.past", nil)
	}
	p.Law = law
	return e.save(ctx, portal.PageItem(p.ID), portal.PageFacts{Owner: p.Owner, Updated: e.publishedPage(p.ID).Updated, NextReview: p.NextReview, Law: law, EditorNote: p.EditorNote},
		version, nil)
}

// publishedPage returns page id as the portal shows it now.
func (e *Editor) publishedPage(id string) *portal.PageInfo { return e.portal.Served().Site.Page(id) }

// SavePageText saves a page's text in one language.
func (e *Editor) SavePageText(ctx context.Context, pageID string, t *fristad.ContentText, version string) error {
	p := e.portal.Release().Site.Page(pageID)
	if p == nil {
		return errNoPage()
	}
	tag, ok := e.catalog.Parse(t.Lang)
	if !ok || tag.String() != t.Lang {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	for _, f := range []struct {
		name string
		s    *string
		max  int
	}{{"title", &t.Title, maxTitle}, {"heading", &t.Heading, maxHeading}, {"lead", &t.Lead, maxLead}, {"summary", &t.Summary, maxSummary}} {
		if err := field(f.name, f.s, f.max, true); err != nil {
			return err
		}
		*f.s = strings.Join(strings.Fields(*f.s), " ") // one line each
	}
	body, err := cleanBlocks(t.Body)
	if err != nil {
		return err
	}
	t.Body = body
	for _, b := range body {
		for _, ref := range portal.PageRefs(b) {
			if e.portal.Release().Site.Page(ref) == nil { // the pages are the release's
				return invalidField("body", "content.link.unknown", map[string]any{"Page": ref})
			}
		}
	}
	pt := &portal.PageText{Title: t.Title, Heading: t.Heading, Lead: t.Lead, Summary: t.Summary, Body: body}
	return e.save(ctx, portal.PageTextItem(pageID, t.Lang), pt, version, func(c *portal.Content) error {
		weight, err := e.portal.PageWeight(c, tag, c.Site.Page(pageID))
		if err != nil {
			return invalidContent(err)
		}
		if weight > portal.PageBudget {
			return invalidField("body", "content.heavy", map[string]any{"Weight": (weight + 1023) / 1024, "Budget": portal.PageBudget / 1024})
		}
		return nil
	})
}

var stepLine = regexp.MustCompile(`^[0-9]+\.\s+`)

// cleanBlocks makes blocks as an editor typed them into the markup of
// blocks.go, forgiving what a person would mean: a paragraph typed over
// several lines is one paragraph, and a list line without its marker
// goes on the item before it. Empty blocks are dropped.
func cleanBlocks(in []string) ([]string, error) {
	var out []string
	for _, b := range in {
		b = strings.TrimSpace(fristad.NormalizeNewlines(b))
		if b == "" {
			continue
		}
		if utf8.RuneCountInString(b) > maxBlock {
			return nil, invalidField("body", "content.block.long", map[string]any{"Max": maxBlock, "Block": len(out) + 1})
		}
		if !fristad.IsCleanProse(b) {
			return nil, invalidField("body", "content.field.control", nil)
		}
		var lines []string
		for _, l := range strings.Split(b, "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				lines = append(lines, l)
			}
		}
		kind, _ := portal.ParseBlock(lines[0])
		var joined []string
		for _, l := range lines {
			item := kind == portal.BlockBullets && strings.HasPrefix(l, "- ") || kind == portal.BlockSteps && stepLine.MatchString(l)
			if item || len(joined) == 0 {
				joined = append(joined, l)
			} else {
				joined[len(joined)-1] += " " + l
			}
		}
		if kind == portal.BlockSteps {
			for i, l := range joined {
				joined[i] = stepLine.ReplaceAllString(l, fmt.Sprintf("%d. ", i+1))
			}
		}
		out = append(out, strings.Join(joined, "\n"))
		if err := portal.CheckBlock(out[len(out)-1]); err != nil {
			return nil, invalidField("body", "content.block.invalid", map[string]any{"Block": len(out)})
		}
	}
	if len(out) > maxBlocks {
		return nil, invalidField("body", "content.blocks.many", map[string]any{"Max": maxBlocks})
	}
	return out, nil
}

// SaveSite saves the portal's address and feedback address.
func (e *Editor) SaveSite(ctx context.Context, s *fristad.ContentSite, version string) error {
	s.Address = strings.TrimRight(strings.TrimSpace(s.Address), "/")
	if !strings.HasPrefix(s.Address, "https://") || len(s.Address) <= len("https://") || strings.ContainsAny(s.Address, " ?#\t\n") ||
		utf8.RuneCountInString(s.Address) > 200 {
		return invalidField("address", "content.address.invalid", nil)
	}
	s.FeedbackEmail = strings.TrimSpace(s.FeedbackEmail)
	if a, err := mail.ParseAddress(s.FeedbackEmail); err != nil || a.Address != s.FeedbackEmail || a.Name != "" {
		return invalidField("feedback_email", "content.email.invalid", nil)
	}
	return e.save(ctx, portal.SiteItem, portal.SiteFacts{Address: s.Address, FeedbackEmail: s.FeedbackEmail}, version, nil)
}

// SaveLanguage records whether a native speaker has reviewed a
// language's translation, by whom and when; the language's pages stop
// saying that it is not reviewed once it is published.
func (e *Editor) SaveLanguage(ctx context.Context, l *fristad.ContentLanguage, version string) error {
	tag, ok := e.catalog.Parse(l.Tag)
	if !ok || tag.String() != l.Tag {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	if err := field("reviewed_by", &l.ReviewedBy, maxOwner, l.Reviewed); err != nil {
		return err
	}
	l.ReviewedOn = strings.TrimSpace(l.ReviewedOn)
	if l.Reviewed && (!portal.ValidDate(l.ReviewedOn) || l.ReviewedOn > e.portal.Now().Format(time.DateOnly)) {
		return invalidField("reviewed_on", "content.reviewed_on.invalid", nil)
	}
	if !l.Reviewed {
		l.ReviewedBy, l.ReviewedOn = "", ""
	}
	return e.save(ctx, portal.LanguageItem(l.Tag), portal.LanguageFacts{Reviewed: l.Reviewed, ReviewedBy: l.ReviewedBy, ReviewedOn: l.ReviewedOn}, version, nil)
}

// SaveContactFacts saves a help line's number and whether it is on
// every home page.
func (e *Editor) SaveContactFacts(ctx context.Context, c *fristad.ContentContact, version string) error {
	if e.portal.Release().Site.Contact(c.ID) == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "no such help line")
	}
	c.Number = strings.Join(strings.Fields(c.Number), " ")
	ct := &portal.Contact{Number: c.Number}
	if c.Number != "" && (len(ct.Tel()) < 3 || len(c.Number) > 30 || strings.Trim(c.Number, "0123456789 -+()") != "") {
		return invalidField("number", "content.number.invalid", nil)
	}
	return e.save(ctx, portal.ContactItem(c.ID), portal.ContactFacts{Number: c.Number, Urgent: c.Urgent}, version, nil)
}

// SaveContactText saves a help line's name and text in one language.
func (e *Editor) SaveContactText(ctx context.Context, contactID string, t *fristad.ContentContactText, version string) error {
	if e.portal.Release().Site.Contact(contactID) == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "no such help line")
	}
	if tag, ok := e.catalog.Parse(t.Lang); !ok || tag.String() != t.Lang {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	if err := field("label", &t.Label, maxTitle, true); err != nil {
		return err
	}
	if err := field("text", &t.Text, maxContact, true); err != nil {
		return err
	}
	t.Label, t.Text = strings.Join(strings.Fields(t.Label), " "), strings.Join(strings.Fields(t.Text), " ")
	return e.save(ctx, portal.ContactTextItem(contactID, t.Lang), portal.ContactText{Name: t.Label, Text: t.Text}, version, nil)
}

// DiscardContent throws away the draft of an item.
func (e *Editor) DiscardContent(ctx context.Context, item string) error {
	return e.store.DiscardContentDraft(ctx, item)
}

// PreviewContent renders page pageID in lang with the drafts, as the
// portal would show it once they are published.
func (e *Editor) PreviewContent(ctx context.Context, pageID, lang string, frame fristad.ContentPreview) ([]byte, error) {
	w, err := e.load(ctx, false)
	if err != nil {
		return nil, err
	}
	p := w.content.Site.Page(pageID)
	tag, ok := e.catalog.Parse(lang)
	if p == nil || !ok || tag.String() != lang {
		return nil, errNoPage()
	}
	return e.portal.Preview(w.content, tag, p, frame)
}

// PublishContent publishes the drafts as a new edition and serves it on
// the portal at once. Every page whose facts or text changed gets
// today's date as updated, and must not be due for review already.
func (e *Editor) PublishContent(ctx context.Context, note string) (*fristad.ContentEdition, error) {
	today := e.portal.Now().Format(time.DateOnly)
	edition, err := e.store.PublishContent(ctx, note, func(items map[string]json.RawMessage, changed []string) error {
		c, err := e.portal.Release().Apply(items)
		if err != nil {
			return invalidContent(err)
		}
		pages := map[string]bool{}
		for _, item := range changed {
			if parts := strings.Split(item, "/"); parts[0] == "page" {
				pages[parts[1]] = true
			}
		}
		for id := range pages {
			p := c.Site.Page(id)
			if p == nil {
				continue
			}
			if p.NextReview <= today {
				sv := c.Texts[language.Swedish].Pages[id].Title
				return fristad.Localized(fristad.EINVALID, "content.publish.review", map[string]any{"Page": sv},
					"a changed page needs a review date after today")
			}
			f := p.Facts()
			f.Updated = today
			body, err := json.Marshal(f)
			if err != nil {
				return err
			}
			items[portal.PageItem(id)] = body
		}
		_, err = e.portal.Release().Apply(items)
		if err != nil {
			return invalidContent(err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := e.portal.SetEdition(ctx, edition); err != nil {
		// Stored, but not shown here: the next refresh tries again.
		slog.ErrorContext(ctx, "portal: a published edition does not render", "edition", edition.Number, "err", err)
	}
	return edition, nil
}

// ContentEditions returns the latest editions.
func (e *Editor) ContentEditions(ctx context.Context, limit int) ([]*fristad.ContentEdition, error) {
	return e.store.ContentEditions(ctx, limit)
}

// releaseItem returns item key as the release has it, as an edition
// would keep it, or nil for a key the release does not know.
func (e *Editor) releaseItem(key string) []byte {
	c := e.portal.Release()
	parts := strings.Split(key, "/")
	var v any
	switch {
	case key == portal.SiteItem:
		v = c.Site.Facts()
	case len(parts) == 2 && parts[0] == "language":
		if tag, ok := e.catalog.Parse(parts[1]); ok {
			v = portal.LanguageFacts{Reviewed: e.portal.Reviewed(c, tag)}
		}
	case len(parts) == 2 && parts[0] == "page":
		if p := c.Site.Page(parts[1]); p != nil {
			v = p.Facts()
		}
	case len(parts) == 2 && parts[0] == "contact":
		if ct := c.Site.Contact(parts[1]); ct != nil {
			v = ct.Facts()
		}
	case len(parts) == 3:
		tag, err := language.Parse(parts[2])
		if err != nil || c.Texts[tag] == nil {
			break
		}
		switch parts[0] {
		case "page":
			if pt := c.Texts[tag].Pages[parts[1]]; pt != nil {
				v = pt
			}
		case "contact":
			if ct := c.Texts[tag].Contacts[parts[1]]; ct != nil {
				v = ct
			}
		}
	}
	if v == nil {
		return nil
	}
	buf, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return buf
}

// RestoreEdition makes drafts that bring edition n back: each item that
// edition n says otherwise than the edition published, as n had it, or
// as the release has it where n had not changed it. Drafts of other
// items stay. Nothing is published until someone publishes the drafts.
func (e *Editor) RestoreEdition(ctx context.Context, n int) (int, error) {
	old, err := e.store.ContentEdition(ctx, n)
	if err != nil {
		return 0, err
	}
	w, err := e.load(ctx, false)
	if err != nil {
		return 0, err
	}
	if w.edition != nil && w.edition.Number == n {
		return 0, fristad.Localized(fristad.EINVALID, "content.restore.current", nil, "this edition is the one published")
	}
	keys := map[string]bool{}
	for k := range old.Items {
		keys[k] = true
	}
	for k := range w.published {
		keys[k] = true
	}
	restore := map[string][]byte{}
	for k := range keys {
		want, ok := old.Items[k]
		if !ok {
			want = e.releaseItem(k)
		}
		have, ok := w.published[k]
		if !ok {
			have = e.releaseItem(k)
		}
		if want != nil && !bytes.Equal(compact(want), compact(have)) {
			restore[k] = want
		}
	}
	items := map[string]json.RawMessage{}
	for k, v := range w.published {
		items[k] = v
	}
	for k, v := range restore {
		items[k] = v
	}
	if _, err := e.portal.Release().Apply(items); err != nil {
		return 0, invalidContent(err)
	}
	keysSorted := slices.Sorted(maps.Keys(restore))
	for _, k := range keysSorted {
		if err := e.store.SaveContentDraft(ctx, &fristad.ContentDraft{Item: k, Body: restore[k]}, w.version(k)); err != nil {
			return 0, err
		}
	}
	return len(restore), nil
}

// compact returns JSON without insignificant space, for comparing.
func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}

// ContentDraftChange returns what the draft of item changes of the
// edition shown, field by field.
func (e *Editor) ContentDraftChange(ctx context.Context, item string) (*fristad.ContentChange, error) {
	w, err := e.load(ctx, false)
	if err != nil {
		return nil, err
	}
	d := w.drafts[item]
	if d == nil {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no draft of this item")
	}
	before, ok := w.published[item]
	if !ok {
		before = e.releaseItem(item)
	}
	var was, is map[string]any
	json.Unmarshal(before, &was) // a missing value is an empty one
	if err := json.Unmarshal(d.Body, &is); err != nil {
		return nil, err
	}
	c := &fristad.ContentChange{Item: item, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt}
	if parts := strings.Split(item, "/"); len(parts) == 3 {
		c.Lang = parts[2]
	}
	for _, k := range slices.Sorted(maps.Keys(is)) {
		b, a := fieldText(was[k]), fieldText(is[k])
		if b != a {
			c.Fields = append(c.Fields, fristad.FieldChange{Field: k, Before: b, After: a})
		}
	}
	return c, nil
}

// fieldText writes a field's JSON value for people: text as it is, a
// list a line an entry, true and false as yes and no.
func fieldText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case []any:
		var lines []string
		for _, x := range v {
			lines = append(lines, fieldText(x))
		}
		return strings.Join(lines, "\n\n")
	}
	return fmt.Sprint(v)
}
