// Package mail tells staff by e-mail that something changed on their
// account (SR-06). The message carries no content: not what changed, and
// never anything about a case — only to log in and see. It speaks SMTP
// with STARTTLS required, except to a relay on the machine itself.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"fristad"
)

// Sender sends messages through one SMTP relay.
type Sender struct {
	addr     string // host:port
	host     string
	user     string
	password string
	from     string
	// TLSConfig, when set, replaces the default (the relay's host name
	// verified against the system's roots).
	TLSConfig *tls.Config
}

// NewSender returns a sender for an smtp:// URL (user and password
// optional; port 587 when none is given) and a From address.
func NewSender(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, errors.New("want smtp://[user:password@]host[:port]")
	}
	if !strings.Contains(from, "@") || strings.ContainsAny(from, "\r\n<>") {
		return nil, errors.New("the From address is not an e-mail address")
	}
	port := u.Port()
	if port == "" {
		port = "587"
	}
	s := &Sender{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), from: from}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	return s, nil
}

// loopback reports whether the relay is on this machine, where a
// plain connection never leaves it.
func (s *Sender) loopback() bool {
	if s.host == "localhost" {
		return true
	}
	ip := net.ParseIP(s.host)
	return ip != nil && ip.IsLoopback()
}

// Send sends one plain-text message to one address.
func (s *Sender) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n<>") || strings.ContainsAny(subject, "\r\n") {
		return errors.New("mail: a header holds a line break")
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	} else if !s.loopback() {
		return errors.New("mail: the relay offers no STARTTLS")
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.password, s.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(s.from, to, subject, body, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message builds the message with CRLF line ends.
func message(from, to, subject, body string, now time.Time) []byte {
	host := from[strings.LastIndex(from, "@")+1:]
	var b strings.Builder
	for _, h := range [][2]string{
		{"From", from}, {"To", to}, {"Subject", subject}, {"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + rand.Text() + "@" + host + ">"}, {"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"}, {"Content-Transfer-Encoding", "8bit"},
	} {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	// The SMTP client's data writer escapes lines that start with a dot.
	for line := range strings.SplitSeq(body, "\n") {
		b.WriteString(line + "\r\n")
	}
	return []byte(b.String())
}

// Subject and Body are the whole message: that something changed on the
// account, and where to log in to see what (SR-06).
const Subject = "Fristad: logga in / log in"

// Body returns the message for a workspace at staffURL.
func Body(staffURL string) string {
	return "Något har ändrats på ditt konto i Fristad, eller någon har försökt logga in.\n" +
		"Logga in för att se vad: " + staffURL + "\n" +
		"Var det inte du? Kontakta din administratör.\n\n" +
		"Something changed on your Fristad account, or someone tried to sign in.\n" +
		"Log in to see what: " + staffURL + "\n" +
		"Was it not you? Contact your administrator.\n"
}

// Store is what the mailer needs of the database.
type Store interface {
	fristad.NoticeMailService
}

// Deliver sends one message to each user with notices not yet told and
// records each attempt. It returns how many were sent.
func Deliver(ctx context.Context, store Store, s *Sender, staffURL string) (int, error) {
	ctx = fristad.NewContextWithActor(ctx, fristad.SystemActor("mailer"))
	pending, err := store.PendingNoticeMail(ctx, 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range pending {
		err := s.Send(ctx, n.Email, Subject, Body(staffURL))
		if err != nil {
			// The address is personal data: the log names the user by id.
			slog.Warn("notice mail failed", "user_id", n.UserID, "attempt", n.Attempts+1, "err", err)
		} else {
			sent++
		}
		if merr := store.NoticeMailed(ctx, n, err == nil); merr != nil {
			return sent, merr
		}
	}
	return sent, nil
}

// Run delivers every interval until ctx ends.
func Run(ctx context.Context, store Store, s *Sender, staffURL string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := Deliver(ctx, store, s, staffURL); err != nil && ctx.Err() == nil {
			slog.Warn("notice mail", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
