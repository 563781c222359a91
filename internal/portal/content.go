package portal

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// The portal's content is data, in two kinds of file under content/:
//
//   - site.json is the same in every language: the pages (address, page
//     template, owner, legal references, review dates) and the help lines
//     (numbers).
//   - languages/{tag}.json holds one language's text of every page and
//     help line, named by BCP 47 tag like the message catalogs
//     (sv.json, fa-AF.json, sv-x-easy.json).
//
// The interface's own words (the quick exit, the menus, error messages)
// are in the portal's message catalog. Adding a language is adding its
// catalog file and its content file; no code changes.
//
//go:embed content
var contentFS embed.FS

// Site is the language-independent part of the content: site.json.
type Site struct {
	// FeedbackEmail is where the accessibility statement asks visitors to
	// write; a page's text puts it where it says {feedback}.
	FeedbackEmail string `json:"feedback_email"`
	// Address is where the portal is, as leaflets print it:
	// "https://fristad.example".
	Address  string      `json:"address"`
	Contacts []*Contact  `json:"contacts"`
	Pages    []*PageInfo `json:"pages"`
}

// Contact is a place to turn to for help, such as a help line.
type Contact struct {
	ID string `json:"id"`
	// Number is the telephone number as the texts write it
	// ("020-50 50 50"), or "" for a contact without one number. Every
	// occurrence in a page's text becomes a link that calls it.
	Number string `json:"number"`
	// Urgent contacts are also listed on every home page.
	Urgent bool `json:"urgent"`
}

// Tel returns the number for a tel: URL: its digits.
func (c *Contact) Tel() string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, c.Number)
}

// PageInfo is what site.json says about a page: where it is, who answers
// for it, what law it rests on and when it must be checked again (IN-10).
type PageInfo struct {
	ID string `json:"id"`
	// Path is the page's address under /{lang}/: "" for the home page,
	// "rights/reflection-period". Addresses are neutral and the same in
	// every language.
	Path     string `json:"path"`
	Template string `json:"template"`         // home, help, rights or article
	Parent   string `json:"parent,omitempty"` // the ID of the page this one belongs under
	Nav      bool   `json:"nav,omitempty"`    // in the main menu
	Footer   bool   `json:"footer,omitempty"` // linked from the footer
	// Owner answers for the content being right.
	Owner string `json:"owner"`
	// Updated is when the text was last changed and NextReview when it
	// must be checked again against the law and practice (YYYY-MM-DD).
	Updated    string `json:"updated"`
	NextReview string `json:"next_review"`
	// Law is the page's legal basis and sources, cited in Swedish as the
	// official texts name them.
	Law []string `json:"law,omitempty"`
	// EditorNote is for the editors only; pages never show it.
	EditorNote string `json:"editor_note,omitempty"`
}

// Text is one language's text of the site: languages/{tag}.json.
type Text struct {
	Contacts map[string]*ContactText `json:"contacts"`
	Pages    map[string]*PageText    `json:"pages"`
}

// ContactText is a contact in one language.
type ContactText struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// PageText is a page in one language.
type PageText struct {
	// Title names the page in the browser's tab and history, in menus and
	// in links. It is short and neutral enough to be seen over a shoulder.
	Title   string `json:"title"`
	Heading string `json:"heading"` // the page's h1
	Lead    string `json:"lead"`
	Summary string `json:"summary"` // one sentence for lists of pages
	// Body is the page's text as blocks in a small markup; see blocks.go.
	Body []string `json:"body"`
}

