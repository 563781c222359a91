package web_test

import (
	"net/http"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/server"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
	"fristad/internal/web"
)

// TestProfiling checks who reaches the runtime's profiles: with --pprof
// a signed-in administrator, and nobody else (a case worker gets 404,
// someone not signed in the login page); without it, nobody.
func TestProfiling(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	org := sitetest.MustOrgs(t, db, "Jouren")[0]
	for _, on := range []bool{false, true} {
		s := sitetest.StartOn(t, db, func(cfg *server.Config) {
			ws, err := web.New(web.Config{Services: sqlstore.NewServices(db.DB), Assets: cfg.Assets, Profiling: on})
			if err != nil {
				t.Fatal(err)
			}
			cfg.Workspace = ws
		})
		name := map[bool]string{false: "off", true: "on"}[on]
		admin := sitetest.MustStaff(t, db, s.StaffURL(), org, "admin-"+name+"@example.org", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", fristad.RoleAdministrator)
		worker := sitetest.MustStaff(t, db, s.StaffURL(), org, "worker-"+name+"@example.org", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ", fristad.RoleCaseWorker)
		anonymous := sitetest.NewBrowser(t, s.StaffURL())
		for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/debug/pprof/goroutine?debug=1", "/debug/pprof/profile?seconds=1"} {
			resp, body := admin.Get(path)
			if on && resp.StatusCode != http.StatusOK || !on && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: administrator gets %s: %d", name, path, resp.StatusCode)
			}
			if on && path == "/debug/pprof/heap?debug=1" && !strings.Contains(body, "heap profile") {
				t.Errorf("%s: no heap profile in %.200q", path, body)
			}
			if resp, _ := worker.Get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: case worker gets %s: %d", name, path, resp.StatusCode)
			}
			resp, _ = anonymous.Get(path)
			if on && (resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=")) ||
				!on && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: someone not signed in gets %s: %d %q", name, path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		// The command line may hold the database's password.
		if resp, _ := admin.Get("/debug/pprof/cmdline"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: administrator gets the command line: %d", name, resp.StatusCode)
		}
	}
}
