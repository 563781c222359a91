package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestAuthenticateReadsOnly checks that a request's way in writes
// nothing: a session and a token used within the minute authenticate
// while a change holds the write lock (SQLite) and the locks of their
// rows (PostgreSQL), which a write on the way in would wait for.
func TestAuthenticateReadsOnly(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		u, secret := mustActivate(t, db, clk, "kim@example.org", fristad.RoleCaseWorker)
		session := mustLogin(t, db, clk, "kim@example.org", secret)
		tok, err := db.CreateToken(cli(t), u.ID, "poller", fristad.ScopeRead, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AuthenticateToken(ctx, tok.Token); err != nil { // its first use is written
			t.Fatal(err)
		}

		held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			done <- db.Write(ctx, func(tx *sqlstore.Tx) error {
				if db.Engine() == sqlstore.Postgres {
					for _, q := range []string{`SELECT id FROM sessions FOR UPDATE`, `SELECT id FROM api_tokens FOR UPDATE`} {
						if _, err := tx.ExecContext(ctx, q); err != nil {
							return err
						}
					}
				}
				close(held)
				<-release
				return nil
			})
		}()
		select {
		case <-held:
		case err := <-done:
			t.Fatalf("holding the locks: %v", err)
		}
		// The deadline only keeps a failing run from waiting long; nothing
		// is measured.
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, sessionErr := db.Authenticate(actx, session)
		_, tokenErr := db.AuthenticateToken(actx, tok.Token)
		cancel()
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if sessionErr != nil {
			t.Errorf("a session authenticating beside a change: %v", sessionErr)
		}
		if tokenErr != nil {
			t.Errorf("a token authenticating beside a change: %v", tokenErr)
		}
	})
}

// TestLastSeenOncePerMinute checks when a session's last_seen_at and a
// token's last_used_at are written: when they are a minute old, and not
// more often; and that the idle timeout (SR-11) is kept conservatively,
// from the last time written, so an idle session ends no later than the
// timeout after its last request, and at most a minute sooner.
func TestLastSeenOncePerMinute(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		u, secret := mustActivate(t, db, clk, "kim@example.org", fristad.RoleCaseWorker)
		started := clk.Now()
		session := mustLogin(t, db, clk, "kim@example.org", secret) // 31 s on
		lastSeen := func() time.Time {
			t.Helper()
			actor, err := db.Authenticate(ctx, session)
			if err != nil {
				t.Fatalf("at %v: %v", clk.Now().Sub(started), err)
			}
			sessions, err := db.Sessions(fristad.NewContextWithActor(ctx, actor))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sessions {
				if s.Current {
					return s.LastSeenAt
				}
			}
			t.Fatal("no current session")
			return time.Time{}
		}
		if got := lastSeen(); !got.Equal(started) {
			t.Errorf("last seen after 31 s = %v; want %v, unwritten", got, started)
		}
		clk.Add(29 * time.Second)
		if got := lastSeen(); !got.Equal(started.Add(time.Minute)) {
			t.Errorf("last seen after a minute = %v; want %v", got, started.Add(time.Minute))
		}
		written := clk.Now()
		clk.Add(59 * time.Second) // a request, not written
		if got := lastSeen(); !got.Equal(written) {
			t.Errorf("last seen 59 s after it was written = %v; want %v", got, written)
		}
		clk.Add(14 * time.Minute) // 14:59 since written
		if got := lastSeen(); !got.Equal(clk.Now()) {
			t.Errorf("last seen = %v; want %v", got, clk.Now())
		}
		written = clk.Now()
		clk.Add(59 * time.Second)
		if got := lastSeen(); !got.Equal(written) {
			t.Errorf("last seen 59 s after it was written = %v; want %v", got, written)
		}
		// 14:01 after that last request, but 15:00 after the last time
		// written: ended, a minute early at most.
		clk.Add(14*time.Minute + time.Second)
		if _, err := db.Authenticate(ctx, session); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("15:00 after last seen was written = %v; want EUNAUTHORIZED", err)
		}
		events, err := db.FindAuditEvents(fristad.NewContextWithActor(ctx, auditor(t)), fristad.AuditFilter{ActorID: &u.ID})
		if err != nil || len(events) == 0 || events[0].Action != "session.expired" {
			t.Errorf("the expiry is not on record: %v %v", events, err)
		}

		tok, err := db.CreateToken(cli(t), u.ID, "poller", fristad.ScopeRead, 0)
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() *time.Time {
			t.Helper()
			if _, err := db.AuthenticateToken(ctx, tok.Token); err != nil {
				t.Fatal(err)
			}
			tokens, err := db.FindTokens(cli(t), u.ID)
			if err != nil || len(tokens) != 1 {
				t.Fatalf("FindTokens = %v, %v", tokens, err)
			}
			return tokens[0].LastUsedAt
		}
		first := clk.Now()
		if got := lastUsed(); got == nil || !got.Equal(first) {
			t.Errorf("last used after the first use = %v; want %v", got, first)
		}
		clk.Add(59 * time.Second)
		if got := lastUsed(); got == nil || !got.Equal(first) {
			t.Errorf("last used 59 s on = %v; want %v, unwritten", got, first)
		}
		clk.Add(time.Second)
		if got := lastUsed(); got == nil || !got.Equal(clk.Now()) {
			t.Errorf("last used a minute on = %v; want %v", got, clk.Now())
		}
	})
}

