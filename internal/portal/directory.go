package portal

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fristad"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// The public service directory (IN-01, IN-02, SP-06): the providers a
// coordinator listed, while their certification holds, with filters by
// region, language, target group and service.
//
// The portal holds the directory as a snapshot taken from
// fristad.PublicDirectory when it starts and then every so often (Run).
// A snapshot whose listings did not change is thrown away, so the pages
// are rendered again only when a coordinator changed something or a
// certification ran out. A failed refresh keeps the last good snapshot.
//
// The unfiltered directory is rendered ahead of time in every language,
// like the other pages. A filtered one is rendered when first asked for
// and then kept until the next snapshot: the filters take only the
// values the snapshot offers, so there are few of them.

// DirectoryPath is the directory's address under a language: /sv/services.
const DirectoryPath = "services"

// directoryPageSize is how many providers one directory page lists. It
// keeps a page within the weight budget whatever the registry holds.
const directoryPageSize = 20

// maxFilteredPages bounds the filtered pages kept per snapshot.
const maxFilteredPages = 2000

// cacheDirectory lets the directory be kept a minute, the time a
// coordinator's change takes to show anyway.
const cacheDirectory = "public, max-age=60"

// TargetGroups are the target groups the directory filters by.
var TargetGroups = []string{"women", "men", "children"}

// snapshot is the directory at one moment, ready to serve.
type snapshot struct {
	version  [32]byte
	listings []fristad.Listing
	// The values the filters offer: those that some listing has.
	regions, languages, services []string
	pages                        map[language.Tag]*response // the first, unfiltered page per language
	hsds                         *hsdsData
	programmes                   []fristad.PublicProgramme
	programmePages               map[language.Tag]*response
	leaflets                     map[string]*response // by address and size (leafletKey)

	mu       sync.Mutex
	filtered map[string]*response // by language and query
}

// offers reports whether every value of f is one the form offers.
func (s *snapshot) offers(f DirectoryFilter) bool {
	ok := func(v string, list []string) bool { return v == "" || slices.Contains(list, v) }
	return ok(f.Region, s.regions) && ok(f.Language, s.languages) && ok(f.Group, TargetGroups) && ok(f.Service, s.services)
}

// DirectoryFilter is what the visitor chose in the directory's form.
// An empty field means any.
type DirectoryFilter struct {
	Region, Language, Group, Service string
	Page                             int // from 1
}

// parseFilter reads a filter from a query. Values the snapshot does not
// offer are kept, and then simply match nothing; a page that is not a
// number from 1 up is EINVALID.
func parseFilter(q url.Values) (DirectoryFilter, error) {
	f := DirectoryFilter{Region: q.Get("region"), Language: q.Get("language"), Group: q.Get("group"), Service: q.Get("service"), Page: 1}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return f, fristad.Errorf(fristad.EINVALID, "page must be a number from 1 up")
		}
		f.Page = n
	}
	for _, v := range []string{f.Region, f.Language, f.Group, f.Service} {
		if len(v) > fristad.MaxRegion || !fristad.IsCleanText(v) {
			return f, fristad.Errorf(fristad.EINVALID, "a filter value is too long")
		}
	}
	return f, nil
}

// query returns the filter as a query string for page, "" for the
// unfiltered first page.
func (f DirectoryFilter) query(page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"region": f.Region, "language": f.Language, "group": f.Group, "service": f.Service} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// matches reports whether l passes the filter.
func (f DirectoryFilter) matches(l *fristad.Listing) bool {
	if f.Region != "" && !slices.Contains(l.Regions, f.Region) {
		return false
	}
	if f.Language != "" && !slices.Contains(l.Languages, f.Language) {
		return false
	}
	if f.Service != "" && !slices.Contains(l.Services, f.Service) {
		return false
	}
	switch f.Group {
	case "":
	case "women":
		return l.Women
	case "men":
		return l.Men
	case "children":
		return l.Children
	default:
		return false
	}
	return true
}

// DirectoryPage is the directory in one language, filtered.
type DirectoryPage struct {
	Page
	Action    string // the form's address
	Regions   []Option
	Languages []Option
	Groups    []Option
	Services  []Option
	Total     int
	Listings  []ListingView
	Number    int // this page's number, from 1
	Pages     int
	Prev      string // the previous page's address, or ""
	Next      string
}

// Option is a choice of a filter.
type Option struct {
	Value, Label string
	Lang         string // the label's language, when it is not the page's
	Selected     bool
}

