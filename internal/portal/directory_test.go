package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad"
)

// fakeDirectory stands for the store's public directory.
type fakeDirectory struct {
	mu         sync.Mutex
	listings   []fristad.Listing
	programmes []fristad.PublicProgramme
	err        error
	days       []string
}

func (d *fakeDirectory) PublicListings(ctx context.Context, day string) ([]fristad.Listing, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.days = append(d.days, day)
	return d.listings, d.err
}

func (d *fakeDirectory) PublicProgrammes(ctx context.Context, day string) ([]fristad.PublicProgramme, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.programmes, d.err
}

func (d *fakeDirectory) set(ls []fristad.Listing, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.listings, d.err = ls, err
}

var updated = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// threeListings is a small directory: a women's shelter, a men's
// shelter and a language school.
func threeListings() []fristad.Listing {
	return []fristad.Listing{
		{ID: "org1", Name: "Kvinnojouren Fiktiva", Description: "Stöd dygnet runt.", Phone: "010-000 00 01", Services: []string{"accommodation", "psychological"},
			Languages: []string{"sv", "ro"}, Regions: []string{"Demolän"}, Women: true, Children: true, Accessible: true, UpdatedAt: updated},
		{ID: "org2", Name: "Mansjouren Påhittad", Phone: "+46 10 000 00 02", Services: []string{"accommodation"},
			Languages: []string{"sv", "th"}, Regions: []string{"Grannlän"}, Men: true, UpdatedAt: updated},
		{ID: "org3", Name: "Språkskolan Exempel", Description: "Svenska för nybörjare.", Services: []string{"swedish_tuition", "validation"},
			Languages: []string{"ar", "sv"}, Regions: []string{"Demolän", "Grannlän"}, Women: true, Men: true, UpdatedAt: updated},
	}
}

// manyListings is n providers with descriptions as long as allowed, of
// words in no order (they compress as badly as real text), and many
// codes, to weigh a full directory page.
func manyListings(n int) []fristad.Listing {
	words := strings.Fields("stöd boende samtal jour kvinnor män barn språk tolk juridik vård skola arbete praktik skulder trygghet " +
		"dygnet runt telefon möte familj rättigheter hjälp kurs validering coachning bostad samordnare region kommun förening")
	seed := uint32(7)
	var ls []fristad.Listing
	for i := range n {
		var d strings.Builder
		for d.Len() < fristad.MaxPublicDescription-20 {
			seed = seed*1664525 + 1013904223
			d.WriteString(words[seed>>8%uint32(len(words))] + " ")
		}
		ls = append(ls, fristad.Listing{
			ID: fmt.Sprintf("org%03d", i), Name: fmt.Sprintf("Stödverksamheten nummer %d i Exempellän", i),
			Description: strings.TrimSpace(d.String()),
			Phone:       fmt.Sprintf("010-%03d 00 %02d", i, i%100),
			Services:    fristad.InterventionTypes[i%9 : i%9+5],
			Languages:   []string{"sv", "en", "ar", "ro", "th", "uk"}[i%3 : i%3+4],
			Regions:     []string{fmt.Sprintf("Region %d", i%7), "Exempellän"},
			Women:       true, Men: i%2 == 0, Children: i%3 == 0, Accessible: i%2 == 1, UpdatedAt: updated,
		})
	}
	return ls
}

func newDirectoryServer(t *testing.T, d *fakeDirectory) (*Handler, http.Handler) {
	t.Helper()
	h, _ := mustNew(t, Config{Directory: DirectoryOf(d), Now: func() time.Time { return updated }})
	mux := http.NewServeMux()
	h.Register(mux)
	return h, withPolicy(mux)
}

