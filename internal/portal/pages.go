package portal

import (
	"html/template"

	"fristad/internal/i18n"

	"golang.org/x/text/language"
)

// The page structs, one per template. Each embeds Page (the frame) and,
// for content pages, Article (the page's own text).

// Article is a content page's own text, in one language.
type Article struct {
	Heading string
	Lead    string
	Body    template.HTML // the blocks, escaped and marked up
	// Up leads to the page this one belongs under, or is nil.
	Up *PageLink
	// About is what the page rests on and when it was checked (IN-10).
	About About
}

// About is a page's legal basis and dates.
type About struct {
	Law        []string // in Swedish, as the official texts cite them
	Updated    string   // YYYY-MM-DD
	NextReview string   // YYYY-MM-DD
}

// PageLink is a link to a page with its summary.
type PageLink struct {
	Href    string
	Title   string
	Heading string
	Summary string
}

// ContactView is a help line or other contact in one language.
type ContactView struct {
	ID     string
	Name   string
	Text   string
	Number string // as written, "020-50 50 50"; "" for none
	Tel    string // digits, for the tel: link
}

// HomePage is a language's start page: who we are, what help there is,
// and the numbers to call now.
type HomePage struct {
	Page
	Article
	Help     PageLink      // the page with all the numbers
	Urgent   []ContactView // the numbers on the start page
	Sections []PageLink    // the other top-level pages
}

// HelpPage lists every contact and says what happens when you call.
type HelpPage struct {
	Page
	Article
	Contacts []ContactView
}

// RightsPage lists the rights pages under it.
type RightsPage struct {
	Page
	Article
	Rights []PageLink
}

// ArticlePage is any other content page.
type ArticlePage struct {
	Page
	Article
}

// ChoosePage is the site's root: it speaks the browser's preferred
// language, leads on to that language's start page, and offers all the
// others, each named in itself.
type ChoosePage struct {
	Page
	Continue  string // the start page in the page's language
	Languages []Alternate
}

// pageData returns the data of page p of content cn in language tag for
// its template.
func (h *Handler) pageData(cn *Content, tag language.Tag, p *PageInfo) any {
	lang := tag.String()
	site := cn.Site
	text := cn.Texts[tag]
	in := newInliner(lang, site, text)
	pt := text.Pages[p.ID]

	page := h.newPage(cn, fakeRequest(pageHref(lang, p.Path)), tag, p)
	page.Title = pt.Title
	c := Article{
		Heading: pt.Heading,
		Lead:    pt.Lead,
		Body:    in.blocks(pt.Body),
		About:   About{Law: p.Law, Updated: p.Updated, NextReview: p.NextReview},
	}
	if p.Parent != "" {
		c.Up = h.link(in, site.Page(p.Parent))
	}
	switch p.Template {
	case "home":
		home := &HomePage{Page: page, Article: c, Help: *h.link(in, site.Page("help"))}
		for _, ct := range contactViews(site, text) {
			if site.Contact(ct.ID).Urgent {
				home.Urgent = append(home.Urgent, ct)
			}
		}
		for _, other := range site.Pages {
			if other.Parent == "" && other != p && other.ID != "help" {
				home.Sections = append(home.Sections, *h.link(in, other))
			}
		}
		return home
	case "help":
		return &HelpPage{Page: page, Article: c, Contacts: contactViews(site, text)}
	case "rights":
		rights := &RightsPage{Page: page, Article: c}
		for _, kid := range site.Children(p.ID) {
			rights.Rights = append(rights.Rights, *h.link(in, kid))
		}
		return rights
	}
	return &ArticlePage{Page: page, Article: c}
}

// link returns a link to p with its title and summary.
func (h *Handler) link(in *inliner, p *PageInfo) *PageLink {
	pt := in.text.Pages[p.ID]
	return &PageLink{Href: in.href(p), Title: pt.Title, Heading: pt.Heading, Summary: pt.Summary}
}

// contactViews returns every contact of site in the language of text,
// in site order.
func contactViews(site *Site, text *Text) []ContactView {
	var cs []ContactView
	for _, c := range site.Contacts {
		ct := text.Contacts[c.ID]
		cs = append(cs, ContactView{ID: c.ID, Name: ct.Name, Text: ct.Text, Number: c.Number, Tel: c.Tel()})
	}
	return cs
}

// rootData returns the data of the root of content c in language tag.
func (h *Handler) rootData(c *Content, tag language.Tag) *ChoosePage {
	page := h.newPage(c, fakeRequest("/"), tag, nil)
	page.Title = page.T("choose.title")
	cp := &ChoosePage{Page: page, Continue: "/" + tag.String() + "/"}
	for _, other := range h.catalog.Languages() {
		cp.Languages = append(cp.Languages, Alternate{
			Href:    "/" + other.String() + "/",
			Tag:     other.String(),
			Name:    h.catalog.LanguageName(other),
			Dir:     i18n.Dir(other),
			Current: other == tag,
		})
	}
	return cp
}
