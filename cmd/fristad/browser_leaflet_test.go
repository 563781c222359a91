package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserPortalLeaflets visits the printable leaflet of every demo
// programme in every language, on A4 and A5, through Check (axe-core and
// the HTML checker), then prints them (IN-06, IN-09): in print media the
// quick exit, the menu, the banner, the footer and the print hint are
// gone and the text is black on white, and the Arabic A5 leaflet prints
// right to left on one A5 sheet, saved as a PDF to the artifacts.
func TestBrowserPortalLeaflets(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	base := c.Server.PublicURL()
	langs := portalLanguages()
	b := browsertest.New(t)
	netlog := logNetwork(t, b)
	watchCSP(b)

	visited := 0
	var first string // a leaflet's address under a language: programmes/{id}/leaflet
	for _, lang := range langs {
		b.Navigate(base + "/" + lang + "/programmes")
		hrefs := browsertest.RunValue(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main a[href$="/leaflet"]')].map(a => a.getAttribute("href"))`))
		if len(hrefs) == 0 {
			t.Fatalf("/%s/programmes links to no leaflet", lang)
		}
		for _, href := range hrefs {
			path := strings.TrimPrefix(href, "/"+lang+"/")
			if first == "" {
				first = path
			}
			for _, size := range []string{"a4", "a5"} {
				addr := href
				if size == "a5" {
					addr += "?size=a5"
				}
				b.Navigate(base + addr)
				b.Check()
				wantStatus(t, b, netlog, http.StatusOK)
				visited++
				wantDir := "ltr"
				if rtlLanguages[lang] {
					wantDir = "rtl"
				}
				if got := b.Attr("html", "lang") + " " + b.Attr("html", "dir") + " " + b.Attr("html", "class"); got != lang+" "+wantDir+" leaflet-"+size {
					t.Errorf("%s: <html lang dir class> = %q", addr, got)
				}
				if b.Text("h1") == "" || !strings.HasSuffix(b.Title(), " – Fristad") {
					t.Errorf("%s: heading %q, title %q", addr, b.Text("h1"), b.Title())
				}
				for _, n := range []string{"tel:112", "tel:11414", "tel:020505050"} {
					if b.Attr(`main a[href="`+n+`"]`, "href") != n {
						t.Errorf("%s: no link to call %s", addr, n)
					}
				}
				wantPortalPage(t, b, netlog, lang, langs, path)
				if rtlLanguages[lang] {
					wantNumbersLeftToRight(t, b)
				}
			}
		}
	}
	t.Logf("visited %d leaflets in %d languages", visited, len(langs))

	// In print, only the leaflet: no quick exit, menu, banner, footer or
	// print hint; black on white.
	setMedia(b, "print")
	defer setMedia(b, "")
	hidden := []string{"a.quick-exit", "a.skip", ".site-header", ".site-header nav", ".demo", ".site-footer", ".print-hint"}
	for _, addr := range []string{"/en/" + first, "/ar/" + first + "?size=a5", "/fa-AF/" + first} {
		b.Navigate(base + addr)
		for _, sel := range hidden {
			if got := evalString(b, `getComputedStyle(document.querySelector("`+sel+`")).display`); got != "none" {
				t.Errorf("%s in print: %s is displayed (%s)", addr, sel, got)
			}
		}
		if got := evalString(b, `getComputedStyle(document.querySelector(".leaflet-site")).display`); got == "none" {
			t.Errorf("%s in print: the site's name is not printed", addr)
		}
		for _, sel := range []string{"body", "main h1", "main p", ".help a.tel"} {
			if got := evalString(b, `getComputedStyle(document.querySelector("`+sel+`")).color`); got != "rgb(0, 0, 0)" {
				t.Errorf("%s in print: %s is %s, not black", addr, sel, got)
			}
		}
		if got := evalString(b, `String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`); got != "0" {
			t.Errorf("%s in print: the page is %s px wider than the window", addr, got)
		}
		if got := evalString(b, `getComputedStyle(document.body).backgroundColor`); got != "rgb(255, 255, 255)" && got != "rgba(0, 0, 0, 0)" {
			t.Errorf("%s in print: the background is %s, not white", addr, got)
		}
	}
	// And on screen the print hint is there and the quick exit first.
	setMedia(b, "screen")
	b.Navigate(base + "/ar/" + first + "?size=a5")
	if got := evalString(b, `getComputedStyle(document.querySelector(".print-hint")).display`); got == "none" {
		t.Error("on screen the print hint is hidden")
	}

	// Printed, as the browser's print command would: one sheet of the
	// size the leaflet asks for.
	setMedia(b, "")
	for _, tc := range []struct {
		addr, name string
		w, h       float64 // points
	}{
		{"/ar/" + first + "?size=a5", "leaflet-ar-a5.pdf", 419.5, 595.3},
		{"/en/" + first, "leaflet-en-a4.pdf", 595.3, 841.9},
	} {
		b.Navigate(base + tc.addr)
		pdf := browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
			prefer := true
			res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
			if err != nil {
				return nil, err
			}
			return res.Data, nil
		})
		t.Logf("%s printed to %s (%d bytes)", tc.addr, b.SaveArtifact(tc.name, pdf), len(pdf))
		boxes := mediaBoxRE.FindAllStringSubmatch(string(pdf), -1)
		if len(boxes) != 1 {
			t.Errorf("%s: %d pages; want one", tc.addr, len(boxes))
			continue
		}
		w, _ := strconv.ParseFloat(boxes[0][1], 64)
		h, _ := strconv.ParseFloat(boxes[0][2], 64)
		if w < tc.w-1 || w > tc.w+1 || h < tc.h-1 || h > tc.h+1 {
			t.Errorf("%s: the page is %.1f × %.1f pt; want %.1f × %.1f", tc.addr, w, h, tc.w, tc.h)
		}
	}
}

