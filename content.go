package fristad

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Actions on the portal's content: reading its drafts and editions, and
// editing and publishing it.
const (
	ActionContentRead Action = "content.read"
	ActionContentEdit Action = "content.edit"
)

// ContentPage is a page of the public portal as its editors see it
// (IN-10): who answers for it, what law it rests on, when it must be
// checked again, and its text in every language, with what waits to be
// published.
type ContentPage struct {
	ID         string
	Path       string // under /{lang}/
	Title      string // in Swedish
	Owner      string
	Updated    string // YYYY-MM-DD
	NextReview string // YYYY-MM-DD
	Law        []string
	EditorNote string
	Draft      bool   // owner, law or dates wait to be published
	Version    string // of those, as ContentVersion
	// Missing are the BCP 47 tags of languages without its text.
	Missing []string
	// Stale are the languages whose text was last published before the
	// Swedish text last changed: the translation may say something else.
	Stale []string
	// Drafts are the languages whose text waits to be published.
	Drafts []string
	// Texts is the page in every language; only ContentPage fills it.
	Texts []*ContentText
}

// ContentText is a page's text in one language, as its editors see it.
type ContentText struct {
	Lang    string // BCP 47
	Name    string // the language, named in itself
	Dir     string // ltr or rtl
	Title   string
	Heading string
	Lead    string
	Summary string
	Body    []string // blocks; see the portal's blocks.go
	Draft   bool
	Stale   bool
	Version string
}

// ContentContact is a help line of the portal as its editors see it.
type ContentContact struct {
	ID      string
	Name    string // in Swedish
	Number  string // as the texts write it; "" for none
	Urgent  bool   // also on every home page
	Draft   bool
	Version string
	Texts   []*ContentContactText // only ContentContact fills it
}

// ContentContactText is a help line's name and text in one language.
type ContentContactText struct {
	Lang    string
	Name    string
	Dir     string
	Label   string // the help line's name in this language
	Text    string
	Draft   bool
	Version string
}

// ContentSite is what the editors set for the whole portal.
type ContentSite struct {
	Address       string // where the portal is, as leaflets print it
	FeedbackEmail string // where the accessibility statement asks visitors to write
	Draft         bool
	Version       string
}

// ContentLanguage is one language of the portal as its editors see it.
type ContentLanguage struct {
	Tag      string
	Name     string // in itself
	Dir      string
	Reviewed bool // a native speaker has reviewed the translation
	// ReviewedBy and ReviewedOn say who reviewed it (a role or an
	// organisation) and when, as an editor recorded it.
	ReviewedBy string
	ReviewedOn string
	Draft      bool
	Version    string
}

// ContentReport is the portal's content for its editors.
type ContentReport struct {
	Edition   *ContentEdition // the one published, without its items; nil for the release's text
	Site      ContentSite
	Pages     []*ContentPage
	Contacts  []*ContentContact
	Languages []*ContentLanguage
	Drafts    []*ContentDraft // without their bodies
}

// ContentPreview is what frames a preview of a page in the workspace: a
// note that it is not published, in the editor's language, and the way
// back to editing.
type ContentPreview struct {
	Nonce     string // the response's Content-Security-Policy nonce
	Note      string
	Lang      string // of Note and BackLabel
	Dir       string
	Back      string
	BackLabel string
}

// ContentChange is what a draft changes of an item: each field it says
// otherwise than the edition shown, before and after.
type ContentChange struct {
	Item      string
	Lang      string // the language of a text, "" for facts
	Fields    []FieldChange
	UpdatedBy string
	UpdatedAt time.Time
}

// FieldChange is one field of a change; lists are given a line an entry.
type FieldChange struct {
	Field  string // as the item's JSON names it: title, body, next_review…
	Before string
	After  string
}

// ContentEditor is how editors change the portal's content (IN-10): item
// by item into drafts, each checked as the portal will show it, then
// published together as a new edition. Only coordinators use it; every
// change is audited.
type ContentEditor interface {
	ContentReport(ctx context.Context) (*ContentReport, error)
	// ContentDue returns the published pages whose review is due on or
	// before day (YYYY-MM-DD), soonest first: for a coordinator's start
	// page. It reads nothing from the database.
	ContentDue(ctx context.Context, day string) ([]*ContentPage, error)
	ContentPage(ctx context.Context, id string) (*ContentPage, error)
	// SavePageFacts saves p's owner, law, next review and editor note.
	SavePageFacts(ctx context.Context, p *ContentPage, version string) error
	SavePageText(ctx context.Context, pageID string, t *ContentText, version string) error
	SaveSite(ctx context.Context, s *ContentSite, version string) error
	// SaveLanguage records whether a native speaker has reviewed a
	// language's translation (IN-02).
	SaveLanguage(ctx context.Context, l *ContentLanguage, version string) error
	ContentContact(ctx context.Context, id string) (*ContentContact, error)
	SaveContactFacts(ctx context.Context, c *ContentContact, version string) error
	SaveContactText(ctx context.Context, contactID string, t *ContentContactText, version string) error
	// DiscardContent throws away the draft of an item.
	DiscardContent(ctx context.Context, item string) error
	// ContentDraftChange returns what the draft of item changes; no
	// draft is ENOTFOUND.
	ContentDraftChange(ctx context.Context, item string) (*ContentChange, error)
	// PreviewContent renders a page with the drafts as the portal would
	// show it, in frame.
	PreviewContent(ctx context.Context, pageID, lang string, frame ContentPreview) ([]byte, error)
	PublishContent(ctx context.Context, note string) (*ContentEdition, error)
	ContentEditions(ctx context.Context, limit int) ([]*ContentEdition, error)
	// RestoreEdition makes drafts of everything edition n says otherwise
	// than the edition published, so that publishing them brings it
	// back; it returns how many drafts it made.
	RestoreEdition(ctx context.Context, n int) (int, error)
}

