package portal

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"fristad"

	"golang.org/x/text/language"
)

// Printable leaflets (IN-06, IN-09): one page per programme and language,
// to hand out in shelters, clinics and embassies. A leaflet says what the
// programme offers, for whom, that it costs nothing and needs no police
// report (SP-07), the numbers to call now and the portal's address, and
// nothing else: no name, no form, nothing that could endanger whoever
// carries it. Its address and title are as neutral as the programmes
// page's.
//
// A leaflet is printed on A4, or on A5 with ?size=a5, which puts a class
// on <html> that picks a named @page of that size in the stylesheet:
// @page sizes cannot be chosen by a media query. On screen it is an
// ordinary portal page, quick exit first, with a hint on how to print.
// Leaflets come with the directory's snapshot, rendered ahead of time with
// the programmes page.

// leafletPath is the last part of a leaflet's address:
// /sv/programmes/{id}/leaflet.
const leafletPath = "leaflet"

// LeafletSizes are the paper sizes a leaflet is printed on, the default
// first; the others are chosen with ?size=.
var LeafletSizes = []string{"a4", "a5"}

// LeafletPage is one programme's leaflet in one language.
type LeafletPage struct {
	Page
	Programme ProgrammeView
	Urgent    []ContactView // the numbers to call now
	Portal    string        // the portal's address in the leaflet's language, as printed
	More      string        // where the whole description is, as printed, when the leaflet cuts it
	Sizes     []LeafletSize // links to the leaflet on each paper size
}

// LeafletSize is a link to a leaflet on one paper size.
type LeafletSize struct {
	Href    string
	Label   string
	Current bool
}

// A programme's description may be as long as its designer needs for
// the programmes page (fristad.MaxProgrammeDescription, 4000
// characters), far more than a leaflet holds. Printed, a leaflet with a
// name on a line and a dozen offers has room for about 450 characters of
// long Swedish words on A5 and 1450 on A4 in the language that leaves
// the least (Romanian, Russian, Ukrainian); with the longest name and
// every offer, A5 had no room at all, and one-word paragraphs take a
// line each. Lowering the designer's limit to what fits would take the
// text from the portal too, would have to be a few dozen characters to
// hold in the worst case, and would still not hold for a text of short
// paragraphs. So the designer keeps her limit, and a leaflet prints the
// first part of the description, cut after a word and marked "…", and
// says where the whole text is. The stylesheet holds the rest to one
// sheet (IN-09): the name takes at most three lines on A5, the offers
// run on, and if the facts beside it leave less room than usual, or
// the printing browser's font is wider, the description gives way and
// fades out, never the numbers to call or the portal's address.

// leafletTextSize is how much description a leaflet prints on a paper
// size: Chars characters, where each paragraph takes whole lines of Line
// characters and half a line more for the space after it. Chars is what
// fits beside an ordinary programme's facts, less the line that says
// where the whole text is: then the stylesheet cuts none of it.
// TestBrowserLeafletOneSheet in cmd/fristad prints that, and the worst
// case, in every language on both sizes.
type leafletTextSize struct{ Chars, Line int }

// leafletText is how much description a leaflet prints, by paper size.
var leafletText = map[string]leafletTextSize{
	"a4": {Chars: 1250, Line: 80},
	"a5": {Chars: 330, Line: 55},
}

// cutLeafletText returns the first paragraphs of paras that fit in
// size, the last cut after a word and ended with "…" if it does not fit
// whole, and whether anything was left out.
func cutLeafletText(paras []string, size leafletTextSize) ([]string, bool) {
	left := size.Chars
	for i, p := range paras {
		r := []rune(p)
		cost := (len(r)+size.Line-1)/size.Line*size.Line + size.Line/2
		if cost <= left {
			left -= cost
			continue
		}
		kept := slices.Clone(paras[:i])
		// What is left holds at least one line, or the cut is made
		// after the paragraph before.
		if room := left - size.Line/2 - 1; room >= size.Line {
			cut := room
			// After the last space, if that keeps most of the room: a
			// text without spaces (a long word, Thai) is cut anywhere.
			if sp := lastSpace(r[:room+1]); sp > room/2 {
				cut = sp
			}
			kept = append(kept, strings.TrimRightFunc(string(r[:cut]), func(c rune) bool {
				return unicode.IsSpace(c) || unicode.IsPunct(c)
			})+"…")
		}
		return kept, true
	}
	return paras, false
}

// lastSpace returns the index of the last space in r, or -1.
func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if unicode.IsSpace(r[i]) {
			return i
		}
	}
	return -1
}

