package portal

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// What the support programmes offer (IN-01), from the programme
// designer: each programme's latest published version that applies
// today, its phases and the help it pays for, with links into the
// service directory. It comes with the directory's snapshot and is
// rendered again with it.

// ProgrammesPath is the page's address under a language: /sv/programmes.
const ProgrammesPath = "programmes"

// ProgrammesPage lists the support programmes in one language.
type ProgrammesPage struct {
	Page
	Programmes []ProgrammeView
}

// ProgrammeView is a programme as the page shows it. Coordinators write
// names and descriptions in Swedish and English; in other languages the
// English text is shown, marked as English.
type ProgrammeView struct {
	ID          string // the leaflet's address takes it
	Name        string
	Description []string // paragraphs
	Lang        string   // the language of the name and description, if not the page's
	Target      string
	Phases      []PhaseView
	Offers      []Option // Value is the directory filtered by the service
}

// Leaflet returns the address of the programme's printable leaflet in
// lang.
func (v ProgrammeView) Leaflet(lang string) string { return leafletHref(lang, v.ID) }

// PhaseView is a phase of a programme.
type PhaseView struct {
	Name     string
	Days     int
	Renewals int
}

// programmeText picks a programme's text for a page in lang: the page's
// language, plain Swedish for easy Swedish, or else English. It returns
// the text's language too.
func programmeText(texts map[string]string, lang string) (string, string) {
	for _, l := range []string{lang, strings.SplitN(lang, "-", 2)[0], "en", "sv"} {
		if t := texts[l]; t != "" {
			return t, l
		}
	}
	return "", lang
}

// renderProgrammes renders the programmes page of snapshot s in tag.
func (h *Handler) renderProgrammes(s *snapshot, tag language.Tag) (*response, error) {
	lang := tag.String()
	addr := pageHref(lang, ProgrammesPath)
	page := h.newPage(h.content(), fakeRequest(addr), tag, &PageInfo{Path: ProgrammesPath})
	page.Title = page.T("programmes.title")
	for i := range page.Nav {
		page.Nav[i].Current = page.Nav[i].Href == addr
	}
	pp := &ProgrammesPage{Page: page}
	for i := range s.programmes {
		pp.Programmes = append(pp.Programmes, programmeView(&s.programmes[i], &page, lang))
	}
	var buf strings.Builder
	if err := h.progTemplate.ExecuteTemplate(&buf, "layout", pp); err != nil {
		return nil, fmt.Errorf("portal: %s: %w", addr, err)
	}
	return newResponse([]byte(buf.String()), cacheDirectory), nil
}
