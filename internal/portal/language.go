package portal

import (
	"strings"

	"golang.org/x/text/language"
)

// languageAliases maps languages the browser may ask for, which the
// matcher of golang.org/x/text does not connect to one of ours, to the
// portal language their speakers read:
//
//   - prs is Dari by its own ISO 639-3 code; the portal has Dari as
//     fa-AF (Persian as written in Afghanistan). The matcher knows
//     neither prs nor its tie to fa.
//   - ps (Pashto): the matcher offers English. Most Pashto speakers in
//     Sweden came from Afghanistan, where Dari is the common second
//     language, so Dari serves them better until there is Pashto.
//   - uz-Cyrl: Uzbek in Cyrillic script is the same language as the
//     portal's Uzbek in Latin script; the matcher would find no match.
var languageAliases = map[string]string{
	"prs":     "fa-AF",
	"ps":      "fa-AF",
	"uz-Cyrl": "uz",
}

// languageMatcher picks the portal language for an Accept-Language header.
type languageMatcher struct {
	tags    []language.Tag // tags[0] is the base, the answer when nothing matches
	matcher language.Matcher
}

func newLanguageMatcher(tags []language.Tag) *languageMatcher {
	return &languageMatcher{tags: tags, matcher: language.NewMatcher(tags)}
}

// match returns the language for the Accept-Language header accept: the
// first of the browser's languages, in the browser's order, that is one
// of ours exactly (which is how sv-x-easy can be asked for: the matcher
// disregards private-use subtags and hears plain Swedish) or that the
// matcher matches with at least high confidence; else the base language.
// A plain "sv" gets Swedish, never easy-to-read Swedish.
func (m *languageMatcher) match(accept string) language.Tag {
	wanted, _, err := language.ParseAcceptLanguage(accept)
	if err != nil {
		return m.tags[0]
	}
	for _, w := range wanted {
		if alias, ok := aliasOf(w); ok {
			w = alias
		}
		for _, t := range m.tags {
			if strings.EqualFold(t.String(), w.String()) {
				return t
			}
		}
		if _, i, conf := m.matcher.Match(w); conf >= language.High {
			return m.tags[i]
		}
	}
	return m.tags[0]
}

// aliasOf returns the portal language that stands in for w, if any. A
// region is disregarded ("prs-AF" is "prs").
func aliasOf(w language.Tag) (language.Tag, bool) {
	base, _ := w.Base()
	key := base.String()
	if script, conf := w.Script(); conf == language.Exact {
		if alias, ok := languageAliases[key+"-"+script.String()]; ok {
			return language.MustParse(alias), true
		}
	}
	if alias, ok := languageAliases[key]; ok {
		return language.MustParse(alias), true
	}
	return language.Und, false
}
