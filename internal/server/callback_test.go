package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// TestCallbackIDORMatrix checks the call-back routes (IN-08), in the
// workspace and the API, for every kind of user: only the coordinator who
// takes a request reads or handles it; to everyone else it answers like a
// request that does not exist, and the routes do not exist for those who
// are not coordinators at all — on both databases.
func TestCallbackIDORMatrix(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		sys := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test"))
		if err := db.InitInstance(sys, true); err != nil {
			t.Fatal(err)
		}
		ab := &fristad.Organisation{Name: "Länsstyrelsen Stockholm", Type: "regional_coordinator", Region: "Stockholms län"}
		m := &fristad.Organisation{Name: "Länsstyrelsen Skåne", Type: "regional_coordinator", Region: "Skåne län"}
		national := &fristad.Organisation{Name: "Jämställdhetsmyndigheten", Type: "national_coordinator"}
		social := &fristad.Organisation{Name: "Socialtjänsten A", Type: "social_services", Region: "Stockholms län"}
		for _, o := range []*fristad.Organisation{ab, m, national, social} {
			if err := db.CreateOrganisation(sys, o); err != nil {
				t.Fatal(err)
			}
		}
		type user struct {
			name  string
			org   *fristad.Organisation
			role  fristad.Role
			may   bool // takes the request
			coord bool // reaches the routes at all
			b     *sitetest.Browser
			token string
		}
		users := []*user{
			{name: "coordinator of the county", org: ab, role: fristad.RoleCoordinator, may: true, coord: true},
			{name: "coordinator of another county", org: m, role: fristad.RoleCoordinator, coord: true},
			{name: "national coordinator", org: national, role: fristad.RoleCoordinator, coord: true},
			{name: "coordinator of a social services", org: social, role: fristad.RoleCoordinator, coord: true},
			{name: "case worker of the county", org: social, role: fristad.RoleCaseWorker},
			{name: "administrator", org: ab, role: fristad.RoleAdministrator},
			{name: "auditor", org: ab, role: fristad.RoleAuditor},
		}
		const password, secret = "ett långt testlösenord", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
		for i, u := range users {
			email := "cb" + strings.Repeat("x", i) + "@example.org"
			du := &fristad.User{OrganisationID: u.org.ID, Email: email, Roles: []fristad.Role{u.role}}
			if err := db.CreateDemoUser(sys, du, password, secret); err != nil {
				t.Fatal(err)
			}
			u.b = sitetest.NewBrowser(t, s.StaffURL())
			sitetest.SignIn(t, u.b, email, password, secret)
			tok, err := db.CreateToken(sys, du.ID, "matrix", fristad.ScopeWrite, 0)
			if err != nil {
				t.Fatal(err)
			}
			u.token = tok.Token
		}
		req := &fristad.CallbackRequest{Channel: "call", Phone: "070-111 22 33", Times: []string{"evening"}, TimeNote: "CANARY efter sju", Language: "ro", Region: "AB"}
		if err := db.SubmitCallback(context.Background(), req); err != nil {
			t.Fatal(err)
		}

		type route struct {
			name, method, path, json string
			api                      bool
			form                     url.Values
			ok                       int
		}
		read := []route{
			{name: "web read", method: "GET", path: "/callbacks/%s", ok: 200},
			{name: "api read", method: "GET", path: "/api/v1/callbacks/%s", api: true, ok: 200},
		}
		handle := []route{
			{name: "web handle", method: "POST", path: "/callbacks/%s/handle", form: url.Values{"outcome": {"reached"}}, ok: 303},
			{name: "api handle", method: "POST", path: "/api/v1/callbacks/%s/handle", api: true, json: `{"outcome":"reached"}`, ok: 200},
		}
		call := func(u *user, rt route, id string) (*http.Response, string) {
			path := strings.Replace(rt.path, "%s", url.PathEscape(id), 1)
			switch {
			case rt.api:
				return sitetest.APIDo(t, s, u.token, rt.method, path, rt.json)
			case rt.method == "GET":
				return u.b.Get(path)
			}
			form := url.Values{}
			for k, v := range rt.form {
				form[k] = v
			}
			return u.b.Post(path, form)
		}
		check := func(rts []route, who func(*user) bool) {
			for _, rt := range rts {
				for _, u := range users {
					if !who(u) {
						continue
					}
					t.Run(rt.name+"/"+u.name, func(t *testing.T) {
						missResp, missBody := call(u, rt, "NOSUCHREQUESTXXXXXXXXXXXXX")
						resp, body := call(u, rt, req.ID)
						if u.may {
							if resp.StatusCode != rt.ok {
								t.Errorf("status %d; want %d", resp.StatusCode, rt.ok)
							}
							if rt.method == "GET" && !strings.Contains(body, "070-111 22 33") {
								t.Error("the coordinator who takes it does not see the number")
							}
							return
						}
						if resp.StatusCode != http.StatusNotFound || missResp.StatusCode != http.StatusNotFound {
							t.Errorf("status %d, missing request %d; want 404 for both", resp.StatusCode, missResp.StatusCode)
						}
						if normalize(body) != normalize(missBody) {
							t.Errorf("the request answers differently from a missing one:\n%s\n----\n%s", normalize(body), normalize(missBody))
						}
						if strings.Contains(body, "111 22 33") || strings.Contains(body, "CANARY") {
							t.Error("the answer leaks the contact details")
						}
					})
				}
			}
		}
		check(read, func(*user) bool { return true })
		check(handle, func(u *user) bool { return !u.may })

		// The lists: the request shows to the coordinator of its county
		// only; the routes do not exist for others.
		for _, u := range users {
			for _, api := range []bool{false, true} {
				var resp *http.Response
				var body string
				if api {
					resp, body = sitetest.APIDo(t, s, u.token, "GET", "/api/v1/callbacks", "")
				} else {
					resp, body = u.b.Get("/callbacks")
				}
				switch {
				case !u.coord:
					if resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s lists (api %v): %d; want 404", u.name, api, resp.StatusCode)
					}
				case resp.StatusCode != http.StatusOK || strings.Contains(body, req.ID) != u.may:
					t.Errorf("%s lists (api %v): %d, shows the request %v; want 200, %v", u.name, api, resp.StatusCode, strings.Contains(body, req.ID), u.may)
				}
				if strings.Contains(body, "111 22 33") {
					t.Errorf("%s: the list carries the number", u.name)
				}
			}
		}

		// The coordinator handles it; then nobody can read the number,
		// and handling again is a conflict.
		coord := users[0]
		resp, _ := call(coord, handle[0], req.ID)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/callbacks?handled=1" {
			t.Fatalf("handling: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := call(coord, handle[1], req.ID)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `"code":"conflict"`) {
			t.Errorf("handling again through the API: %d %s; want 409", resp.StatusCode, body)
		}
		resp, body = call(coord, read[1], req.ID)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "111 22 33") || !strings.Contains(body, `"contact_erased":true`) || !strings.Contains(body, `"outcome":"reached"`) {
			t.Errorf("after handling: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, coord.token, "POST", "/api/v1/callbacks/"+req.ID+"/handle", `{"outcome":"maybe"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"outcome"`) {
			t.Errorf("an unknown outcome: %d %s; want 422 naming the field", resp.StatusCode, body)
		}
	})
}

