package sqlstore_test

import (
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/testing/sqlstoretest"
)

// TestStepUp checks SR-13 and SR-10: changing factors needs a second
// factor confirmed within the last minutes, and confirming one gives the
// session a new token.
func TestStepUp(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		_, secret := mustActivate(t, db, clk, "stina@example.org", fristad.RoleCaseWorker)
		session := mustLogin(t, db, clk, "stina@example.org", secret) // moves the clock 31 s on
		actor, err := db.Authenticate(ctx, session)
		if err != nil {
			t.Fatal(err)
		}
		actx := fristad.NewContextWithActor(ctx, actor)
		key := &fristad.Passkey{ID: "cred-1", Name: "Nyckel", Credential: []byte(`{"id":"x"}`)}
		if err := db.AddPasskey(actx, key); err != nil {
			t.Fatalf("adding a passkey right after login: %v", err)
		}

		clk.Add(fristad.StepUpTTL)
		actor, _ = db.Authenticate(ctx, session)
		actx = fristad.NewContextWithActor(ctx, actor)
		if err := db.AddPasskey(actx, &fristad.Passkey{ID: "cred-2", Credential: []byte(`{}`)}); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Fatalf("adding a passkey 5 minutes after login = %v; want ESTEPUP", err)
		}
		if err := db.RemovePasskey(actx, "cred-1"); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Fatalf("removing a passkey 5 minutes after login = %v; want ESTEPUP", err)
		}
		if _, err := db.StepUpTOTP(actx, session, "000000", client); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("step-up with a wrong code = %v; want EINVALID", err)
		}
		code, _ := auth.TOTPCode(secret, clk.Now())
		fresh, err := db.StepUpTOTP(actx, session, code, client)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, session); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("the token before the step-up still works: %v", err)
		}
		actor, err = db.Authenticate(ctx, fresh)
		if err != nil {
			t.Fatal(err)
		}
		actx = fristad.NewContextWithActor(ctx, actor)
		if err := db.RemovePasskey(actx, "cred-1"); err != nil {
			t.Errorf("removing a passkey after a step-up: %v", err)
		}
		keys, err := db.Passkeys(actx)
		if err != nil || len(keys) != 0 {
			t.Errorf("Passkeys = %v, %v; want none", keys, err)
		}
	})
}

// TestFactorChangeEndsOtherSessions checks SR-12: adding a passkey ends
// the user's other sessions but not the one that added it.
func TestFactorChangeEndsOtherSessions(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		_, secret := mustActivate(t, db, clk, "olle@example.org", fristad.RoleCaseWorker)
		other := mustLogin(t, db, clk, "olle@example.org", secret)
		clk.Add(time.Second)
		this := mustLogin(t, db, clk, "olle@example.org", secret)
		actor, _ := db.Authenticate(ctx, this)
		if err := db.AddPasskey(fristad.NewContextWithActor(ctx, actor), &fristad.Passkey{ID: "k", Credential: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, other); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("the other session survived a factor change: %v", err)
		}
		if _, err := db.Authenticate(ctx, this); err != nil {
			t.Errorf("the session that changed factors ended: %v", err)
		}
	})
}

// TestCeremonyOnce checks that a WebAuthn challenge answers once, and not
// after it expires (SR-01).
func TestCeremonyOnce(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		token, err := db.SaveCeremony(ctx, fristad.CeremonyLogin, "", []byte("state"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.TakeCeremony(ctx, token, fristad.CeremonyRegister); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a login ceremony taken as a registration = %v", err)
		}
		if _, data, err := db.TakeCeremony(ctx, token, fristad.CeremonyLogin); err != nil || string(data) != "state" {
			t.Fatalf("TakeCeremony = %q, %v", data, err)
		}
		if _, _, err := db.TakeCeremony(ctx, token, fristad.CeremonyLogin); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a ceremony taken twice = %v", err)
		}
		late, _ := db.SaveCeremony(ctx, fristad.CeremonyLogin, "", []byte("x"))
		clk.Add(fristad.CeremonyTTL + time.Second)
		if _, _, err := db.TakeCeremony(ctx, late, fristad.CeremonyLogin); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("an expired ceremony = %v", err)
		}
	})
}

// TestNotices checks SR-06: a change to a user's factors, roles or a run
// of failed sign-ins leaves exactly one notice for that user.
func TestNotices(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		u, secret := mustActivate(t, db, clk, "nora@example.org", fristad.RoleCaseWorker)
		session := mustLogin(t, db, clk, "nora@example.org", secret)
		actor, _ := db.Authenticate(ctx, session)
		actx := fristad.NewContextWithActor(ctx, actor)
		kinds := func() []string {
			ns, err := db.Notices(actx)
			if err != nil {
				t.Fatal(err)
			}
			var k []string
			for _, n := range ns {
				k = append(k, n.Kind)
			}
			return k
		}
		if got := kinds(); len(got) != 1 || got[0] != "factors.set" {
			t.Fatalf("after activation: %v", got)
		}
		if err := db.AddPasskey(actx, &fristad.Passkey{ID: "k1", Credential: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if got := kinds(); len(got) != 2 || got[0] != "passkey.added" {
			t.Errorf("after adding a passkey: %v; want exactly one new notice", got)
		}
		clk.Add(time.Second)
		for range 10 {
			db.Login(ctx, "nora@example.org", "wrong password!!", client)
		}
		db.Login(ctx, "nora@example.org", "wrong password!!", client)
		got := kinds()
		if len(got) != 3 || got[0] != "signin.failures" {
			t.Errorf("after a lock: %v; want one signin.failures notice", got)
		}
		clk.Add(time.Second)
		if err := db.SetRoles(cli(t), u.ID, []fristad.Role{fristad.RolePartner}); err != nil {
			t.Fatal(err)
		}
		// The role change ended the session; read the notices as the user.
		if ns, _ := db.Notices(fristad.NewContextWithActor(ctx, &fristad.Actor{UserID: u.ID})); len(ns) != 4 || ns[0].Kind != "roles.changed" {
			t.Errorf("after a role change: %d notices", len(ns))
		}
	})
}
