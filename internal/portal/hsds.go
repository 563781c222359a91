package portal

import (
	"crypto/sha1"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fristad"
	"fristad/internal/i18n"
)

// The service directory as an Open Referral HSDS 3.0 API, read-only, on
// the public listener under /hsds/: the same listings as the directory
// pages, for other services and apps that refer people onward. Every
// provider is an HSDS organization, and each of its services an HSDS
// service. Nothing else is published: no locations (a shelter's address
// must never appear), no contacts but the public phone number.

// HSDSPrefix is where the HSDS API lives on the public listener.
const HSDSPrefix = "/hsds/"

// HSDS paging: page from 1, per_page up to hsdsMaxPerPage.
const (
	hsdsDefaultPerPage = 50
	hsdsMaxPerPage     = 200
)

// hsdsNamespace is the UUID namespace of Fristad's HSDS ids. Ids are
// UUIDv5 (RFC 9562) of a kind and our own id, so they stay the same from
// one snapshot, and one installation, to the next.
var hsdsNamespace = [16]byte{0x6d, 0x1e, 0x4b, 0x0a, 0x92, 0x3f, 0x4c, 0x57, 0xa8, 0x0e, 0x31, 0x5b, 0x7c, 0x22, 0x9d, 0x40}

// hsdsID returns the UUIDv5 of parts in Fristad's namespace.
func hsdsID(parts ...string) string {
	h := sha1.New()
	h.Write(hsdsNamespace[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b.WriteByte('-')
		}
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
	return b.String()
}

// HSDS objects: only the fields we fill. The names are the standard's.

type hsdsOrganization struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Phones      []hsdsPhone `json:"phones"`
}

type hsdsService struct {
	ID                     string            `json:"id"`
	OrganizationID         string            `json:"organization_id"`
	Name                   string            `json:"name"`
	AlternateName          string            `json:"alternate_name"`
	Description            string            `json:"description"`
	Status                 string            `json:"status"`
	EligibilityDescription string            `json:"eligibility_description"`
	LastModified           string            `json:"last_modified"`
	Phones                 []hsdsPhone       `json:"phones"`
	ServiceAreas           []hsdsServiceArea `json:"service_areas"`
	Languages              []hsdsLanguage    `json:"languages"`
	Attributes             []any             `json:"attributes"`
	Organization           *hsdsOrganization `json:"organization"`
}

type hsdsPhone struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id,omitempty"`
	ServiceID      string `json:"service_id,omitempty"`
	Number         string `json:"number"`
}

type hsdsServiceArea struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	Name      string `json:"name"`
}

type hsdsLanguage struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
}

// hsdsPage is the HSDS Page envelope.
type hsdsPage struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   any  `json:"contents"`
}

// hsdsError is the body of an HSDS error answer.
type hsdsError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// hsdsData is a snapshot's listings in HSDS form.
type hsdsData struct {
	services      []*hsdsService
	organizations []*hsdsOrganization
	serviceByID   map[string]*hsdsService
	orgByID       map[string]*hsdsOrganization
}

// newHSDSData turns listings into HSDS objects, named in pr's language.
func newHSDSData(ls []fristad.Listing, pr *i18n.Printer) *hsdsData {
	d := &hsdsData{services: []*hsdsService{}, organizations: []*hsdsOrganization{},
		serviceByID: map[string]*hsdsService{}, orgByID: map[string]*hsdsOrganization{}}
	for _, l := range ls {
		org := &hsdsOrganization{ID: hsdsID("organization", l.ID), Name: l.Name, Description: l.Description, Phones: []hsdsPhone{}}
		if l.Phone != "" {
			org.Phones = append(org.Phones, hsdsPhone{ID: hsdsID("organization-phone", l.ID), OrganizationID: org.ID, Number: l.Phone})
		}
		d.organizations = append(d.organizations, org)
		d.orgByID[org.ID] = org
		var groups []string
		for _, g := range TargetGroups {
			if (g == "women" && l.Women) || (g == "men" && l.Men) || (g == "children" && l.Children) {
				groups = append(groups, pr.T("group."+g))
			}
		}
		eligibility := pr.T("directory.for") + ": " + strings.Join(groups, ", ")
		if l.Accessible {
			eligibility += ". " + pr.T("directory.accessible")
		}
		for _, code := range l.Services {
			s := &hsdsService{
				ID: hsdsID("service", l.ID, code), OrganizationID: org.ID, Name: pr.T("service." + code), AlternateName: code,
				Description: l.Description, Status: "active", EligibilityDescription: eligibility,
				LastModified: l.UpdatedAt.UTC().Format(time.RFC3339),
				Phones:       []hsdsPhone{}, ServiceAreas: []hsdsServiceArea{}, Languages: []hsdsLanguage{}, Attributes: []any{},
				Organization: org,
			}
			if l.Phone != "" {
				s.Phones = append(s.Phones, hsdsPhone{ID: hsdsID("service-phone", l.ID, code), ServiceID: s.ID, Number: l.Phone})
			}
			for _, r := range l.Regions {
				s.ServiceAreas = append(s.ServiceAreas, hsdsServiceArea{ID: hsdsID("service-area", l.ID, code, r), ServiceID: s.ID, Name: r})
			}
			for _, c := range l.Languages {
				s.Languages = append(s.Languages, hsdsLanguage{ID: hsdsID("language", l.ID, code, c), ServiceID: s.ID, Name: languageName(c), Code: c})
			}
			d.services = append(d.services, s)
			d.serviceByID[s.ID] = s
		}
	}
	return d
}

