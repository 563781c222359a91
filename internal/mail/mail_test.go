package mail_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/mail"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// relay is an SMTP server on loopback that keeps what it receives, or
// refuses every recipient when refuse is set.
type relay struct {
	ln     net.Listener
	mu     sync.Mutex
	got    []string // "RCPT\n\nDATA"
	refuse bool
}

func newRelay(t *testing.T) *relay {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c)
		}
	}()
	return r
}

func (r *relay) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	say("220 relay.test ESMTP")
	var rcpt string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-relay.test")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			r.mu.Lock()
			refuse := r.refuse
			r.mu.Unlock()
			if refuse {
				say("550 no such user")
				continue
			}
			rcpt = strings.TrimSpace(line[len("RCPT TO:"):])
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			r.mu.Lock()
			r.got = append(r.got, rcpt+"\n\n"+data.String())
			r.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not here")
		}
	}
}

func (r *relay) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// TestDeliver checks SR-06 by e-mail: a change to a user's factors is
// told once, in a message that says only to log in — not what changed,
// nothing about any case — and a failing relay is retried, then given up,
// while the notice stays in the app.
func TestDeliver(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	ctx := t.Context()
	cli := fristad.NewContextWithActor(ctx, fristad.SystemActor("cli"))
	org := &fristad.Organisation{Name: "Kvinnojouren", Type: "ngo"}
	if err := db.CreateOrganisation(cli, org); err != nil {
		t.Fatal(err)
	}
	activate := func(email string) *fristad.User {
		u := &fristad.User{OrganisationID: org.ID, Email: email, Roles: []fristad.Role{fristad.RoleCaseWorker}}
		a, err := db.CreateUser(cli, u)
		if err != nil {
			t.Fatal(err)
		}
		enr, err := db.SetActivationPassword(ctx, a.Token, "korrekt häst batteri häftklammer")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := auth.TOTPCode(enr.Secret, time.Now())
		if err := db.CompleteActivation(ctx, a.Token, code); err != nil {
			t.Fatal(err)
		}
		return u
	}
	activate("nora@example.org")
	gone := activate("gone@example.org")
	if err := db.DisableUser(cli, gone.ID); err != nil {
		t.Fatal(err)
	}
	worker := fristad.NewContextWithActor(ctx, &fristad.Actor{UserID: "w", OrganisationID: org.ID, Roles: []fristad.Role{fristad.RoleCaseWorker}})
	if err := db.CreateCase(worker, &fristad.Case{Person: &fristad.Person{Alias: "CANARY-ALIAS", Name: "CANARY Namn", AgeBand: "25-34"}}); err != nil {
		t.Fatal(err)
	}

	r := newRelay(t)
	s, err := mail.NewSender("smtp://"+r.ln.Addr().String(), "fristad@example.org")
	if err != nil {
		t.Fatal(err)
	}
	// Someone else may not read the addresses.
	if _, err := db.PendingNoticeMail(worker, 10); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
		t.Errorf("a user reading pending notice mail = %v", err)
	}

	sent, err := mail.Deliver(ctx, db, s, "https://fristad.example/")
	if err != nil || sent != 1 {
		t.Fatalf("Deliver = %d, %v; want one message (the disabled user gets none)", sent, err)
	}
	msgs := r.messages()
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "<nora@example.org>") {
		t.Fatalf("messages: %q", msgs)
	}
	m := msgs[0]
	for _, never := range []string{"CANARY", "factors", "passkey", "roles", "Kvinnojouren"} {
		if strings.Contains(m, never) {
			t.Errorf("the message says %q:\n%s", never, m)
		}
	}
	if !strings.Contains(m, "https://fristad.example/") || !strings.Contains(m, "Subject: Fristad: logga in / log in\r\n") {
		t.Errorf("the message:\n%s", m)
	}
	if sent, err := mail.Deliver(ctx, db, s, "https://fristad.example/"); err != nil || sent != 0 {
		t.Errorf("a second round sent %d, %v; want nothing", sent, err)
	}

	// A relay that refuses: tried MaxNoticeMailAttempts times, then given up.
	if err := db.SetRoles(cli, mustUser(t, db, cli, "nora@example.org"), []fristad.Role{fristad.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.refuse = true
	r.mu.Unlock()
	for range fristad.MaxNoticeMailAttempts + 2 {
		if _, err := mail.Deliver(ctx, db, s, "https://fristad.example/"); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := db.PendingNoticeMail(fristad.NewContextWithActor(ctx, fristad.SystemActor("mailer")), 10)
	if err != nil || len(pending) != 0 {
		t.Errorf("after %d refusals: %d pending, %v; want given up", fristad.MaxNoticeMailAttempts, len(pending), err)
	}
	if n := len(r.messages()); n != 1 {
		t.Errorf("%d messages; want still one", n)
	}
}

func mustUser(t *testing.T, db *sqlstoretest.Store, ctx context.Context, email string) string {
	users, err := db.FindUsers(ctx, fristad.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no user %s", email)
	return ""
}

func TestNewSender(t *testing.T) {
	for _, tt := range []struct {
		url, from string
		ok        bool
	}{
		{"smtp://relay.example.org", "fristad@example.org", true},
		{"smtp://user:secret@relay.example.org:2525", "fristad@example.org", true},
		{"http://relay.example.org", "fristad@example.org", false},
		{"smtp://", "fristad@example.org", false},
		{"smtp://relay.example.org", "fristad", false},
		{"smtp://relay.example.org", "a@b\r\nBcc: x@y", false},
	} {
		if _, err := mail.NewSender(tt.url, tt.from); (err == nil) != tt.ok {
			t.Errorf("NewSender(%q, %q) = %v", tt.url, tt.from, err)
		}
	}
}