// mediaBoxRE finds the size of each page of a PDF.
var mediaBoxRE = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// setMedia makes the tab render for a CSS media type, "print" or
// "screen"; "" ends the emulation.
func setMedia(b *browsertest.Browser, media string) {
	b.Run(func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return chromedp.Void{}, err
	})
}

// TestBrowserLeafletOneSheet prints leaflets whose programme says as much
// as the programme designer lets it, and finds each on one sheet, in
// every language, on A4 and on A5 (IN-09): a name as long as it may be,
// every offer, and a description of fristad.MaxProgrammeDescription
// characters, in long Swedish words, in English, in Arabic, in Thai, in
// the widest letters and in one-word paragraphs. The leaflet prints what
// fits of the description and says where the rest is. Beside an ordinary
// programme's facts, what it prints is not cut by the stylesheet: the
// leaflet's own cut (portal.leafletText) is the one the reader sees.
func TestBrowserLeafletOneSheet(t *testing.T) {
	browsertest.Require(t)
	type programme struct {
		name, shape string
		ordinary    bool // a name on a line and a dozen offers, as most programmes have
		id          string
	}
	var progs []*programme
	for _, shape := range []string{"sv", "en", "ar", "th", "wide", "paragraphs"} {
		progs = append(progs, &programme{name: "worst-" + shape, shape: shape})
	}
	for _, shape := range []string{"sv", "en", "paragraphs"} {
		progs = append(progs, &programme{name: "ordinary-" + shape, shape: shape, ordinary: true})
	}
	c := MustRunDemo(t, sqlstore.SQLite, func(c *ServeCommand) {
		ctx := fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "test-coordinator", Roles: []fristad.Role{fristad.RoleCoordinator}})
		for _, p := range progs {
			desc := longText(p.shape, fristad.MaxProgrammeDescription)
			v := &fristad.ProgrammeVersion{
				Name:        map[string]string{"sv": longText("sv", fristad.MaxShortText), "en": longText("sv", fristad.MaxShortText)},
				Description: map[string]string{"sv": desc, "en": desc},
				TargetGroup: "returning", Types: fristad.InterventionTypes, Funding: []string{"programme"},
				Budget: 1000000, ValidFrom: time.Now().AddDate(0, 0, -1).Format(time.DateOnly), Public: true,
			}
			for _, code := range fristad.PhaseCodes {
				v.Phases = append(v.Phases, fristad.Phase{Code: code, MaxDays: 3650, Renewals: 12})
			}
			if p.ordinary {
				v.Name = map[string]string{"sv": "Nationellt stödprogram", "en": "National support programme"}
				v.Types = fristad.InterventionTypes[:12]
			}
			if err := sqlstore.NewProgrammeService(c.DB).CreateProgrammeVersion(ctx, v); err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			if utf8.RuneCountInString(v.Description["sv"]) != fristad.MaxProgrammeDescription {
				t.Fatalf("%s: the description has %d characters", p.name, utf8.RuneCountInString(v.Description["sv"]))
			}
			if err := sqlstore.NewProgrammeService(c.DB).PublishProgrammeVersion(ctx, v.ID); err != nil {
				t.Fatal(err)
			}
			p.id = v.ProgrammeID
		}
	})
	base := c.Server.PublicURL()
	b := browsertest.New(t)

	least, leastAt := 1e9, "" // the fewest lines of description printed
	for _, lang := range portalLanguages() {
		for _, size := range []string{"a4", "a5"} {
			for _, p := range progs {
				addr := "/" + lang + "/programmes/" + p.id + "/leaflet?size=" + size
				// On screen: the description is cut after a word, and the
				// leaflet says where the whole text is.
				setMedia(b, "")
				b.Navigate(base + addr)
				if p.name == "worst-sv" && (lang == "sv" || lang == "ar") {
					b.Check()
				}
				if more := evalString(b, `document.querySelector(".leaflet-more a")?.textContent ?? ""`); more != "https://fristad.example/"+lang+"/programmes" {
					t.Errorf("%s (%s): the whole description is at %q", addr, p.name, more)
				}
				// A cut between paragraphs leaves whole paragraphs.
				if text := evalString(b, `document.querySelector(".leaflet-text")?.innerText.trim() ?? ""`); p.shape != "paragraphs" && !strings.HasSuffix(text, "…") {
					t.Errorf("%s (%s): the description does not end in …: %q", addr, p.name, text[max(0, len(text)-40):])
				}
				if !p.ordinary {
					pdf := printPDF(b)
					if n, err := pdfPages(pdf); err != nil || n != 1 {
						t.Errorf("%s (%s): %d sheets (%v); want one, saved to %s", addr, p.name, n, err,
							b.SaveArtifact("leaflet-"+lang+"-"+size+"-"+p.name+".pdf", pdf))
					}
				}
				// In print, at the sheet's width: the numbers to call and
				// the portal's address are printed, and beside an ordinary
				// programme the stylesheet cuts none of what the leaflet
				// prints. Beside the longest name and every offer, two lines
				// of the description are left, the last fading out.
				printView(b, size)
				b.Navigate(base + addr)
				got := browsertest.RunValue(b, chromedp.Evaluate[[]float64](`(() => {
					const text = document.querySelector(".leaflet-text"), last = document.querySelector(".leaflet-portal");
					if (!text) return [0, 0, 1, 0, 0];
					const line = parseFloat(getComputedStyle(text.querySelector("p")).lineHeight);
					return [text.scrollHeight, text.clientHeight, line, last.getBoundingClientRect().bottom, document.querySelector(".leaflet").getBoundingClientRect().height];
				})()`))
				scroll, client, line, bottom, height := got[0], got[1], got[2], got[3], got[4]
				if p.ordinary && scroll > client+1 {
					t.Errorf("%s (%s): the stylesheet cuts the description (%.0f of %.0f px shown)", addr, p.name, client, scroll)
				}
				if client < 2*line {
					t.Errorf("%s (%s): %.1f lines of the description are shown; want at least two", addr, p.name, client/line)
				}
				if bottom > height+1 {
					t.Errorf("%s (%s): the portal's address ends %.0f px below the leaflet", addr, p.name, bottom-height)
				}
				if client/line < least {
					least, leastAt = client/line, addr+" ("+p.name+")"
				}
			}
		}
	}
	setMedia(b, "")
	t.Logf("the fewest lines of description printed: %.1f, on %s", least, leastAt)
}