// names returns the providers a directory page lists.
func names(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<h3 dir="auto">([^<]+)</h3>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestDirectoryFilters(t *testing.T) {
	d := &fakeDirectory{listings: threeListings()}
	_, srv := newDirectoryServer(t, d)
	if len(d.days) != 1 || d.days[0] != "2026-05-04" {
		t.Errorf("asked for the listings on %v; want once, on the clock's day", d.days)
	}
	for _, tc := range []struct {
		target string
		want   string // the providers listed, by their first word
	}{
		{"/en/services", "Kvinnojouren Mansjouren Språkskolan"},
		{"/en/services?region=Demol%C3%A4n", "Kvinnojouren Språkskolan"},
		{"/en/services?language=th", "Mansjouren"},
		{"/en/services?group=men", "Mansjouren Språkskolan"},
		{"/en/services?group=children", "Kvinnojouren"},
		{"/en/services?group=women&service=accommodation", "Kvinnojouren"},
		{"/en/services?service=validation&region=Grannl%C3%A4n", "Språkskolan"},
		{"/en/services?region=&language=&group=&service=", "Kvinnojouren Mansjouren Språkskolan"},
		{"/en/services?region=Nowhere", ""},
		{"/en/services?group=pets", ""},
	} {
		t.Run(tc.target, func(t *testing.T) {
			rec := get(t, srv, tc.target)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			var got []string
			for _, n := range names(body) {
				first, _, _ := strings.Cut(n, " ")
				got = append(got, first)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("listed %v; want %q", got, tc.want)
			}
			if !strings.Contains(body, fmt.Sprintf("Organisations found: %d", len(got))) {
				t.Errorf("the page does not say how many were found")
			}
			if rec.Header().Get("Cache-Control") != cacheDirectory || len(rec.Header().Values("Set-Cookie")) > 0 {
				t.Errorf("Cache-Control %q, cookies %v", rec.Header().Get("Cache-Control"), rec.Header().Values("Set-Cookie"))
			}
		})
	}

	// The form keeps what was chosen, in the page's language.
	body := get(t, srv, "/sv/services?group=men&service=accommodation").Body.String()
	for _, want := range []string{`<option value="men" selected>Män</option>`, `<option value="accommodation" selected>Skyddat boende</option>`,
		`<form method="get" action="/sv/services"`, `<option value="th" lang="th">ไทย</option>`, `<a class="tel" href="tel:&#43;46100000002" dir="ltr">&#43;46 10 000 00 02</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the Swedish page lacks %s", want)
		}
	}
	// Arabic: right to left, with the names of services in Arabic.
	body = get(t, srv, "/ar/services?service=swedish_tuition").Body.String()
	if !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "دروس اللغة السويدية") {
		t.Errorf("the Arabic page is not right to left or not in Arabic")
	}

	for _, tc := range []struct {
		target string
		status int
	}{
		{"/en/services?page=0", http.StatusBadRequest},
		{"/en/services?page=x", http.StatusBadRequest},
		{"/en/services?page=2", http.StatusNotFound},
		{"/xx/services", http.StatusNotFound},
		{"/EN/services", http.StatusNotFound},
		{"/en/services?region=" + strings.Repeat("a", 200), http.StatusBadRequest},
	} {
		if rec := get(t, srv, tc.target); rec.Code != tc.status {
			t.Errorf("GET %s: %d; want %d", tc.target, rec.Code, tc.status)
		}
	}
}

// TestDirectoryCache checks that filtered pages are kept for the
// choices the form offers, and only for those.
func TestDirectoryCache(t *testing.T) {
	h, srv := newDirectoryServer(t, &fakeDirectory{listings: threeListings()})
	for _, target := range []string{"/en/services?group=men", "/sv/services?group=men", "/en/services?region=Nowhere", "/en/services?group=men&service=juggling", "/en/services?group=men"} {
		if rec := get(t, srv, target); rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", target, rec.Code)
		}
	}
	s := h.dir.Load()
	if len(s.filtered) != 2 || s.filtered["en?group=men"] == nil || s.filtered["sv?group=men"] == nil {
		t.Errorf("kept %d filtered pages: %v; want the two offered ones", len(s.filtered), s.filtered)
	}
}

func TestDirectoryPaging(t *testing.T) {
	d := &fakeDirectory{listings: manyListings(2*directoryPageSize + 3)}
	_, srv := newDirectoryServer(t, d)
	seen := map[string]bool{}
	next := "/en/services?group=women"
	for page := 1; next != ""; page++ {
		body := get(t, srv, next).Body.String()
		ns := names(body)
		if want := min(directoryPageSize, 2*directoryPageSize+3-(page-1)*directoryPageSize); len(ns) != want {
			t.Errorf("page %d lists %d; want %d", page, len(ns), want)
		}
		for _, n := range ns {
			if seen[n] {
				t.Errorf("%s on two pages", n)
			}
			seen[n] = true
		}
		if !strings.Contains(body, fmt.Sprintf("Page %d of 3", page)) {
			t.Errorf("page %d does not say which it is", page)
		}
		m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
		next = ""
		if m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(next, "group=women") {
				t.Errorf("the next page loses the filter: %s", next)
			}
		}
	}
	if len(seen) != 2*directoryPageSize+3 {
		t.Errorf("%d providers over all pages; want %d", len(seen), 2*directoryPageSize+3)
	}
}

func TestDirectoryRefresh(t *testing.T) {
	d := &fakeDirectory{listings: threeListings()}
	h, srv := newDirectoryServer(t, d)
	first := h.dir.Load()
	if err := h.Refresh(t.Context()); err != nil || h.dir.Load() != first {
		t.Errorf("refresh with the same listings: %v, snapshot replaced %v; want it kept, nothing rendered again", err, h.dir.Load() != first)
	}
	etag := get(t, srv, "/en/services").Header().Get("ETag")

	// A coordinator lists one more.
	more := append(threeListings(), fristad.Listing{ID: "org4", Name: "Barnahuset Exempel", Services: []string{"child_education"}, Children: true, UpdatedAt: updated})
	d.set(more, nil)
	if err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	rec := get(t, srv, "/en/services")
	if got := names(rec.Body.String()); len(got) != 4 || rec.Header().Get("ETag") == etag {
		t.Errorf("after the change: %v, ETag %s (was %s)", got, rec.Header().Get("ETag"), etag)
	}

	// The database fails: the last snapshot stays.
	d.set(nil, errors.New("connection refused"))
	if err := h.Refresh(t.Context()); err == nil {
		t.Error("a failed refresh reports no error")
	}
	if got := names(get(t, srv, "/en/services").Body.String()); len(got) != 4 {
		t.Errorf("after a failed refresh: %v; want the last four", got)
	}

	// Run refreshes on its own until stopped.
	d.set(threeListings()[:1], nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { h.Run(ctx, time.Millisecond); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(names(get(t, srv, "/en/services").Body.String())) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("Run did not refresh the directory")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
}

// TestDirectoryWithoutStore checks that the portal starts, and lists
// nothing, when the directory cannot be read.
func TestDirectoryWithoutStore(t *testing.T) {
	_, srv := newDirectoryServer(t, &fakeDirectory{err: errors.New("no database")})
	rec := get(t, srv, "/sv/services")
	if rec.Code != http.StatusOK || len(names(rec.Body.String())) != 0 || !strings.Contains(rec.Body.String(), "Ingen verksamhet passar") {
		t.Errorf("status %d", rec.Code)
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// getJSON fetches target and decodes its JSON body.
func getJSON(t *testing.T, srv http.Handler, target string, status int) map[string]any {
	t.Helper()
	rec := get(t, srv, target)
	if rec.Code != status {
		t.Fatalf("GET %s: %d; want %d: %s", target, rec.Code, status, rec.Body)
	}
	h := rec.Header()
	if h.Get("Content-Type") != "application/json" || h.Get("Access-Control-Allow-Origin") != "*" || len(h.Values("Set-Cookie")) > 0 {
		t.Errorf("GET %s: Content-Type %q, CORS %q, cookies %v", target, h.Get("Content-Type"), h.Get("Access-Control-Allow-Origin"), h.Values("Set-Cookie"))
	}
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return v
}

// requireFields checks that object v has the fields HSDS 3.0 requires,
// with ids that are UUIDs, and so on down its arrays.
func requireFields(t *testing.T, what string, v any, fields ...string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, not an object", what, v)
	}
	for _, f := range fields {
		s, ok := m[f].(string)
		if !ok {
			t.Errorf("%s lacks %s (a string): %v", what, f, m)
		}
		if strings.HasSuffix(f, "id") && !uuidRE.MatchString(s) {
			t.Errorf("%s.%s = %q, not a version 5 UUID", what, f, s)
		}
	}
}

func TestHSDS(t *testing.T) {
	d := &fakeDirectory{listings: threeListings()}
	_, srv := newDirectoryServer(t, d)

	meta := getJSON(t, srv, "/hsds/", http.StatusOK)
	if meta["version"] != "3.0" {
		t.Errorf("/hsds/: %v", meta)
	}

	page := getJSON(t, srv, "/hsds/services", http.StatusOK)
	for k, want := range map[string]any{"total_items": 5.0, "total_pages": 1.0, "page_number": 1.0, "size": 5.0, "first_page": true, "last_page": true, "empty": false} {
		if page[k] != want {
			t.Errorf("/hsds/services %s = %v; want %v", k, page[k], want)
		}
	}
	services, _ := page["contents"].([]any)
	if len(services) != 5 {
		t.Fatalf("%d services; want 5 (2 + 1 + 2)", len(services))
	}
	ids := map[string]bool{}
	for i, s := range services {
		what := fmt.Sprintf("service %d", i)
		requireFields(t, what, s, "id", "name", "status", "organization_id")
		m := s.(map[string]any)
		if m["status"] != "active" {
			t.Errorf("%s status %v", what, m["status"])
		}
		if _, err := time.Parse(time.RFC3339, m["last_modified"].(string)); err != nil {
			t.Errorf("%s last_modified: %v", what, err)
		}
		requireFields(t, what+".organization", m["organization"], "id", "name", "description")
		for _, kind := range []struct {
			key    string
			fields []string
		}{{"phones", []string{"id", "number", "service_id"}}, {"languages", []string{"id", "code", "service_id"}}, {"service_areas", []string{"id", "name", "service_id"}}} {
			for j, x := range m[kind.key].([]any) {
				requireFields(t, fmt.Sprintf("%s.%s[%d]", what, kind.key, j), x, kind.fields...)
			}
		}
		id := m["id"].(string)
		if ids[id] {
			t.Errorf("service id %s twice", id)
		}
		ids[id] = true
		one := getJSON(t, srv, "/hsds/services/"+id, http.StatusOK)
		if one["id"] != id || one["name"] != m["name"] {
			t.Errorf("/hsds/services/%s = %v", id, one)
		}
	}
	first := services[0].(map[string]any)
	if first["name"] != "Safe accommodation" || first["description"] != "Stöd dygnet runt." ||
		first["eligibility_description"] != "For: Women, Children. Accessible premises" {
		t.Errorf("the first service: %v", first)
	}

	// Ids stay the same in another snapshot.
	d.set(append(threeListings(), fristad.Listing{ID: "org0", Name: "Ny", Services: []string{"medical"}, UpdatedAt: updated}), nil)
	h2, srv2 := newDirectoryServer(t, d)
	_ = h2
	if got := getJSON(t, srv2, "/hsds/services/"+first["id"].(string), http.StatusOK); got["name"] != "Safe accommodation" {
		t.Errorf("the id changed with the snapshot: %v", got)
	}

	orgs := getJSON(t, srv, "/hsds/organizations?per_page=2", http.StatusOK)
	if orgs["total_items"] != 3.0 || orgs["total_pages"] != 2.0 || orgs["size"] != 2.0 || orgs["last_page"] != false {
		t.Errorf("organizations page 1: %v", orgs)
	}
	for _, o := range orgs["contents"].([]any) {
		requireFields(t, "organization", o, "id", "name", "description")
		id := o.(map[string]any)["id"].(string)
		if got := getJSON(t, srv, "/hsds/organizations/"+id, http.StatusOK); got["name"] != o.(map[string]any)["name"] {
			t.Errorf("/hsds/organizations/%s = %v", id, got)
		}
	}
	last := getJSON(t, srv, "/hsds/organizations?per_page=2&page=2", http.StatusOK)
	if last["size"] != 1.0 || last["first_page"] != false || last["last_page"] != true || last["page_number"] != 2.0 {
		t.Errorf("organizations page 2: %v", last)
	}
	past := getJSON(t, srv, "/hsds/organizations?page=9", http.StatusOK)
	if past["empty"] != true || len(past["contents"].([]any)) != 0 {
		t.Errorf("a page past the end: %v", past)
	}

	// No locations are published (a shelter's address is secret), so no
	// service is at any: an empty list, paged like the others.
	for target, want := range map[string]map[string]any{
		"/hsds/service_at_locations": {"total_items": 0.0, "total_pages": 1.0, "page_number": 1.0, "size": 0.0,
			"first_page": true, "last_page": true, "empty": true},
		"/hsds/service_at_locations?page=3&per_page=10": {"total_items": 0.0, "total_pages": 1.0, "page_number": 3.0, "size": 0.0,
			"first_page": false, "last_page": true, "empty": true},
	} {
		got := getJSON(t, srv, target, http.StatusOK)
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s %s = %v; want %v", target, k, got[k], w)
			}
		}
		if c, ok := got["contents"].([]any); !ok || len(c) != 0 {
			t.Errorf("%s contents = %v; want []", target, got["contents"])
		}
	}

	for _, tc := range []struct {
		target string
		status int
		code   string
	}{
		{"/hsds/services/" + hsdsID("service", "org9", "medical"), http.StatusNotFound, "not_found"},
		{"/hsds/service_at_locations/" + first["id"].(string), http.StatusNotFound, "not_found"},
		{"/hsds/service_at_locations?per_page=0", http.StatusBadRequest, "invalid_per_page"},
		{"/hsds/organizations/org1", http.StatusNotFound, "not_found"},
		{"/hsds/taxonomies", http.StatusNotFound, "not_found"},
		{"/hsds/services?page=0", http.StatusBadRequest, "invalid_page"},
		{"/hsds/services?page=one", http.StatusBadRequest, "invalid_page"},
		{"/hsds/organizations?per_page=0", http.StatusBadRequest, "invalid_per_page"},
		{"/hsds/services?per_page=100000", http.StatusBadRequest, "invalid_per_page"},
	} {
		if got := getJSON(t, srv, tc.target, tc.status); got["code"] != tc.code || got["message"] == "" {
			t.Errorf("GET %s = %v; want code %s", tc.target, got, tc.code)
		}
	}
}

func TestHSDSID(t *testing.T) {
	a, b := hsdsID("service", "org1", "medical"), hsdsID("service", "org1", "medical")
	if a != b || !uuidRE.MatchString(a) || hsdsID("service", "org1", "legal_help") == a || hsdsID("service", "org1m", "edical") == a {
		t.Errorf("hsdsID: %s %s", a, b)
	}
}

// BenchmarkDirectory measures a directory page as served: the unfiltered
// one rendered ahead of time, a filtered one kept from an earlier
// request, and one rendered for the request (a value the form does not
// offer), each gzipped.
func BenchmarkDirectory(b *testing.B) {
	h, _ := mustNew(b, Config{Directory: DirectoryOf(&fakeDirectory{listings: manyListings(60)}), Now: func() time.Time { return updated }})
	mux := http.NewServeMux()
	h.Register(mux)
	for _, target := range []string{"/sv/services", "/sv/services?group=men", "/sv/services?group=men&region=Nowhere"} {
		b.Run(target, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			for b.Loop() {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// sampleProgrammes are two programmes as the designer publishes them,
// named and described in Swedish and English.
func sampleProgrammes() []fristad.PublicProgramme {
	return []fristad.PublicProgramme{
		{ID: "p1", Name: map[string]string{"sv": "Nationellt stödprogram", "en": "National support programme"},
			Description: map[string]string{
				"sv": "Stöd till vuxna som utsatts för människohandel, oavsett om de gjort en polisanmälan.\n\nStödet börjar med vila och fortsätter med rehabilitering.",
				"en": "Support for adults subjected to human trafficking, whether or not they have reported to the police.\n\nSupport starts with rest and goes on with rehabilitation."},
			TargetGroup: "adults", Types: []string{"psychological", "accommodation", "swedish_tuition"},
			Phases: []fristad.Phase{{Code: "initial_rest", MaxDays: 30}, {Code: "rehabilitation", MaxDays: 90, Renewals: 3}, {Code: "move_on", MaxDays: 45}}},
		{ID: "p2", Name: map[string]string{"sv": "Trygg återvändo", "en": "Safe return"},
			Description: map[string]string{"sv": "Stöd inför och efter återresan.", "en": "Support before and after the journey home."},
			TargetGroup: "returning", Types: []string{"legal_help"},
			Phases: []fristad.Phase{{Code: "return_preparation", MaxDays: 60}, {Code: "follow_up", MaxDays: 365}}},
	}
}

func TestProgrammesPage(t *testing.T) {
	d := &fakeDirectory{programmes: sampleProgrammes()}
	h, srv := newDirectoryServer(t, d)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{`<h2>Nationellt stödprogram</h2>`, `<p>Stödet börjar med vila och fortsätter med rehabilitering.</p>`,
			`<li>Rehabilitering: längsta tid i dagar: 90; antal förlängningar: 3</li>`, `<li>Vila och återhämtning: längsta tid i dagar: 30</li>`,
			`<dd>Personer som återvänder till sitt land</dd>`, `<a href="/sv/services?service=accommodation">Skyddat boende</a>`}},
		{"sv-x-easy", []string{`<h2 lang="sv" dir="auto">Nationellt stödprogram</h2>`}}, // plain Swedish, marked so
		{"en", []string{`<h2>Safe return</h2>`}},
		// English in an Arabic page runs left to right.
		{"ar", []string{`<h2 lang="en" dir="auto">National support programme</h2>`, `<p lang="en" dir="auto">Support before and after the journey home.</p>`,
			`<a href="/ar/services?service=legal_help">مساعدة قانونية</a>`, `<li>المتابعة: أطول مدة بالأيام: 365</li>`}},
	} {
		rec := get(t, srv, "/"+tc.lang+"/programmes")
		body := rec.Body.String()
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != cacheDirectory {
			t.Errorf("/%s/programmes: %d, Cache-Control %q", tc.lang, rec.Code, rec.Header().Get("Cache-Control"))
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("/%s/programmes lacks %s", tc.lang, w)
			}
		}
	}
	// The help is listed in the order of the code list, whatever the
	// designer's order.
	body := get(t, srv, "/en/programmes").Body.String()
	if a, p := strings.Index(body, "?service=accommodation"), strings.Index(body, "?service=psychological"); a < 0 || p < a {
		t.Errorf("the help is not in the code list's order")
	}

	// A new version is picked up by the next refresh; none at all says so.
	ps := sampleProgrammes()
	ps[1].Name["sv"] = "Trygg återvändo 2027"
	d.mu.Lock()
	d.programmes = ps
	d.mu.Unlock()
	if err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if body := get(t, srv, "/sv/programmes").Body.String(); !strings.Contains(body, "Trygg återvändo 2027") {
		t.Error("the programmes page did not follow the refresh")
	}
	d.mu.Lock()
	d.programmes = nil
	d.mu.Unlock()
	if err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if body := get(t, srv, "/sv/programmes").Body.String(); !strings.Contains(body, "Inget program är publicerat just nu.") {
		t.Error("no programmes: the page does not say so")
	}
	if rec := get(t, srv, "/SV/programmes"); rec.Code != http.StatusNotFound {
		t.Errorf("/SV/programmes: %d; want 404", rec.Code)
	}
}