// TestCallbackPostThroughServer sends the portal's call-back form through
// the whole middleware chain: a post from another site is refused before
// the portal sees it, the request log carries neither the body nor the
// visitor's address, and no answer sets a cookie or may be cached.
func TestCallbackPostThroughServer(t *testing.T) {
	var buf syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	s := mustStartMigrated(t)
	form := url.Values{"channel": {"call"}, "phone": {"070-999 88 77"}, "time_note": {"Canary-Svensson"}, "language": {"sv"}, "form_token": {"x"}}.Encode()
	for _, tc := range []struct {
		site string
		want int
	}{
		{"cross-site", http.StatusForbidden},   // the server's cross-origin protection
		{"same-origin", http.StatusBadRequest}, // the portal: a form token not its own
	} {
		resp, body := sitetest.Do(t, "POST", s.PublicURL()+"/sv/call-back", strings.NewReader(form),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": tc.site})
		if resp.StatusCode != tc.want {
			t.Errorf("a %s post: %d, want %d", tc.site, resp.StatusCode, tc.want)
		}
		if len(resp.Header.Values("Set-Cookie")) > 0 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("a %s post: cookies %v, Cache-Control %q", tc.site, resp.Header.Values("Set-Cookie"), resp.Header.Get("Cache-Control"))
		}
		if tc.want == http.StatusBadRequest && !strings.Contains(body, `value="070-999 88 77"`) {
			t.Error("the refused form does not keep what she typed")
		}
	}
	// The server logs a request after its answer has gone: wait for the
	// second request's line.
	logs := buf.String()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs, `"pattern":"POST /{lang}/call-back"`) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		logs = buf.String()
	}
	if strings.Contains(logs, "Canary") || strings.Contains(logs, "999 88 77") || strings.Contains(logs, "999+88+77") {
		t.Errorf("the log carries the form:\n%s", logs)
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"site":"public"`) && strings.Contains(line, "127.0.0.1") {
			t.Errorf("the public site's log carries the visitor's address: %s", line)
		}
	}
	if !strings.Contains(logs, `"pattern":"POST /{lang}/call-back"`) {
		t.Errorf("the log lacks the route:\n%s", logs)
	}
}
