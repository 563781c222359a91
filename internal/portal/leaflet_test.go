package portal

import (
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/i18n"
)

// TestLeaflets renders every programme's leaflet in every language on
// every paper size (IN-06, IN-09): in the language's direction, the quick
// exit first, with what the programme offers, that the help is free and
// needs no police report (SP-07), the numbers to call now (IN-07) and the
// portal's address, and no form.
func TestLeaflets(t *testing.T) {
	d := &fakeDirectory{programmes: sampleProgrammes()}
	h, srv := newDirectoryServer(t, d)
	htmlRE := regexp.MustCompile(`<html lang="([^"]+)" dir="([^"]+)" class="([^"]+)">`)
	n := 0
	for _, tag := range i18n.Portal().Languages() {
		lang := tag.String()
		pr := i18n.Portal().Printer(tag)
		wantDir := "ltr"
		if lang == "ar" || lang == "fa-AF" {
			wantDir = "rtl"
		}
		progs := get(t, srv, "/"+lang+"/programmes").Body.String()
		for _, p := range d.programmes {
			addr := "/" + lang + "/programmes/" + p.ID + "/leaflet"
			if !strings.Contains(progs, `<a href="`+addr+`">`+template.HTMLEscapeString(pr.T("leaflet.link"))+`</a>`) {
				t.Errorf("/%s/programmes does not link to %s", lang, addr)
			}
			name, _ := programmeText(p.Name, lang)
			for _, size := range LeafletSizes {
				target := addr
				if size != "a4" {
					target += "?size=" + size
				}
				rec := get(t, srv, target)
				body := rec.Body.String()
				if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != cacheDirectory {
					t.Errorf("%s: %d, Cache-Control %q", target, rec.Code, rec.Header().Get("Cache-Control"))
					continue
				}
				n++
				if m := htmlRE.FindStringSubmatch(body); m == nil || m[1] != lang || m[2] != wantDir || m[3] != "leaflet-"+size {
					t.Errorf("%s: <html> %v; want lang %s, dir %s, class leaflet-%s", target, m, lang, wantDir, size)
				}
				_, rest, _ := strings.Cut(body, "<body")
				if f := focusableRE.FindAllString(rest, 1); len(f) != 1 || !strings.Contains(f[0], `class="quick-exit"`) {
					t.Errorf("%s: the first focusable element is %q, not the quick exit", target, f)
				}
				want := []string{
					template.HTMLEscapeString(name) + "</h1>",
					template.HTMLEscapeString(pr.T("leaflet.free")),
					template.HTMLEscapeString(pr.T("leaflet.no_police")),
					`<a class="tel" href="tel:112" dir="ltr">112</a>`,
					`<a class="tel" href="tel:11414" dir="ltr">114 14</a>`,
					`<a class="tel" href="tel:020505050" dir="ltr">020-50 50 50</a>`,
					`<a dir="ltr" href="https://fristad.example/` + lang + `/">https://fristad.example/` + lang + `/</a>`,
					`<title>` + template.HTMLEscapeString(pr.T("leaflet.title", "Name", name)),
					`<a href="` + addr + `?size=a5"`,
				}
				for _, w := range want {
					if !strings.Contains(body, w) {
						t.Errorf("%s lacks %s", target, w)
					}
				}
				if strings.Contains(body, "<form") {
					t.Errorf("%s has a form", target)
				}
			}
		}
	}
	if want := len(i18n.Portal().Languages()) * len(d.programmes) * len(LeafletSizes); n != want {
		t.Errorf("%d leaflets served, want %d", n, want)
	}
	if got, want := len(h.LeafletAddresses()), len(i18n.Portal().Languages())*len(d.programmes); got != want {
		t.Errorf("LeafletAddresses: %d, want %d", got, want)
	}

	// The offers in the code list's order, in the page's language.
	body := get(t, srv, "/ar/programmes/p1/leaflet?size=a5").Body.String()
	// English in an Arabic leaflet says so, and runs left to right.
	for _, w := range []string{`<h1 lang="en" dir="auto">National support programme</h1>`, `<p lang="en" dir="auto">Support starts with rest and goes on with rehabilitation.</p>`} {
		if !strings.Contains(body, w) {
			t.Errorf("/ar/programmes/p1/leaflet lacks %s", w)
		}
	}
	if a, p := strings.Index(body, "<li>سكن آمن</li>"), strings.Index(body, "<li>دعم نفسي</li>"); a < 0 || p < a {
		t.Errorf("/ar/programmes/p1/leaflet: the offers are missing or out of order")
	}

	for _, target := range []string{
		"/sv/programmes/p1/leaflet?size=a3",
		"/sv/programmes/nosuch/leaflet",
		"/SV/programmes/p1/leaflet",
		"/xx/programmes/p1/leaflet",
		"/sv/programmes/p1/leaflet/more",
		"/sv/programmes/p1/p2/leaflet",
	} {
		if rec := get(t, srv, target); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d; want 404", target, rec.Code)
		}
	}

	// The leaflets follow the snapshot: a new name shows, a programme no
	// longer published has none.
	ps := sampleProgrammes()[1:]
	ps[0].Name["sv"] = "Trygg återvändo 2027"
	d.mu.Lock()
	d.programmes = ps
	d.mu.Unlock()
	if err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if body := get(t, srv, "/sv/programmes/p2/leaflet").Body.String(); !strings.Contains(body, "<h1>Trygg återvändo 2027</h1>") {
		t.Error("the leaflet did not follow the refresh")
	}
	if rec := get(t, srv, "/sv/programmes/p1/leaflet"); rec.Code != http.StatusNotFound {
		t.Errorf("the leaflet of a programme no longer published: %d; want 404", rec.Code)
	}
}

