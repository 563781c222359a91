package server_test

import (
	"net/http"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/sqlstore/sqlstoretest"
)

// TestPortalContentPage checks the editors' view of the portal (IN-10,
// IN-02): a coordinator sees every page with its owner, legal references
// and review date, and the languages not yet reviewed; a case worker
// does not.
func TestPortalContentPage(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	s := mustStart(t, db)
	orgs := mustOrgs(t, db, "Länsstyrelsen")
	coord := mustStaff(t, db, s.StaffURL(), orgs[0], "coord@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCoordinator)
	worker := mustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RoleCaseWorker)
	resp, body := coord.get("/portal-content")
	for _, want := range []string{"/{lang}/rights/reflection-period", "Utlänningslagen 5 kap. 15 § andra stycket", "Nationell samordnare", "2027-05-28", `href="/portal-content"`, "Română"} {
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("the content page: %d, lacks %q", resp.StatusCode, want)
		}
	}
	if resp, _ := worker.get("/portal-content"); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("a case worker reading the content page: %d", resp.StatusCode)
	}
}