// leafletHref returns the address of programme id's leaflet in lang.
func leafletHref(lang, id string) string {
	return pageHref(lang, ProgrammesPath+"/"+id+"/"+leafletPath)
}

// leafletKey is the key of a rendered leaflet in a snapshot: its address
// and, for any size but the default, its query.
func leafletKey(addr, size string) string {
	if size == LeafletSizes[0] {
		return addr
	}
	return addr + "?size=" + size
}

// programmeView returns programme p as pages in lang show it.
func programmeView(p *fristad.PublicProgramme, page *Page, lang string) ProgrammeView {
	pr := page.Printer()
	name, textLang := programmeText(p.Name, lang)
	desc, _ := programmeText(p.Description, textLang)
	v := ProgrammeView{ID: p.ID, Name: name, Target: pr.T("target." + p.TargetGroup)}
	if textLang != lang {
		v.Lang = textLang
	}
	for para := range strings.SplitSeq(desc, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			v.Description = append(v.Description, para)
		}
	}
	for _, ph := range p.Phases {
		v.Phases = append(v.Phases, PhaseView{Name: pr.T("phase." + ph.Code), Days: ph.MaxDays, Renewals: ph.Renewals})
	}
	for _, code := range fristad.InterventionTypes {
		if slices.Contains(p.Types, code) {
			v.Offers = append(v.Offers, Option{Value: pageHref(lang, DirectoryPath) + "?service=" + code, Label: pr.T("service." + code)})
		}
	}
	return v
}

// renderLeaflets renders the leaflets of snapshot s in tag, on every
// paper size, into s.leaflets.
func (h *Handler) renderLeaflets(s *snapshot, tag language.Tag) error {
	lang := tag.String()
	c := h.content()
	text := c.Texts[tag]
	for i := range s.programmes {
		p := &s.programmes[i]
		addr := leafletHref(lang, p.ID)
		for _, size := range LeafletSizes {
			page := h.newPage(c, fakeRequest(addr), tag, &PageInfo{Path: ProgrammesPath + "/" + p.ID + "/" + leafletPath})
			page.Class = "leaflet-" + size
			v := programmeView(p, &page, lang)
			page.Title = page.T("leaflet.title", "Name", v.Name)
			site := strings.TrimRight(c.Site.Address, "/")
			lp := &LeafletPage{Page: page, Programme: v, Portal: site + "/" + lang + "/"}
			var cut bool
			if lp.Programme.Description, cut = cutLeafletText(v.Description, leafletText[size]); cut {
				lp.More = site + pageHref(lang, ProgrammesPath)
			}
			for _, ct := range contactViews(c.Site, text) {
				if c.Site.Contact(ct.ID).Urgent {
					lp.Urgent = append(lp.Urgent, ct)
				}
			}
			for _, other := range LeafletSizes {
				lp.Sizes = append(lp.Sizes, LeafletSize{Href: leafletKey(addr, other), Label: page.T("leaflet.size." + other), Current: other == size})
			}
			var buf strings.Builder
			if err := h.leafletTemplate.ExecuteTemplate(&buf, "layout", lp); err != nil {
				return fmt.Errorf("portal: %s: %w", addr, err)
			}
			s.leaflets[leafletKey(addr, size)] = newResponse([]byte(buf.String()), cacheDirectory)
		}
	}
	return nil
}

// LeafletAddresses returns the address of every leaflet of the snapshot
// served, in every language and on the default paper size.
func (h *Handler) LeafletAddresses() []string {
	var addrs []string
	s := h.dir.Load()
	for _, tag := range h.catalog.Languages() {
		for _, p := range s.programmes {
			addrs = append(addrs, leafletHref(tag.String(), p.ID))
		}
	}
	return addrs
}

// handleLeaflet serves a leaflet. A size it does not print on, and a
// programme the snapshot does not have, are not found.
func (h *Handler) handleLeaflet(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok || tag.String() != r.PathValue("lang") {
		return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
	}
	size := r.URL.Query().Get("size")
	if size == "" {
		size = LeafletSizes[0]
	}
	if !slices.Contains(LeafletSizes, size) {
		return fristad.Errorf(fristad.ENOTFOUND, "no leaflet of this size")
	}
	res, ok := h.dir.Load().leaflets[leafletKey(r.URL.Path, size)]
	if !ok {
		return fristad.Errorf(fristad.ENOTFOUND, "no leaflet at this address")
	}
	res.ServeHTTP(w, r)
	return nil
}