func (h *Handler) registerHSDS(mux interface {
	Handle(string, http.Handler)
}) {
	mux.Handle("GET "+HSDSPrefix+"{$}", h.hsds(h.handleHSDSMeta))
	mux.Handle("GET "+HSDSPrefix+"services", h.hsds(h.handleHSDSServices))
	mux.Handle("GET "+HSDSPrefix+"services/{id}", h.hsds(h.handleHSDSService))
	mux.Handle("GET "+HSDSPrefix+"organizations", h.hsds(h.handleHSDSOrganizations))
	mux.Handle("GET "+HSDSPrefix+"organizations/{id}", h.hsds(h.handleHSDSOrganization))
	mux.Handle("GET "+HSDSPrefix+"service_at_locations", h.hsds(h.handleHSDSServiceAtLocations))
	mux.Handle("GET "+HSDSPrefix+"service_at_locations/{id}", h.hsds(h.handleHSDSServiceAtLocation))
	// Other addresses under /hsds/ reach the pages' routes, which find no
	// language "hsds" and answer with serveError, in JSON here.
}

// hsds wraps an HSDS handler: it gets the current snapshot's data, and
// the answer is JSON that any site may read (it is public), kept a
// minute, and never sets a cookie.
func (h *Handler) hsds(fn func(http.ResponseWriter, *http.Request, *hsdsData)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
		hd.Set("Cache-Control", cacheDirectory)
		fn(w, r, h.dir.Load().hsds)
	})
}

func hsdsWrite(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		hsdsWriteError(w, http.StatusInternalServerError, "internal", "the answer could not be encoded")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func hsdsWriteError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Cache-Control", "no-store")
	hsdsWrite(w, status, hsdsError{Code: code, Message: message})
}

// handleHSDSMeta says which HSDS version the API speaks.
func (h *Handler) handleHSDSMeta(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	hsdsWrite(w, http.StatusOK, map[string]string{
		"version":     "3.0",
		"profile":     "https://docs.openreferral.org/en/v3.0/",
		"openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
	})
}

// hsdsPaging reads page and per_page; it answers 400 and returns false
// when either is not a whole number in range.
func hsdsPaging(w http.ResponseWriter, r *http.Request) (page, perPage int, ok bool) {
	page, perPage = 1, hsdsDefaultPerPage
	q := r.URL.Query()
	for _, p := range []struct {
		name     string
		v        *int
		min, max int
	}{{"page", &page, 1, 1 << 30}, {"per_page", &perPage, 1, hsdsMaxPerPage}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < p.min || n > p.max {
			hsdsWriteError(w, http.StatusBadRequest, "invalid_"+p.name,
				p.name+" must be a whole number from "+strconv.Itoa(p.min)+" to "+strconv.Itoa(p.max))
			return 0, 0, false
		}
		*p.v = n
	}
	return page, perPage, true
}

// writePage answers with page of items in the HSDS Page envelope.
func writePage[T any](w http.ResponseWriter, items []T, page, perPage int) {
	total := len(items)
	pages := max(1, (total+perPage-1)/perPage)
	contents := []T{}
	if from := (page - 1) * perPage; from < total {
		contents = items[from:min(total, from+perPage)]
	}
	hsdsWrite(w, http.StatusOK, hsdsPage{
		TotalItems: total, TotalPages: pages, PageNumber: page, Size: len(contents),
		FirstPage: page == 1, LastPage: page >= pages, Empty: len(contents) == 0, Contents: contents,
	})
}

func (h *Handler) handleHSDSServices(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	if page, perPage, ok := hsdsPaging(w, r); ok {
		writePage(w, d.services, page, perPage)
	}
}

func (h *Handler) handleHSDSService(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	s, ok := d.serviceByID[r.PathValue("id")]
	if !ok {
		hsdsWriteError(w, http.StatusNotFound, "not_found", "no such service")
		return
	}
	hsdsWrite(w, http.StatusOK, s)
}

func (h *Handler) handleHSDSOrganizations(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	if page, perPage, ok := hsdsPaging(w, r); ok {
		writePage(w, d.organizations, page, perPage)
	}
}

func (h *Handler) handleHSDSOrganization(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	o, ok := d.orgByID[r.PathValue("id")]
	if !ok {
		hsdsWriteError(w, http.StatusNotFound, "not_found", "no such organization")
		return
	}
	hsdsWrite(w, http.StatusOK, o)
}

// handleHSDSServiceAtLocations lists where services are given: nowhere
// we may say. A service_at_location ties a service to a location, and a
// location is an address; a shelter's address must never be published,
// and a provider's office is not where its help is given either, so the
// directory publishes no locations and no service at any of them. The
// list is there, and always empty, so that a client that walks the
// standard's endpoints finds the answer the standard expects rather
// than an error: a Page with no contents, paged like the others.
func (h *Handler) handleHSDSServiceAtLocations(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	if page, perPage, ok := hsdsPaging(w, r); ok {
		writePage(w, []struct{}{}, page, perPage)
	}
}

// handleHSDSServiceAtLocation answers that there is no such
// service_at_location, as there are none.
func (h *Handler) handleHSDSServiceAtLocation(w http.ResponseWriter, r *http.Request, d *hsdsData) {
	hsdsWriteError(w, http.StatusNotFound, "not_found", "no such service at location")
}
