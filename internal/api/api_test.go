package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"fristad/internal/guard"
)

type recorder map[string]http.Handler

func (r recorder) Handle(pattern string, h http.Handler) { r[pattern] = h }

// TestEveryRouteHasAPolicy fails for an API route registered without a
// policy (SR-20).
func TestEveryRouteHasAPolicy(t *testing.T) {
	routes := recorder{}
	New(Config{}).Register(routes)
	for pattern, h := range routes {
		if g, ok := h.(*guard.Route); !ok || g.Policy.Name == "" {
			t.Errorf("route %q has no policy", pattern)
		}
	}
	for pattern, want := range map[string]string{
		"GET /api/v1/me":            "signed in",
		"GET /api/v1/organisations": "organisation.list",
		"GET /api/v1/users":         "user.list",
		"GET /api/v1/audit":         "audit.read",
	} {
		if g, ok := routes[pattern].(*guard.Route); !ok || g.Policy.Name != want {
			t.Errorf("route %q: want policy %q", pattern, want)
		}
	}
}

// TestOpenAPIListsEveryRoute fails for a route registered and missing
// from openapi.json, or documented there and not registered.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapi, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	routes := recorder{}
	New(Config{}).Register(routes)
	wildcard := regexp.MustCompile(`\{([a-zA-Z]+)\.\.\.\}`) // {item...} is {item} in OpenAPI
	for pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		if path == Prefix {
			continue // the API's own 404
		}
		route := method + " /" + wildcard.ReplaceAllString(strings.TrimPrefix(path, Prefix), "{$1}")
		if !documented[route] {
			t.Errorf("route %q is not in openapi.json", pattern)
		}
		delete(documented, route)
	}
	for route := range documented {
		t.Errorf("openapi.json documents %q, which is not registered", route)
	}
}

func TestErrors(t *testing.T) {
	mux := http.NewServeMux()
	New(Config{}).Register(mux)
	for _, tt := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/v1/no-such-thing", 404, "not_found"},
		{"DELETE", "/api/v1/cases/1", 404, "not_found"},
		{"GET", "/api/v1/me", 401, "unauthorized"},
		{"GET", "/api/v1/openapi.json", 200, ""},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s = %d %q", tt.method, tt.path, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		var body struct {
			Error   *ErrorDetail `json:"error"`
			OpenAPI string       `json:"openapi"`
			Paths   map[string]any
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		if tt.code == "" {
			if body.OpenAPI == "" || body.Paths["/me"] == nil {
				t.Error("openapi.json is not the API's OpenAPI document")
			}
			continue
		}
		if body.Error == nil || body.Error.Code != tt.code || body.Error.Message == "" {
			t.Errorf("%s %s: body %s", tt.method, tt.path, rec.Body)
		}
		if tt.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	}
}
