package portal

import (
	"html/template"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fristad/internal/i18n"

	"golang.org/x/text/language"
)

func mustLoadContent(t *testing.T) *Content {
	t.Helper()
	c, err := LoadContent(contentFS, "content")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestContentLanguages checks that the content files and the catalog have
// the same languages: a language is its catalog file plus its content
// file.
func TestContentLanguages(t *testing.T) {
	c := mustLoadContent(t)
	var content, catalog []string
	for tag := range c.Texts {
		content = append(content, tag.String())
	}
	for _, tag := range i18n.Portal().Languages() {
		catalog = append(catalog, tag.String())
	}
	slices.Sort(content)
	slices.Sort(catalog)
	if !slices.Equal(content, catalog) {
		t.Errorf("content files %v, catalog files %v: want the same languages", content, catalog)
	}
}

var numberRE = regexp.MustCompile(`[0-9][0-9 -]*[0-9]|[0-9]`)

// TestContentComplete compares every language's text with the Swedish:
// every page has the same blocks in the same order (headings, lists,
// notes, paragraphs), the same page links and feedback address, and every
// number of the Swedish text, written the same way, so that a translation
// can drop neither a section nor a phone number.
func TestContentComplete(t *testing.T) {
	c := mustLoadContent(t)
	sv := c.Texts[language.Swedish]
	if sv == nil {
		t.Fatal("no Swedish content")
	}
	for tag, text := range c.Texts {
		for _, p := range c.Site.Pages {
			want, got := sv.Pages[p.ID], text.Pages[p.ID]
			if len(got.Body) != len(want.Body) {
				t.Errorf("%s: page %s has %d blocks, the Swedish %d", tag, p.ID, len(got.Body), len(want.Body))
				continue
			}
			for i := range want.Body {
				wk, wl := ParseBlock(want.Body[i])
				gk, gl := ParseBlock(got.Body[i])
				if wk != gk {
					t.Errorf("%s: page %s block %d is a %s, the Swedish a %s: %q", tag, p.ID, i+1, gk, wk, got.Body[i])
				}
				if wk == BlockSteps && len(gl) != len(wl) {
					t.Errorf("%s: page %s block %d has %d steps, the Swedish %d", tag, p.ID, i+1, len(gl), len(wl))
				}
				if w, g := tokens(want.Body[i]), tokens(got.Body[i]); !slices.Equal(w, g) {
					t.Errorf("%s: page %s block %d links %v, the Swedish %v", tag, p.ID, i+1, g, w)
				}
			}
			wantNums, gotNums := numbers(want), numbers(got)
			for n := range wantNums {
				if !gotNums[n] {
					t.Errorf("%s: page %s does not have the number %q of the Swedish text", tag, p.ID, n)
				}
			}
		}
	}
}

// tokens returns the page links and feedback addresses of a block, sorted.
func tokens(s string) []string {
	ts := tokenRE.FindAllString(s, -1)
	slices.Sort(ts)
	return ts
}

// numbers returns the numbers in a page's text.
func numbers(p *PageText) map[string]bool {
	all := strings.Join(append([]string{p.Title, p.Heading, p.Lead, p.Summary}, p.Body...), "\n")
	all = stepPrefix.ReplaceAllString(all, "")
	all = regexp.MustCompile(`(?m)^[0-9]+\. `).ReplaceAllString(all, "")
	nums := map[string]bool{}
	for _, n := range numberRE.FindAllString(all, -1) {
		nums[strings.TrimSpace(n)] = true
	}
	return nums
}

// TestContentContacts checks that each contact text keeps its facts: the
// women's helpline is free and does not show on the bill in every
// language, said in the language's own words (a translator may not drop
// them), which the test can only approximate: each contact text is at
// least a third as long as the Swedish.
func TestContentContacts(t *testing.T) {
	c := mustLoadContent(t)
	sv := c.Texts[language.Swedish]
	for tag, text := range c.Texts {
		for id, want := range sv.Contacts {
			if got := text.Contacts[id]; len([]rune(got.Text))*3 < len([]rune(want.Text)) {
				t.Errorf("%s: contact %s is much shorter than the Swedish: %q", tag, id, got.Text)
			}
		}
	}
}

// TestSiteData checks what IN-10 asks of each page: an owner and review
// dates, and for the rights pages a legal reference.
func TestSiteData(t *testing.T) {
	c := mustLoadContent(t)
	for _, p := range c.Site.Pages {
		if p.Parent == "rights" && len(p.Law) == 0 {
			t.Errorf("rights page %s has no legal reference", p.ID)
		}
	}
	for _, id := range []string{"help", "rights", "professionals", "young", "browsing", "accessibility"} {
		if c.Site.Page(id) == nil {
			t.Errorf("no page %s", id)
		}
	}
	for _, want := range []string{"112", "114 14", "020-50 50 50", "020-39 00 00"} {
		if !slices.ContainsFunc(c.Site.Contacts, func(ct *Contact) bool { return ct.Number == want }) {
			t.Errorf("no contact with the number %s", want)
		}
	}
}

func TestLoadContentRejects(t *testing.T) {
	site := `{"address": "https://portal.example", "contacts": [], "pages": [
		{"id": "home", "path": "", "template": "home", "owner": "o", "updated": "2026-01-01", "next_review": "2026-06-01"},
		{"id": "help", "path": "help", "template": "help", "owner": "o", "updated": "2026-01-01", "next_review": "2026-06-01"}]}`
	page := `{"title": "t", "heading": "h", "lead": "l", "summary": "s", "body": [%s]}`
	text := func(body string) string {
		p := strings.Replace(page, "%s", body, 1)
		return `{"contacts": {}, "pages": {"home": ` + p + `, "help": ` + p + `}}`
	}
	for name, tc := range map[string]struct{ site, text string }{
		"no owner":          {strings.Replace(site, `"owner": "o"`, `"owner": ""`, 1), text(`"x"`)},
		"bad date":          {strings.Replace(site, "2026-06-01", "2026-13-01", 1), text(`"x"`)},
		"review before":     {strings.Replace(site, "2026-06-01", "2025-06-01", 1), text(`"x"`)},
		"unknown field":     {strings.Replace(site, `"owner"`, `"ownr": "x", "owner"`, 1), text(`"x"`)},
		"two-line para":     {site, text(`"a\nb"`)},
		"bad list":          {site, text(`"- a\nb"`)},
		"unknown page link": {site, text(`"see [[nowhere]]"`)},
		"feedback, no addr": {site, text(`"write to {feedback}"`)},
		"missing page":      {site, `{"contacts": {}, "pages": {}}`},
		"no address":        {strings.Replace(site, "https://portal.example", "", 1), text(`"x"`)},
		"http address":      {strings.Replace(site, "https://", "http://", 1), text(`"x"`)},
	} {
		dir := t.TempDir()
		os.MkdirAll(dir+"/languages", 0o755)
		os.WriteFile(dir+"/site.json", []byte(tc.site), 0o644)
		os.WriteFile(dir+"/languages/sv.json", []byte(tc.text), 0o644)
		if _, err := LoadContent(os.DirFS(dir), "."); err == nil {
			t.Errorf("%s: LoadContent accepted it", name)
		}
	}
	dir := t.TempDir()
	os.MkdirAll(dir+"/languages", 0o755)
	os.WriteFile(dir+"/site.json", []byte(site), 0o644)
	os.WriteFile(dir+"/languages/sv.json", []byte(text(`"## h", "- a\n- b", "1. a\n2. b", "> n", "p"`)), 0o644)
	if _, err := LoadContent(os.DirFS(dir), "."); err != nil {
		t.Errorf("LoadContent: %v", err)
	}
}

func TestBlocks(t *testing.T) {
	site := &Site{
		FeedbackEmail: "a@b.example",
		Contacts:      []*Contact{{ID: "e", Number: "112"}, {ID: "w", Number: "020-50 50 50"}, {ID: "p", Number: "114 14"}},
		Pages:         []*PageInfo{{ID: "home", Path: ""}, {ID: "help", Path: "help"}},
	}
	text := &Text{Pages: map[string]*PageText{"home": {Title: "Start"}, "help": {Title: "Help <now>"}}}
	in := newInliner("ar", site, text)
	got := in.blocks([]string{
		"## Call 112",
		"Call 112 or 020-50 50 50, not 1120 or 2112; police 114 14.",
		"- See [[help]] & <b>\n- Write to {feedback}",
		"1. One\n2. Two",
		"> Note",
	})
	want := template.HTML(`<h2>Call <a class="tel" href="tel:112" dir="ltr">112</a></h2>
<p>Call <a class="tel" href="tel:112" dir="ltr">112</a> or <a class="tel" href="tel:020505050" dir="ltr">020-50 50 50</a>, not 1120 or 2112; police <a class="tel" href="tel:11414" dir="ltr">114 14</a>.</p>
<ul>
<li>See <a href="/ar/help">Help &lt;now&gt;</a> &amp; &lt;b&gt;</li>
<li>Write to <a href="mailto:a@b.example" dir="ltr">a@b.example</a></li>
</ul>
<ol>
<li>One</li>
<li>Two</li>
</ol>
<p class="note">Note</p>
`)
	if got != want {
		t.Errorf("blocks:\n%s\nwant:\n%s", got, want)
	}
}

// TestReviewedHonest checks the meta key that says whether a native
// speaker reviewed each language. Only such a person may set it to "yes":
// every translation here was written without one, so this test lists the
// languages whose reviews someone has recorded, for whoever changes it to
// check who did.
func TestReviewedHonest(t *testing.T) {
	reviewed := map[string]bool{} // languages a native speaker has reviewed; none yet
	for _, tag := range i18n.Portal().Languages() {
		got := i18n.Portal().Printer(tag).T(ReviewedKey)
		if got != "yes" && got != "no" {
			t.Errorf("%s: %s = %q, want yes or no", tag, ReviewedKey, got)
		}
		if (got == "yes") != reviewed[tag.String()] {
			t.Errorf("%s: %s = %q, but the test's list of reviewed languages %v says otherwise; who reviewed it?", tag, ReviewedKey, got, slices.Sorted(maps.Keys(reviewed)))
		}
	}
}