// Content is the site and its text in every language.
type Content struct {
	Site  *Site
	Texts map[language.Tag]*Text
	// Reviews are what editors recorded of native speakers' reviews of
	// a language (IN-02); a language without one goes by its catalog's
	// meta.reviewed.
	Reviews map[language.Tag]*LanguageFacts
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// LoadContent reads site.json and the language files from the folder dir
// of fsys, and checks that they fit together: every page has an address, a
// known template, an owner and review dates, and every language has the
// text of every page and contact. The finer checks (same structure and
// numbers as the Swedish text) are tests.
func LoadContent(fsys fs.FS, dir string) (*Content, error) {
	buf, err := fs.ReadFile(fsys, path.Join(dir, "site.json"))
	if err != nil {
		return nil, fmt.Errorf("portal: content: %w", err)
	}
	c := &Content{Site: &Site{}, Texts: map[language.Tag]*Text{}, Reviews: map[language.Tag]*LanguageFacts{}}
	if err := unmarshalStrict(buf, c.Site); err != nil {
		return nil, fmt.Errorf("portal: content: site.json: %w", err)
	}
	if err := c.Site.check(); err != nil {
		return nil, fmt.Errorf("portal: content: site.json: %w", err)
	}
	files, err := fs.Glob(fsys, path.Join(dir, "languages", "*.json"))
	if err != nil {
		return nil, fmt.Errorf("portal: content: %w", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".json")
		tag, err := language.Parse(name)
		if err != nil || tag.String() != name {
			return nil, fmt.Errorf("portal: content: %s: the file name is not a BCP 47 language tag in canonical form", file)
		}
		buf, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("portal: content: %w", err)
		}
		t := &Text{}
		if err := unmarshalStrict(buf, t); err != nil {
			return nil, fmt.Errorf("portal: content: %s: %w", file, err)
		}
		if err := c.Site.checkText(t); err != nil {
			return nil, fmt.Errorf("portal: content: %s: %w", file, err)
		}
		c.Texts[tag] = t
	}
	return c, nil
}