// longText returns n characters of text in shape: "sv" long Swedish
// words, "en" English, "ar" Arabic, "th" Thai (written without spaces
// between words), "wide" the widest Latin letters, "paragraphs" one-word
// paragraphs. It ends in a letter, so Validate keeps all n.
func longText(shape string, n int) string {
	unit := map[string]string{
		"sv":         "Rehabiliteringsersättningen arbetsmarknadsutbildningen människohandelsoffrens skyddsboendeplaceringar. ",
		"en":         "Support for adults subjected to human trafficking, whether or not they have reported to the police. ",
		"ar":         "الدعم للبالغين الذين تعرضوا للاتجار بالبشر، سواء أبلغوا الشرطة أم لا، ويشمل السكن الآمن والرعاية. ",
		"th":         "การสนับสนุนสำหรับผู้ใหญ่ที่ตกเป็นเหยื่อการค้ามนุษย์ไม่ว่าจะแจ้งความกับตำรวจหรือไม่ก็ตาม ",
		"wide":       "WWWWWWWW MMMMMMMM ",
		"paragraphs": "Stöd.\n\n",
	}[shape]
	r := []rune(strings.Repeat(unit, n/utf8.RuneCountInString(unit)+2))[:n]
	for i := n - 1; i >= 0 && (unicode.IsSpace(r[i]) || unicode.IsPunct(r[i])); i-- {
		r[i] = 'a'
	}
	return string(r)
}