// TestCutLeafletText cuts a description to what a leaflet prints (IN-09):
// whole paragraphs while they fit, each taking whole lines and half a
// line after it, then the next one after a word and ended with "…", or
// anywhere in a text without spaces, and nothing of a paragraph that
// would not get a line.
func TestCutLeafletText(t *testing.T) {
	size := leafletTextSize{Chars: 100, Line: 20}
	long := strings.Repeat("ord ", 40)
	for _, tc := range []struct {
		name  string
		paras []string
		want  []string
		cut   bool
	}{
		{"nothing", nil, nil, false},
		{"fits", []string{"Stöd dygnet runt."}, []string{"Stöd dygnet runt."}, false},
		// Two lines and a half, twice: 100 of 100.
		{"two paragraphs fit", []string{strings.Repeat("a", 21), strings.Repeat("b", 40)}, []string{strings.Repeat("a", 21), strings.Repeat("b", 40)}, false},
		{"after a word", []string{long}, []string{strings.TrimSpace(long[:88]) + "…"}, true},
		{"punctuation left out", []string{strings.Repeat("Hjälp, ", 20)}, []string{strings.TrimSuffix(strings.Repeat("Hjälp, ", 12), ", ") + "…"}, true},
		{"no spaces", []string{strings.Repeat("ก", 150)}, []string{strings.Repeat("ก", 89) + "…"}, true},
		// One-word paragraphs take a line and a half each.
		{"short paragraphs", slices.Repeat([]string{"Stöd."}, 10), slices.Repeat([]string{"Stöd."}, 3), true},
		// 60 + 10 taken: 30 left, less half a line, is not a line.
		{"no room for a line", []string{strings.Repeat("a", 50), long}, []string{strings.Repeat("a", 50)}, true},
	} {
		got, cut := cutLeafletText(tc.paras, size)
		if !slices.Equal(got, tc.want) || cut != tc.cut {
			t.Errorf("%s: %q, %v; want %q, %v", tc.name, got, cut, tc.want, tc.cut)
		}
	}

	// Every size's leaflet cuts the longest description, and a leaflet
	// that cuts it says where the whole text is.
	d := &fakeDirectory{programmes: sampleProgrammes()}
	d.programmes[0].Description["en"] = strings.Repeat("Support starts with rest. ", 200)[:fristad.MaxProgrammeDescription]
	_, srv := newDirectoryServer(t, d)
	for _, target := range []string{"/en/programmes/p1/leaflet", "/en/programmes/p1/leaflet?size=a5"} {
		body := get(t, srv, target).Body.String()
		if !strings.Contains(body, `<p class="leaflet-more">Read the whole description on the portal: <a dir="ltr" href="https://fristad.example/en/programmes">https://fristad.example/en/programmes</a></p>`) ||
			!strings.Contains(body, "…</p>") || strings.Count(body, "Support starts") > leafletText["a4"].Chars/20 {
			t.Errorf("%s does not cut the description, or does not say where it is whole", target)
		}
	}
	if body := get(t, srv, "/en/programmes/p2/leaflet?size=a5").Body.String(); strings.Contains(body, "leaflet-more") {
		t.Error("a leaflet says where the whole description is, but prints it whole")
	}
}