func unmarshalStrict(buf []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(buf)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

var pageTemplates = []string{"home", "help", "rights", "article"}

// check checks site.json on its own.
func (s *Site) check() error {
	if !strings.HasPrefix(s.Address, "https://") || strings.ContainsAny(s.Address, " ?#") {
		return fmt.Errorf("address %q: want the portal's https:// address", s.Address)
	}
	ids := map[string]*PageInfo{}
	paths := map[string]bool{}
	homes := 0
	for _, p := range s.Pages {
		switch {
		case p.ID == "" || ids[p.ID] != nil:
			return fmt.Errorf("page %q: missing or repeated id", p.ID)
		case paths[p.Path]:
			return fmt.Errorf("page %s: path %q is taken", p.ID, p.Path)
		case strings.HasPrefix(p.Path, "/") || strings.HasSuffix(p.Path, "/") || p.Path != strings.ToLower(p.Path):
			return fmt.Errorf("page %s: path %q: want lower case without a leading or trailing slash", p.ID, p.Path)
		case !slices.Contains(pageTemplates, p.Template):
			return fmt.Errorf("page %s: template %q: want one of %v", p.ID, p.Template, pageTemplates)
		case strings.TrimSpace(p.Owner) == "":
			return fmt.Errorf("page %s: no owner", p.ID)
		case !ValidDate(p.Updated) || !ValidDate(p.NextReview) || p.NextReview <= p.Updated:
			return fmt.Errorf("page %s: updated %q, next_review %q: want two dates (YYYY-MM-DD), the review after the update", p.ID, p.Updated, p.NextReview)
		}
		if p.Template == "home" {
			homes++
		}
		ids[p.ID] = p
		paths[p.Path] = true
	}
	if homes != 1 || ids["help"] == nil {
		return fmt.Errorf("want one page with the home template and a page with id help")
	}
	for _, p := range s.Pages {
		if p.Parent != "" && (ids[p.Parent] == nil || ids[p.Parent].Parent != "") {
			return fmt.Errorf("page %s: parent %q is not a top-level page", p.ID, p.Parent)
		}
	}
	seen := map[string]bool{}
	for _, c := range s.Contacts {
		if c.ID == "" || seen[c.ID] {
			return fmt.Errorf("contact %q: missing or repeated id", c.ID)
		}
		seen[c.ID] = true
		if c.Number != "" && len(c.Tel()) < 3 {
			return fmt.Errorf("contact %s: number %q has too few digits", c.ID, c.Number)
		}
	}
	return nil
}

// ValidDate reports whether s is a date written YYYY-MM-DD.
func ValidDate(s string) bool {
	if !isoDate.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// checkText checks that a language file has every page and contact of the
// site, with nothing empty, and nothing the site does not know.
func (s *Site) checkText(t *Text) error {
	for _, c := range s.Contacts {
		ct := t.Contacts[c.ID]
		if ct == nil || blank(ct.Name) || blank(ct.Text) {
			return fmt.Errorf("contact %s: missing, or without name or text", c.ID)
		}
	}
	for _, p := range s.Pages {
		pt := t.Pages[p.ID]
		if pt == nil || blank(pt.Title) || blank(pt.Heading) || blank(pt.Lead) || blank(pt.Summary) {
			return fmt.Errorf("page %s: missing, or without title, heading, lead or summary", p.ID)
		}
		for i, b := range pt.Body {
			if err := CheckBlock(b); err != nil {
				return fmt.Errorf("page %s: block %d: %w", p.ID, i+1, err)
			}
			for _, ref := range PageRefs(b) {
				if s.Page(ref) == nil {
					return fmt.Errorf("page %s: block %d: no page %q", p.ID, i+1, ref)
				}
			}
			if strings.Contains(b, feedbackToken) && s.FeedbackEmail == "" {
				return fmt.Errorf("page %s: block %d: %s, but site.json has no feedback_email", p.ID, i+1, feedbackToken)
			}
		}
	}
	for id := range t.Contacts {
		if s.Contact(id) == nil {
			return fmt.Errorf("contact %q is not in site.json", id)
		}
	}
	for id := range t.Pages {
		if s.Page(id) == nil {
			return fmt.Errorf("page %q is not in site.json", id)
		}
	}
	return nil
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// Page returns the page with the id, or nil.
func (s *Site) Page(id string) *PageInfo {
	for _, p := range s.Pages {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Contact returns the contact with the id, or nil.
func (s *Site) Contact(id string) *Contact {
	for _, c := range s.Contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Children returns the pages under the page id, in site order.
func (s *Site) Children(id string) []*PageInfo {
	var kids []*PageInfo
	for _, p := range s.Pages {
		if p.Parent == id {
			kids = append(kids, p)
		}
	}
	return kids
}

// Overdue returns the pages whose review date is before now.
func (s *Site) Overdue(now time.Time) []*PageInfo {
	today := now.Format(time.DateOnly)
	var due []*PageInfo
	for _, p := range s.Pages {
		if p.NextReview < today {
			due = append(due, p)
		}
	}
	return due
}

// Editors change the content item by item (IN-10); an edition holds the
// items they changed, by key:
//
//	site                 the portal's address and feedback address (SiteFacts)
//	page/{id}            a page's owner, legal references and dates (PageFacts)
//	page/{id}/{lang}     a page's text in one language (PageText)
//	contact/{id}         a help line's number (ContactFacts)
//	contact/{id}/{lang}  a help line's name and text in one language (ContactText)
//	language/{lang}      whether a native speaker has reviewed the language (LanguageFacts)
//
// The pages and help lines themselves, their addresses and templates,
// are the release's: an editor changes what a page says, not what pages
// there are.

// SiteFacts is what editors change of the site as a whole.
type SiteFacts struct {
	Address       string `json:"address"`
	FeedbackEmail string `json:"feedback_email"`
}

// PageFacts is what editors change of a page besides its text.
type PageFacts struct {
	Owner      string   `json:"owner"`
	Updated    string   `json:"updated"`
	NextReview string   `json:"next_review"`
	Law        []string `json:"law"`
	EditorNote string   `json:"editor_note"`
}

// ContactFacts is what editors change of a help line besides its text.
type ContactFacts struct {
	Number string `json:"number"`
	Urgent bool   `json:"urgent"`
}

// LanguageFacts records a native speaker's review of a language's
// translation, the portal's own words and its pages (IN-02). Until one
// is recorded, the language's pages say that it is not reviewed.
type LanguageFacts struct {
	Reviewed   bool   `json:"reviewed"`
	ReviewedBy string `json:"reviewed_by"` // who reviewed: a role or an organisation, not a person's name
	ReviewedOn string `json:"reviewed_on"` // YYYY-MM-DD
}

// SiteItem is the key of the site's facts.
const SiteItem = "site"

// PageItem is the key of page id's facts.
func PageItem(id string) string { return "page/" + id }

// PageTextItem is the key of page id's text in lang.
func PageTextItem(id, lang string) string { return "page/" + id + "/" + lang }

// ContactItem is the key of help line id's facts.
func ContactItem(id string) string { return "contact/" + id }

// ContactTextItem is the key of help line id's text in lang.
func ContactTextItem(id, lang string) string { return "contact/" + id + "/" + lang }

// LanguageItem is the key of what editors recorded of lang's review.
func LanguageItem(lang string) string { return "language/" + lang }

// Facts returns the page's facts as an item holds them.
func (p *PageInfo) Facts() PageFacts {
	return PageFacts{p.Owner, p.Updated, p.NextReview, p.Law, p.EditorNote}
}

// Facts returns the help line's facts as an item holds them.
func (c *Contact) Facts() ContactFacts { return ContactFacts{c.Number, c.Urgent} }

// Facts returns the site's facts as an item holds them.
func (s *Site) Facts() SiteFacts { return SiteFacts{s.Address, s.FeedbackEmail} }

// clone returns a deep copy of c.
func (c *Content) clone() *Content {
	out := &Content{Site: &Site{}, Texts: map[language.Tag]*Text{}, Reviews: map[language.Tag]*LanguageFacts{}}
	mustRoundTrip(c.Site, out.Site)
	for tag, f := range c.Reviews {
		out.Reviews[tag] = &LanguageFacts{}
		*out.Reviews[tag] = *f
	}
	for tag, t := range c.Texts {
		out.Texts[tag] = &Text{}
		mustRoundTrip(t, out.Texts[tag])
	}
	return out
}

func mustRoundTrip(from, to any) {
	buf, err := json.Marshal(from)
	if err == nil {
		err = json.Unmarshal(buf, to)
	}
	if err != nil {
		panic("portal: content does not copy: " + err.Error())
	}
}

// Apply returns a copy of c with items in place of what they name, and
// checks the result as LoadContent checks the release's files. Items of
// pages, help lines or languages this release does not have are left
// out: a release may retire a page.
func (c *Content) Apply(items map[string]json.RawMessage) (*Content, error) {
	out := c.clone()
	for key, body := range items {
		if err := out.applyItem(key, body); err != nil {
			return nil, fmt.Errorf("portal: content item %s: %w", key, err)
		}
	}
	if err := out.Site.check(); err != nil {
		return nil, err
	}
	for tag, t := range out.Texts {
		if err := out.Site.checkText(t); err != nil {
			return nil, fmt.Errorf("%s: %w", tag, err)
		}
	}
	return out, nil
}

func (c *Content) applyItem(key string, body []byte) error {
	parts := strings.Split(key, "/")
	if len(parts) == 2 && parts[0] == "language" {
		tag, err := language.Parse(parts[1])
		if err != nil || c.Texts[tag] == nil {
			return nil // a language this release does not have
		}
		f := &LanguageFacts{}
		if err := unmarshalStrict(body, f); err != nil {
			return err
		}
		c.Reviews[tag] = f
		return nil
	}
	var text *Text
	if len(parts) == 3 {
		tag, err := language.Parse(parts[2])
		if err != nil || c.Texts[tag] == nil {
			return nil // a language this release does not have
		}
		text = c.Texts[tag]
	}
	switch {
	case key == SiteItem:
		var f SiteFacts
		if err := unmarshalStrict(body, &f); err != nil {
			return err
		}
		c.Site.Address, c.Site.FeedbackEmail = f.Address, f.FeedbackEmail
	case len(parts) == 2 && parts[0] == "page":
		if p := c.Site.Page(parts[1]); p != nil {
			var f PageFacts
			if err := unmarshalStrict(body, &f); err != nil {
				return err
			}
			p.Owner, p.Updated, p.NextReview, p.Law, p.EditorNote = f.Owner, f.Updated, f.NextReview, f.Law, f.EditorNote
		}
	case len(parts) == 3 && parts[0] == "page":
		if c.Site.Page(parts[1]) != nil {
			pt := &PageText{}
			if err := unmarshalStrict(body, pt); err != nil {
				return err
			}
			text.Pages[parts[1]] = pt
		}
	case len(parts) == 2 && parts[0] == "contact":
		if ct := c.Site.Contact(parts[1]); ct != nil {
			var f ContactFacts
			if err := unmarshalStrict(body, &f); err != nil {
				return err
			}
			ct.Number, ct.Urgent = f.Number, f.Urgent
		}
	case len(parts) == 3 && parts[0] == "contact":
		if c.Site.Contact(parts[1]) != nil {
			ct := &ContactText{}
			if err := unmarshalStrict(body, ct); err != nil {
				return err
			}
			text.Contacts[parts[1]] = ct
		}
	default:
		return errors.New("no such kind of item")
	}
	return nil
}