// TestEndedRefusedOnNextRequest checks that however a session or token
// ends — logout, the user ending one of their sessions, revocation, the
// user disabled — its very next request is refused, even within the
// minute its last use was not written in.
func TestEndedRefusedOnNextRequest(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		ctx := t.Context()
		u, secret := mustActivate(t, db, clk, "kim@example.org", fristad.RoleCaseWorker)
		newToken := func() string {
			t.Helper()
			tok, err := db.CreateToken(cli(t), u.ID, "poller", fristad.ScopeRead, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AuthenticateToken(ctx, tok.Token); err != nil {
				t.Fatal(err)
			}
			return tok.Token
		}
		authenticated := func(session string) *fristad.Actor {
			t.Helper()
			actor, err := db.Authenticate(ctx, session)
			if err != nil {
				t.Fatal(err)
			}
			return actor
		}

		loggedOut := mustLogin(t, db, clk, "kim@example.org", secret)
		authenticated(loggedOut)
		if err := db.Logout(ctx, loggedOut); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, loggedOut); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("after logout = %v; want EUNAUTHORIZED", err)
		}

		ended := mustLogin(t, db, clk, "kim@example.org", secret)
		endedActor := authenticated(ended)
		other := mustLogin(t, db, clk, "kim@example.org", secret)
		if err := db.EndSession(fristad.NewContextWithActor(ctx, authenticated(other)), endedActor.SessionID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, ended); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("after the user ended it = %v; want EUNAUTHORIZED", err)
		}

		revoked := newToken()
		actor, err := db.AuthenticateToken(ctx, revoked)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeToken(cli(t), actor.SessionID[len("token:"):]); err != nil {
			t.Fatal(err)
		}
		refusal := fristad.NewContextWithRequestID(ctx, "after-revoke")
		if _, err := db.AuthenticateToken(refusal, revoked); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("a revoked token = %v; want EUNAUTHORIZED", err)
		}
		if got, err := requestEvents(db.DB, "after-revoke"); err != nil || !slices.Equal(got, []string{"token.refused/denied"}) {
			t.Errorf("the refusal's events = %v, %v; want [token.refused/denied]", got, err)
		}

		token := newToken()
		authenticated(other)
		if err := db.DisableUser(cli(t), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, other); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("a session after its user was disabled = %v; want EUNAUTHORIZED", err)
		}
		if _, err := db.AuthenticateToken(ctx, token); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("a token after its user was disabled = %v; want EUNAUTHORIZED", err)
		}
	})
}