// ListingView is a provider as a directory page shows it.
type ListingView struct {
	Name        string
	Description string
	Phone       string
	Tel         string // digits, for the tel: link
	Services    []string
	Languages   []Option
	Regions     []string
	Groups      []string
	Accessible  bool
}

// languageName names a language in itself, "română" for ro, so that
// whoever reads it finds her own.
func languageName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := display.Self.Name(tag); name != "" {
		return name
	}
	return code
}

// Refresh reads the published content and the directory again, and
// renders the pages of whichever changed. On failure the pages served
// stay as they were.
func (h *Handler) Refresh(ctx context.Context) error {
	var errs []error
	if h.cfg.Content != nil {
		if err := h.readEdition(ctx); err != nil {
			errs = append(errs, fmt.Errorf("portal: content: %w", err))
		}
	}
	if h.cfg.Directory != nil {
		if err := h.refreshDirectory(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (h *Handler) refreshDirectory(ctx context.Context) error {
	day := h.now().Format(time.DateOnly)
	ls, err := h.cfg.Directory.PublicListings(ctx, day)
	if err != nil {
		return fmt.Errorf("portal: directory: %w", err)
	}
	ps, err := h.cfg.Directory.PublicProgrammes(ctx, day)
	if err != nil {
		return fmt.Errorf("portal: programmes: %w", err)
	}
	h.rendering.Lock()
	changed, err := h.setDirectory(ls, ps, false)
	h.rendering.Unlock()
	if changed {
		slog.InfoContext(ctx, "portal: directory updated", "listings", len(ls), "programmes", len(ps))
	}
	return err
}

// Run refreshes the content and the directory every interval until ctx
// ends. A failure is logged, without the data, and the last pages are
// served on.
func (h *Handler) Run(ctx context.Context, every time.Duration) {
	if h.cfg.Directory == nil && h.cfg.Content == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A database that does not answer must not hold the rendering
			// lock, which publishing waits for, past the next refresh.
			rctx, cancel := context.WithTimeout(ctx, every)
			if err := h.Refresh(rctx); err != nil && ctx.Err() == nil {
				slog.WarnContext(ctx, "portal: refresh failed; serving the last pages", "err", err)
			}
			cancel()
		}
	}
}

// setDirectory makes ls and ps the directory and the programmes, unless
// they are the ones served, and reports whether it did. With again it
// renders them even so, for new content around them.
func (h *Handler) setDirectory(ls []fristad.Listing, ps []fristad.PublicProgramme, again bool) (bool, error) {
	b, err := json.Marshal(struct {
		L []fristad.Listing
		P []fristad.PublicProgramme
	}{ls, ps})
	if err != nil {
		return false, err
	}
	v := sha256.Sum256(b)
	if old := h.dir.Load(); old != nil && old.version == v && !again {
		return false, nil
	}
	s := &snapshot{version: v, listings: ls, programmes: ps, pages: map[language.Tag]*response{},
		programmePages: map[language.Tag]*response{}, leaflets: map[string]*response{}, filtered: map[string]*response{}}
	for _, l := range ls {
		for _, r := range l.Regions {
			if !slices.Contains(s.regions, r) {
				s.regions = append(s.regions, r)
			}
		}
		for _, c := range l.Languages {
			if !slices.Contains(s.languages, c) {
				s.languages = append(s.languages, c)
			}
		}
	}
	for _, code := range fristad.InterventionTypes {
		for _, l := range ls {
			if slices.Contains(l.Services, code) {
				s.services = append(s.services, code)
				break
			}
		}
	}
	slices.Sort(s.regions)
	slices.SortFunc(s.languages, func(a, b string) int { return strings.Compare(languageName(a), languageName(b)) })
	for _, tag := range h.catalog.Languages() {
		res, err := h.renderDirectory(s, tag, DirectoryFilter{Page: 1})
		if err != nil {
			return false, err
		}
		s.pages[tag] = res
		if s.programmePages[tag], err = h.renderProgrammes(s, tag); err != nil {
			return false, err
		}
		if err := h.renderLeaflets(s, tag); err != nil {
			return false, err
		}
	}
	s.hsds = newHSDSData(ls, h.catalog.Printer(language.English))
	h.dir.Store(s)
	return true, nil
}

// renderDirectory renders the directory page f of snapshot s in tag.
// It returns nil when the page is past the last.
func (h *Handler) renderDirectory(s *snapshot, tag language.Tag, f DirectoryFilter) (*response, error) {
	lang := tag.String()
	action := pageHref(lang, DirectoryPath)
	page := h.newPage(h.content(), fakeRequest(action), tag, &PageInfo{Path: DirectoryPath})
	page.Title = page.T("directory.title")
	for i := range page.Nav {
		page.Nav[i].Current = page.Nav[i].Href == action
	}
	dp := &DirectoryPage{Page: page, Action: action}
	pr := page.Printer()
	for _, r := range s.regions {
		dp.Regions = append(dp.Regions, Option{Value: r, Label: r, Selected: r == f.Region})
	}
	for _, c := range s.languages {
		dp.Languages = append(dp.Languages, Option{Value: c, Label: languageName(c), Lang: c, Selected: c == f.Language})
	}
	for _, g := range TargetGroups {
		dp.Groups = append(dp.Groups, Option{Value: g, Label: pr.T("group." + g), Selected: g == f.Group})
	}
	for _, c := range s.services {
		dp.Services = append(dp.Services, Option{Value: c, Label: pr.T("service." + c), Selected: c == f.Service})
	}
	var hits []*fristad.Listing
	for i := range s.listings {
		if f.matches(&s.listings[i]) {
			hits = append(hits, &s.listings[i])
		}
	}
	dp.Total, dp.Number = len(hits), f.Page
	dp.Pages = max(1, (len(hits)+directoryPageSize-1)/directoryPageSize)
	if f.Page > dp.Pages {
		return nil, nil
	}
	if f.Page > 1 {
		dp.Prev = action + f.query(f.Page-1)
	}
	if f.Page < dp.Pages {
		dp.Next = action + f.query(f.Page+1)
	}
	for _, l := range hits[(f.Page-1)*directoryPageSize : min(len(hits), f.Page*directoryPageSize)] {
		v := ListingView{Name: l.Name, Description: l.Description, Phone: l.Phone, Tel: telDigits(l.Phone), Regions: l.Regions, Accessible: l.Accessible}
		for _, c := range l.Services {
			v.Services = append(v.Services, pr.T("service."+c))
		}
		for _, c := range l.Languages {
			v.Languages = append(v.Languages, Option{Value: c, Label: languageName(c), Lang: c})
		}
		for _, g := range TargetGroups {
			if (g == "women" && l.Women) || (g == "men" && l.Men) || (g == "children" && l.Children) {
				v.Groups = append(v.Groups, pr.T("group."+g))
			}
		}
		dp.Listings = append(dp.Listings, v)
	}
	var buf strings.Builder
	if err := h.dirTemplate.ExecuteTemplate(&buf, "layout", dp); err != nil {
		return nil, fmt.Errorf("portal: %s: %w", action, err)
	}
	return newResponse([]byte(buf.String()), cacheDirectory), nil
}

// telDigits returns the digits of a phone number, with a leading +, for
// a tel: link.
func telDigits(s string) string {
	var b strings.Builder
	for i, c := range s {
		if (c >= '0' && c <= '9') || (c == '+' && i == 0) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// handleDirectory serves the directory in a language, filtered by the
// query. It needs no JavaScript: the filters are a GET form.
func (h *Handler) handleDirectory(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok || tag.String() != r.PathValue("lang") {
		return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
	}
	s := h.dir.Load()
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	q := f.query(f.Page)
	if q == "" {
		s.pages[tag].ServeHTTP(w, r)
		return nil
	}
	key := tag.String() + q
	s.mu.Lock()
	res, ok := s.filtered[key]
	s.mu.Unlock()
	if !ok {
		if res, err = h.renderDirectory(s, tag, f); err != nil {
			return err
		}
		// Only choices the form offers are kept, so that made-up values
		// cannot fill the memory.
		if s.offers(f) {
			s.mu.Lock()
			if len(s.filtered) < maxFilteredPages {
				s.filtered[key] = res
			}
			s.mu.Unlock()
		}
	}
	if res == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "no such page of the directory")
	}
	res.ServeHTTP(w, r)
	return nil
}

// cloneTemplate clones a page template once, for rendering while
// requests are served.
func (h *Handler) cloneTemplate(name string) (*template.Template, error) {
	orig := h.engine.Template(name)
	if orig == nil {
		return nil, fmt.Errorf("portal: no template %q", name)
	}
	return orig.Clone()
}

// handleProgrammes serves the programmes page of a language.
func (h *Handler) handleProgrammes(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok || tag.String() != r.PathValue("lang") {
		return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
	}
	h.dir.Load().programmePages[tag].ServeHTTP(w, r)
	return nil
}
