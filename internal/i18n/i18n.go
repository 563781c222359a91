// Package i18n holds the message catalogs of both sites and picks the
// language of each response: an explicit choice first, then the browser's
// Accept-Language, then the catalog's base language.
//
// A catalog is a folder of JSON files named by BCP 47 tag (sv.json,
// en.json, fa-AF.json). A language's messages may be split by feature
// into further files named TAG.FEATURE.json (sv.cases.json). Adding a
// language is adding files: no code changes. Messages use Go template syntax for arguments
// ({{.Count}}) and CLDR plural categories (one, few, many, other…) for
// counts.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed messages
var messages embed.FS

// Catalog names.
const (
	StaffCatalog  = "staff"  // the staff workspace
	PortalCatalog = "portal" // the public portal
)

// Catalog is one site's messages in all its languages.
type Catalog struct {
	name    string
	bundle  *goi18n.Bundle
	tags    []language.Tag // tags[0] is the base language
	matcher language.Matcher
	names   map[language.Tag]string // each language's name in itself
}

var (
	staff  = sync.OnceValues(func() (*Catalog, error) { return Load(messages, "messages/staff", language.Swedish) })
	portal = sync.OnceValues(func() (*Catalog, error) { return Load(messages, "messages/portal", language.Swedish) })
)

// Staff returns the staff workspace's catalog. Swedish is its base.
func Staff() *Catalog { return must(staff()) }

// Portal returns the public portal's catalog. Swedish is its base.
func Portal() *Catalog { return must(portal()) }

func must(c *Catalog, err error) *Catalog {
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build defect, caught by the tests
	}
	return c
}

// LanguageNameKey is the message that names each language in itself
// ("Svenska", "English"); every catalog file must have it.
const LanguageNameKey = "language.name"

// Load reads the catalog in folder dir of fsys. base is the language the
// catalog falls back to and must have a file.
func Load(fsys fs.FS, dir string, base language.Tag) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	c := &Catalog{
		name:   path.Base(dir),
		bundle: goi18n.NewBundle(base),
		tags:   []language.Tag{base},
		names:  map[language.Tag]string{},
	}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		buf, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		tagName, _, _ := strings.Cut(strings.TrimSuffix(e.Name(), ".json"), ".")
		tag, err := language.Parse(tagName)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s/%s: file name is not a language tag: %w", dir, e.Name(), err)
		}
		msgs, err := c.bundle.ParseMessageBytes(tag, buf, json.Unmarshal)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s/%s: %w", dir, e.Name(), err)
		}
		if err := c.bundle.AddMessages(tag, msgs...); err != nil {
			return nil, fmt.Errorf("i18n: %s/%s: %w", dir, e.Name(), err)
		}
		if !slices.Contains(c.tags, tag) {
			c.tags = append(c.tags, tag)
		}
		for _, m := range msgs {
			if m.ID == LanguageNameKey {
				c.names[tag] = m.Other
			}
		}
	}
	if _, ok := c.names[base]; !ok {
		return nil, fmt.Errorf("i18n: %s: no %s.json with %q", dir, base, LanguageNameKey)
	}
	// Keep the base first and the rest in a stable order.
	slices.SortFunc(c.tags[1:], func(a, b language.Tag) int { return strings.Compare(a.String(), b.String()) })
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// Name returns the catalog's name ("staff", "portal").
func (c *Catalog) Name() string { return c.name }

// Languages returns the catalog's languages, the base first.
func (c *Catalog) Languages() []language.Tag { return slices.Clone(c.tags) }

// Base returns the catalog's base language.
func (c *Catalog) Base() language.Tag { return c.tags[0] }

// Has reports whether the catalog has exactly this language.
func (c *Catalog) Has(tag language.Tag) bool { return slices.Contains(c.tags, tag) }

// Parse returns the catalog language whose tag is s, compared without
// regard to case, or false.
func (c *Catalog) Parse(s string) (language.Tag, bool) {
	for _, t := range c.tags {
		if strings.EqualFold(t.String(), s) {
			return t, true
		}
	}
	return language.Und, false
}

// Match returns the catalog language for a request: explicit, when it
// names one of the catalog's languages, or else the best match for an
// Accept-Language header, or else the base.
func (c *Catalog) Match(explicit, acceptLanguage string) language.Tag {
	if t, ok := c.Parse(explicit); ok {
		return t
	}
	wanted, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(wanted) == 0 {
		return c.Base()
	}
	// The matcher's returned tag may carry extensions (-u-rg-…); the index
	// names our own tag.
	_, i, conf := c.matcher.Match(wanted...)
	if conf == language.No {
		return c.Base()
	}
	return c.tags[i]
}

// Printer returns a printer for tag, falling back to the base language for
// any message tag lacks.
func (c *Catalog) Printer(tag language.Tag) *Printer {
	if !c.Has(tag) {
		tag = c.Base()
	}
	return &Printer{
		catalog: c,
		tag:     tag,
		loc:     goi18n.NewLocalizer(c.bundle, tag.String(), c.Base().String()),
	}
}

// LanguageName returns tag's name in its own language.
func (c *Catalog) LanguageName(tag language.Tag) string { return c.names[tag] }

// Printer translates messages into one language.
type Printer struct {
	catalog *Catalog
	tag     language.Tag
	loc     *goi18n.Localizer
}

// Tag returns the printer's language.
func (p *Printer) Tag() language.Tag { return p.tag }

// Lang returns the printer's language as a BCP 47 string, for <html lang>.
func (p *Printer) Lang() string { return p.tag.String() }

// Dir returns "rtl" or "ltr", for <html dir>.
func (p *Printer) Dir() string { return Dir(p.tag) }

// T returns the message key with the named arguments given as pairs:
// T("greeting", "Name", name). A message missing from the catalog
// (which the catalog tests forbid) shows as its key.
func (p *Printer) T(key string, args ...any) string {
	s, err := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: pairs(args)})
	if err != nil {
		return key
	}
	return s
}

// Plural returns the message key in the plural form for n, with n as the
// argument Count and further named arguments as pairs.
func (p *Printer) Plural(key string, n int, args ...any) string {
	data := pairs(args)
	data["Count"] = n
	s, err := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, PluralCount: n, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

func pairs(args []any) map[string]any {
	m := make(map[string]any, len(args)/2+1)
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			m[k] = args[i+1]
		}
	}
	return m
}

// Dir returns "rtl" for languages written right to left (Arabic, Dari,
// Persian, Hebrew, Urdu…) and "ltr" for the others, judged by the
// language's script.
func Dir(tag language.Tag) string {
	script, conf := tag.Script()
	if conf == language.No {
		// Tags the CLDR data has no script for, such as Dari's own
		// ISO 639-3 code.
		base, _ := tag.Base()
		switch base.String() {
		case "prs", "pbt", "pbu", "ydd", "arb", "apd", "acm", "ajp", "ary", "arz":
			return "rtl"
		}
		return "ltr"
	}
	switch script.String() {
	case "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Mand", "Samr":
		return "rtl"
	}
	return "ltr"
}
