package portal

import (
	"cmp"
	"errors"
	"html"
	"html/template"
	"regexp"
	"slices"
	"strings"
)

// A page's body is a list of blocks in a markup small enough for any
// translator:
//
//	## A heading               a heading (h2)
//	- An item\n- Another       a bulleted list, one item a line
//	1. A step\n2. Another      a numbered list, one step a line
//	> A note                   a highlighted paragraph
//	Anything else              a paragraph, on one line
//
// Inside text, [[id]] links to another page in the same language and shows
// its title, {feedback} is the feedback address as a mail link, and every
// help-line number of site.json, written exactly as there
// ("020-50 50 50"), becomes a link that calls it. Numbers are kept left to
// right in right-to-left text. Text is escaped: no HTML gets through.

// BlockKind is what a block of the markup is. The editor cleans what
// editors type by it (internal/content).
type BlockKind int

// The kinds of block.

const (
	BlockParagraph BlockKind = iota
	BlockHeading
	BlockBullets
	BlockSteps
	BlockNote
)

func (k BlockKind) String() string {
	return [...]string{"paragraph", "heading", "bulleted list", "numbered list", "note"}[k]
}

var stepPrefix = regexp.MustCompile(`^[0-9]+\. `)

// ParseBlock returns a block's kind and its lines without their markup:
// one line, or the items of a list.
func ParseBlock(b string) (BlockKind, []string) {
	lines := strings.Split(b, "\n")
	switch {
	case strings.HasPrefix(b, "## "):
		return BlockHeading, []string{strings.TrimPrefix(b, "## ")}
	case strings.HasPrefix(b, "> "):
		return BlockNote, []string{strings.TrimPrefix(b, "> ")}
	case strings.HasPrefix(b, "- "):
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "- ")
		}
		return BlockBullets, lines
	case stepPrefix.MatchString(b):
		for i, l := range lines {
			lines[i] = stepPrefix.ReplaceAllString(l, "")
		}
		return BlockSteps, lines
	}
	return BlockParagraph, lines
}

// CheckBlock reports a block that the markup cannot show as meant: a
// heading, note or paragraph over several lines, a list line without the
// list's marker, or an empty line.
func CheckBlock(b string) error {
	kind, _ := ParseBlock(b)
	lines := strings.Split(b, "\n")
	for _, l := range lines {
		if blank(l) {
			return errors.New("an empty line")
		}
		switch kind {
		case BlockBullets:
			if !strings.HasPrefix(l, "- ") || blank(strings.TrimPrefix(l, "- ")) {
				return errors.New("every line of a bulleted list starts with \"- \" and has text")
			}
		case BlockSteps:
			if !stepPrefix.MatchString(l) || blank(stepPrefix.ReplaceAllString(l, "")) {
				return errors.New("every line of a numbered list starts with \"1. \", \"2. \"… and has text")
			}
		}
	}
	if len(lines) > 1 && kind != BlockBullets && kind != BlockSteps {
		return errors.New("a " + kind.String() + " is one line; lists have one item a line")
	}
	return nil
}

var pageRefRE = regexp.MustCompile(`\[\[([a-z0-9-]+)\]\]`)

// feedbackToken stands for the feedback address in a page's text.
const feedbackToken = "{feedback}"

// PageRefs returns the page IDs that text links to with [[id]].
func PageRefs(text string) []string {
	var ids []string
	for _, m := range pageRefRE.FindAllStringSubmatch(text, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// inliner turns one language's block markup into HTML.
type inliner struct {
	lang    string // the language's tag, the first segment of its addresses
	site    *Site
	text    *Text
	numbers []*Contact // contacts with a number, longest number first
}

func newInliner(lang string, site *Site, text *Text) *inliner {
	in := &inliner{lang: lang, site: site, text: text}
	for _, c := range site.Contacts {
		if c.Number != "" {
			in.numbers = append(in.numbers, c)
		}
	}
	slices.SortStableFunc(in.numbers, func(a, b *Contact) int { return cmp.Compare(len(b.Number), len(a.Number)) })
	return in
}

// blocks returns the HTML of a page body.
func (in *inliner) blocks(body []string) template.HTML {
	var b strings.Builder
	for _, block := range body {
		kind, lines := ParseBlock(block)
		switch kind {
		case BlockHeading:
			b.WriteString("<h2>" + in.inline(lines[0]) + "</h2>\n")
		case BlockNote:
			b.WriteString(`<p class="note">` + in.inline(lines[0]) + "</p>\n")
		case BlockBullets, BlockSteps:
			tag := map[BlockKind]string{BlockBullets: "ul", BlockSteps: "ol"}[kind]
			b.WriteString("<" + tag + ">\n")
			for _, l := range lines {
				b.WriteString("<li>" + in.inline(l) + "</li>\n")
			}
			b.WriteString("</" + tag + ">\n")
		default:
			b.WriteString("<p>" + in.inline(strings.Join(lines, " ")) + "</p>\n")
		}
	}
	return template.HTML(b.String())
}

var tokenRE = regexp.MustCompile(`\[\[[a-z0-9-]+\]\]|\{feedback\}`)

// inline returns text as HTML: escaped, with its page links, feedback
// address and telephone numbers as links.
func (in *inliner) inline(text string) string {
	var b strings.Builder
	last := 0
	for _, loc := range tokenRE.FindAllStringIndex(text, -1) {
		b.WriteString(in.linkNumbers(html.EscapeString(text[last:loc[0]])))
		token := text[loc[0]:loc[1]]
		if token == feedbackToken {
			addr := html.EscapeString(in.site.FeedbackEmail)
			b.WriteString(`<a href="mailto:` + addr + `" dir="ltr">` + addr + `</a>`)
		} else {
			id := strings.Trim(token, "[]")
			b.WriteString(`<a href="` + html.EscapeString(in.href(in.site.Page(id))) + `">` +
				html.EscapeString(in.text.Pages[id].Title) + `</a>`)
		}
		last = loc[1]
	}
	b.WriteString(in.linkNumbers(html.EscapeString(text[last:])))
	return b.String()
}

// href returns the address of page p in the inliner's language.
func (in *inliner) href(p *PageInfo) string { return pageHref(in.lang, p.Path) }

// pageHref returns the address of the page at path in language lang.
func pageHref(lang, path string) string { return "/" + lang + "/" + path }

// linkNumbers makes every help-line number in the escaped text s a tel:
// link. A number counts only where no digit comes right before or after
// it. dir="ltr" keeps its digit groups in order in right-to-left text.
func (in *inliner) linkNumbers(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := in.numberAt(s, i)
		if c == nil {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(telLink(c))
		i += len(c.Number)
	}
	return b.String()
}

func (in *inliner) numberAt(s string, i int) *Contact {
	if i > 0 && isDigit(s[i-1]) {
		return nil
	}
	for _, c := range in.numbers {
		end := i + len(c.Number)
		if strings.HasPrefix(s[i:], c.Number) && (end == len(s) || !isDigit(s[end])) {
			return c
		}
	}
	return nil
}

func telLink(c *Contact) string {
	return `<a class="tel" href="tel:` + c.Tel() + `" dir="ltr">` + html.EscapeString(c.Number) + `</a>`
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
