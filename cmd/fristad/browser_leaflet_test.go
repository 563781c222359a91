package main

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fristad/internal/browsertest"
	"fristad/internal/sqlstore"

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