// printPDF prints the tab as the browser's print command would, on the
// paper size the page asks for.
func printPDF(b *browsertest.Browser) []byte {
	return browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		prefer := true
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	})
}

// pdfPageRE finds each page object of a PDF (/Type /Page, not the page
// tree's /Pages), pdfCountRE the page tree's count. Chromium writes them
// uncompressed; a PDF that hid them in object streams would count no
// pages, and fail, rather than pass unread.
var (
	pdfPageRE  = regexp.MustCompile(`/Type\s*/Page\b`)
	pdfCountRE = regexp.MustCompile(`/Type\s*/Pages\b[^>]*/Count\s+(\d+)`)
)

// pdfPages returns how many pages pdf has, counted by its page objects
// and checked against the page tree's count.
func pdfPages(pdf []byte) (int, error) {
	n := len(pdfPageRE.FindAll(pdf, -1))
	m := pdfCountRE.FindAllSubmatch(pdf, -1)
	if len(m) != 1 {
		return n, fmt.Errorf("%d page trees", len(m))
	}
	if count, _ := strconv.Atoi(string(m[0][1])); count != n {
		return n, fmt.Errorf("%d page objects, but the page tree counts %d", n, count)
	}
	return n, nil
}

// printView makes the tab render in print media at the width of a
// leaflet's printable area on size, so the layout is the printed one.
func printView(b *browsertest.Browser, size string) {
	// The paper's width less the margins of @page leaflet-*, in mm.
	width := 210.0 - 2*15
	if size == "a5" {
		width = 148 - 2*10
	}
	setMedia(b, "print")
	b.Run(func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(width * 96 / 25.4), Height: 1000, DeviceScaleFactor: 1})
		return chromedp.Void{}, err
	})
}
