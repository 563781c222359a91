package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestCallbacks checks the call-back inbox (IN-08) on both engines: a
// request from the portal is sealed at rest, reaches the regional
// coordinator of its county and no one else, a request with no county (or
// one no regional coordinator serves) reaches the national coordinator,
// opening one is audited, and handling it erases the contact details.
func TestCallbacks(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		stockholm := &fristad.Organisation{Name: "Länsstyrelsen Stockholm", Type: "regional_coordinator", Region: "Stockholms län"}
		skane := &fristad.Organisation{Name: "Länsstyrelsen Skåne", Type: "regional_coordinator", Region: "M"}
		national := &fristad.Organisation{Name: "Jämställdhetsmyndigheten", Type: "national_coordinator"}
		for _, o := range []*fristad.Organisation{stockholm, skane, national} {
			if err := db.CreateOrganisation(cli(t), o); err != nil {
				t.Fatal(err)
			}
		}
		regional := f.actor(t, stockholm, "coord-ab", false, fristad.RoleCoordinator)
		southern := f.actor(t, skane, "coord-m", false, fristad.RoleCoordinator)
		nationwide := f.actor(t, national, "coord-se", false, fristad.RoleCoordinator)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		socialCoord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		anon := context.Background()

		inAB := &fristad.CallbackRequest{Channel: "call", Phone: " 070-123  45 67 ", Times: []string{"evening", "morning", "evening"},
			TimeNote: "CANARY-NOTE efter klockan sju", LeaveMessage: false, SayWhoCalls: true, Language: "ro", Interpreter: true, Region: "AB"}
		if err := db.SubmitCallback(anon, inAB); err != nil {
			t.Fatal(err)
		}
		if inAB.ID == "" || inAB.Phone != "070-123 45 67" || strings.Join(inAB.Times, ",") != "evening,morning" {
			t.Errorf("submitted %+v", inAB)
		}
		f.clk.Add(time.Minute)
		nowhere := &fristad.CallbackRequest{Channel: "sms", Phone: "+46 70 765 43 21", Times: []string{"afternoon"}, Language: "en"}
		inUppsala := &fristad.CallbackRequest{Channel: "signal", Phone: "0701112233", TimeNote: "när som helst", Language: "sv", Region: "C"}
		for _, c := range []*fristad.CallbackRequest{nowhere, inUppsala} {
			if err := db.SubmitCallback(anon, c); err != nil {
				t.Fatal(err)
			}
			f.clk.Add(time.Minute)
		}

		// Sealed at rest: the raw column holds neither the number nor the note.
		err := db.Read(t.Context(), func(tx *sqlstore.Tx) error {
			var ct []byte
			if err := tx.QueryRowContext(t.Context(), `SELECT contact_ct FROM callback_requests WHERE id = $1`, inAB.ID).Scan(&ct); err != nil {
				return err
			}
			if len(ct) == 0 || strings.Contains(string(ct), "123 45 67") || strings.Contains(string(ct), "CANARY") || strings.Contains(string(ct), "evening") {
				t.Errorf("contact_ct is empty or in clear: %q", ct)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if db.Engine() == sqlstore.SQLite {
			if dump := sqlstoretest.DumpSQLite(t, db.DB); strings.Contains(dump, "123 45 67") || strings.Contains(dump, "CANARY-NOTE") {
				t.Error("the contact details are in the database file in clear")
			}
		}

		ids := func(ctx context.Context) string {
			list, err := db.FindCallbacks(ctx)
			if err != nil {
				return "error: " + fristad.ErrorCode(err)
			}
			var out []string
			for _, c := range list {
				if c.Phone != "" || c.TimeNote != "" || c.Channel != "" {
					t.Errorf("the list carries contact details: %+v", c)
				}
				out = append(out, c.ID)
			}
			return strings.Join(out, ",")
		}
		for _, tc := range []struct {
			name string
			ctx  context.Context
			want string
		}{
			{"the regional coordinator of the county", regional, inAB.ID},
			{"another county's coordinator", southern, ""},
			{"the national coordinator: no county, and a county no one serves", nationwide, nowhere.ID + "," + inUppsala.ID},
			{"a coordinator of a social services", socialCoord, ""},
			{"a case worker", worker, "error: " + fristad.ENOTFOUND},
		} {
			if got := ids(tc.ctx); got != tc.want {
				t.Errorf("%s lists %q, want %q", tc.name, got, tc.want)
			}
			// The start page's count agrees with the list.
			n, err := db.CountCallbacks(tc.ctx)
			want := len(strings.FieldsFunc(tc.want, func(r rune) bool { return r == ',' }))
			if strings.HasPrefix(tc.want, "error") {
				want = 0
				if fristad.ErrorCode(err) != fristad.ENOTFOUND {
					t.Errorf("%s counts: %v; want not found", tc.name, err)
				}
			} else if err != nil || n != want {
				t.Errorf("%s counts %d, %v; want %d", tc.name, n, err, want)
			}
		}

		got, err := db.FindCallbackByID(regional, inAB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "070-123 45 67" || got.Channel != "call" || !strings.HasPrefix(got.TimeNote, "CANARY-NOTE") || !got.SayWhoCalls || got.LeaveMessage ||
			got.Language != "ro" || !got.Interpreter || got.Region != "AB" || got.HandledAt != nil {
			t.Errorf("opened %+v", got)
		}
		_, missing := db.FindCallbackByID(regional, "no-such-request")
		if c, err := db.FindCallbackByID(anon, inAB.ID); c != nil || fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("the portal (no actor) opening the request: %v, %v; want EUNAUTHORIZED", c, err)
		}
		for name, ctx := range map[string]context.Context{"another county": southern, "national": nationwide, "case worker": worker} {
			if c, err := db.FindCallbackByID(ctx, inAB.ID); c != nil || fristad.ErrorCode(err) != fristad.ENOTFOUND {
				t.Errorf("%s opening the request: %v, %v; want ENOTFOUND as for %v", name, c, err, missing)
			}
			if err := db.HandleCallback(ctx, inAB.ID, "reached"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
				t.Errorf("%s handling the request: %v; want ENOTFOUND", name, err)
			}
		}
		if err := db.HandleCallback(regional, inAB.ID, "maybe"); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an unknown outcome: %v; want EINVALID", err)
		}

		f.clk.Add(time.Hour)
		if err := db.HandleCallback(regional, inAB.ID, "case_opened"); err != nil {
			t.Fatal(err)
		}
		if err := db.HandleCallback(regional, inAB.ID, "reached"); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("handling twice: %v; want ECONFLICT", err)
		}
		if got := ids(regional); got != "" {
			t.Errorf("after handling, the regional list is %q; want it empty", got)
		}
		done, err := db.FindCallbackByID(regional, inAB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.HandledAt == nil || !done.HandledAt.Equal(f.clk.Now()) || done.HandledBy != "coord-ab" || done.Outcome != "case_opened" || !done.Erased || done.Phone != "" {
			t.Errorf("handled request %+v", done)
		}
		// Erased: the column is empty and the key is gone.
		err = db.Read(t.Context(), func(tx *sqlstore.Tx) error {
			var ct []byte
			var keys int
			if err := tx.QueryRowContext(t.Context(), `SELECT contact_ct FROM callback_requests WHERE id = $1`, inAB.ID).Scan(&ct); err != nil {
				return err
			}
			if err := tx.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM keystore.subject_keys WHERE subject_id = $1`, "callback:"+inAB.ID).Scan(&keys); err != nil {
				return err
			}
			if ct != nil || keys != 0 {
				t.Errorf("after handling: contact_ct %d bytes, %d keys; want none", len(ct), keys)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// A bad request is refused whole, every field named, nothing kept.
		bad := &fristad.CallbackRequest{Channel: "pigeon", Phone: "call me", Times: []string{"midnight"}, Language: "<b>", Region: "XX"}
		err = db.SubmitCallback(anon, bad)
		var fields []string
		for _, fe := range fristad.FieldErrors(err) {
			fields = append(fields, fe.Field)
		}
		if fristad.ErrorCode(err) != fristad.EINVALID || strings.Join(fields, ",") != "channel,phone,times,language,region" {
			t.Errorf("a bad request: %v, fields %v", err, fields)
		}
		if got := ids(nationwide); got != nowhere.ID+","+inUppsala.ID {
			t.Errorf("after a refused request the national list is %q", got)
		}

		// Nobody handled the other two within the retention: listing the
		// inbox erases them, a request that came in since stays (DP-12).
		f.clk.Add(fristad.CallbackRetention)
		recent := &fristad.CallbackRequest{Channel: "call", Phone: "0705556677", Times: []string{"morning"}, Language: "uk"}
		if err := db.SubmitCallback(anon, recent); err != nil {
			t.Fatal(err)
		}
		if got := ids(nationwide); got != recent.ID {
			t.Errorf("after the retention the national list is %q; want only the recent request", got)
		}
		gone, err := db.FindCallbackByID(nationwide, nowhere.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gone.Outcome != fristad.CallbackExpired || gone.HandledBy != "system:retention" || !gone.Erased || gone.Phone != "" {
			t.Errorf("an expired request: %+v", gone)
		}
		err = db.Read(t.Context(), func(tx *sqlstore.Tx) error {
			var keys int
			if err := tx.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM keystore.subject_keys WHERE subject_id LIKE 'callback:%'`).Scan(&keys); err != nil {
				return err
			}
			if keys != 1 {
				t.Errorf("%d call-back keys remain; want the recent request's only", keys)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// The trail: received anonymously, listed, opened, refused, handled.
		events, err := db.FindAuditEvents(cli(t), fristad.AuditFilter{ObjectID: &inAB.ID})
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range events {
			if e.ObjectID == inAB.ID {
				trail = append(trail, e.Action+"/"+e.Result+"/"+e.ActorID)
			}
		}
		want := []string{"callback.received/ok/portal", "callback.read/ok/coord-ab", "callback.read/denied/coord-m", "callback.handled/ok/coord-ab"}
		for _, w := range want {
			found := false
			for _, got := range trail {
				found = found || got == w
			}
			if !found {
				t.Errorf("the audit trail of the request lacks %s: %v", w, trail)
			}
		}
	})
}