// The portal's content is edited in the staff workspace (IN-10). The
// release carries the site's structure and a first text of every page
// (internal/portal/content); editors change items of it, which are kept
// as drafts until a coordinator publishes them as a new edition. An
// edition holds only the items editors changed: a page's text in one
// language, a page's owner and review dates, a help line, the site's
// address. Everything else is the release's text, so a page nobody
// edited still follows the text a release ships.

// ContentEdition is one published edition of the portal's content.
type ContentEdition struct {
	Number int
	// Items are the edited items in force in this edition, by key (see
	// the portal's content.go), as JSON. Editions listed for their
	// history leave it nil.
	Items map[string]json.RawMessage
	// Changed are the keys of the items this edition changed.
	Changed     []string
	Note        string // what the publisher said of it
	PublishedBy string // as audited: the user's id
	PublishedAt time.Time
}

// ContentDraft is an editor's change to one item, not yet published.
type ContentDraft struct {
	Item      string
	Body      json.RawMessage
	UpdatedBy string
	UpdatedAt time.Time
}

// ContentVersion names the value of an item as it is stored, for
// detecting that someone else changed it since a form was read: "0" for
// an item nobody edited, else a digest of body.
func ContentVersion(body []byte) string {
	if body == nil {
		return "0"
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:8])
}

// PublicContent is where the portal reads its published content. Like
// PublicDirectory it takes no actor: everything it returns is public.
type PublicContent interface {
	// PublishedContent returns the latest edition, or nil when nothing
	// was ever published.
	PublishedContent(ctx context.Context) (*ContentEdition, error)
	// PublishedEdition returns the latest edition's number, 0 for none:
	// a cheap look to see whether PublishedContent would say anything new.
	PublishedEdition(ctx context.Context) (int, error)
}

// ContentStore keeps the editors' drafts and the published editions of
// the portal's content. Coordinators edit and publish (ActionContentEdit);
// every change is audited. The store keeps items as they are given: what
// makes an item valid is the editor's (see internal/content).
type ContentStore interface {
	// ContentEditions returns the latest limit editions, newest first,
	// without their items.
	ContentEditions(ctx context.Context, limit int) ([]*ContentEdition, error)
	// LatestContentEdition returns the latest edition with its items, or
	// nil when nothing was ever published.
	LatestContentEdition(ctx context.Context) (*ContentEdition, error)
	// ContentEdition returns edition n with its items, or ENOTFOUND.
	ContentEdition(ctx context.Context, n int) (*ContentEdition, error)
	// ContentDrafts returns every draft, by item.
	ContentDrafts(ctx context.Context) ([]*ContentDraft, error)
	// SaveContentDraft stores d as the draft of its item. version is the
	// ContentVersion of the item as the editor read it (its draft, else
	// its published value); when the item has changed since, it is
	// ECONFLICT and nothing is written.
	SaveContentDraft(ctx context.Context, d *ContentDraft, version string) error
	// DiscardContentDraft throws away the draft of item, if any.
	DiscardContentDraft(ctx context.Context, item string) error
	// PublishContent makes the drafts a new edition: the latest edition's
	// items with the drafts applied. prepare sees the items and the keys
	// that changed, and may add to them (the date pages were updated) or
	// refuse them; then the edition is stored and the drafts are gone,
	// in one transaction. With no draft that changes anything it is
	// EINVALID.
	PublishContent(ctx context.Context, note string, prepare func(items map[string]json.RawMessage, changed []string) error) (*ContentEdition, error)
}

// MaxContentNote is the longest note a publisher may leave on an edition.
const MaxContentNote = 500

// CheckContentNote trims a publisher's note and checks it.
func CheckContentNote(note *string) error {
	return checkText("note", "content.note.invalid", note, MaxContentNote)
}
