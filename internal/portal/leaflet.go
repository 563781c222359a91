package portal

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

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
	Sizes     []LeafletSize // links to the leaflet on each paper size
}

// LeafletSize is a link to a leaflet on one paper size.
type LeafletSize struct {
	Href    string
	Label   string
	Current bool
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
			lp := &LeafletPage{Page: page, Programme: v, Portal: strings.TrimRight(c.Site.Address, "/") + "/" + lang + "/"}
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
