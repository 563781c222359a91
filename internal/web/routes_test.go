package web

import (
	"net/http"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/guard"
	"fristad/internal/render"
)

// recorder records what is registered on it.
type recorder map[string]http.Handler

func (r recorder) Handle(pattern string, h http.Handler) { r[pattern] = h }

// TestEveryRouteHasAPolicy walks the workspace's routes and fails for any
// registered without a policy (SR-20).
func TestEveryRouteHasAPolicy(t *testing.T) {
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	routes := recorder{}
	h.Register(routes)
	if len(routes) < 10 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for pattern, handler := range routes {
		g, ok := handler.(*guard.Route)
		if !ok || g.Policy.Name == "" {
			t.Errorf("route %q has no policy", pattern)
			continue
		}
		if g.Policy.Action != "" && !g.Policy.Login {
			t.Errorf("route %q checks an action without a login", pattern)
		}
	}
	// The routes that need more than anyone: make sure they stay guarded.
	for pattern, want := range map[string]string{
		"GET /account/sessions":    "signed in",
		"GET /admin/users":         "user.list",
		"POST /admin/users":        "user.create",
		"GET /admin/organisations": "organisation.create",
		"GET /audit":               "audit.read",
	} {
		if g, ok := routes[pattern].(*guard.Route); !ok || g.Policy.Name != want {
			t.Errorf("route %q: policy %v; want %q", pattern, routes[pattern], want)
		}
	}
}

// TestProfilingRoutes checks that the runtime's profiles are routes only
// with Profiling, each for those allowed fristad.ActionDebugProfile.
func TestProfilingRoutes(t *testing.T) {
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	for _, on := range []bool{false, true} {
		h, err := New(Config{Assets: assets, Profiling: on})
		if err != nil {
			t.Fatal(err)
		}
		routes := recorder{}
		h.Register(routes)
		n := 0
		for pattern, handler := range routes {
			if !strings.Contains(pattern, "/debug/") {
				continue
			}
			n++
			if g, ok := handler.(*guard.Route); !ok || g.Policy.Action != fristad.ActionDebugProfile || !g.Policy.Login {
				t.Errorf("route %q: policy %v; want %q", pattern, handler, fristad.ActionDebugProfile)
			}
		}
		if on && n == 0 || !on && n != 0 {
			t.Errorf("Profiling %v: %d profile routes", on, n)
		}
	}
}
