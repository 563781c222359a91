package main

import (
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fristad/internal/auth"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestCommandLineErrors checks that every mistake ends with one clear line
// on stderr and a non-zero exit, never a stack trace or a usage dump.
func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "master.key")
	if _, err := seal.GenerateKeyringFile(keyFile); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // in the one line on stderr
	}{
		{"no command", nil, nil, 2, "Usage: fristad COMMAND"},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", nil, []string{"serve", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{"malformed flag", nil, []string{"serve", "--shutdown-timeout", "soon"}, 2, `invalid value "soon"`},
		{"malformed env", map[string]string{"FRISTAD_SHUTDOWN_TIMEOUT": "soon"}, []string{"serve"}, 2, `FRISTAD_SHUTDOWN_TIMEOUT: invalid value "soon"`},
		{"bad log level", nil, []string{"migrate", "--log-level", "loud"}, 2, `--log-level "loud"`},
		{"extra argument", nil, []string{"migrate", "now"}, 2, `unexpected argument "now"`},
		{"wrong database kind", nil, []string{"migrate", "--db", "mysql://u:pw@h/db"}, 2, "want a postgres:// URL or a SQLite file path"},
		{"unreachable database", nil, []string{"migrate", "--db", "postgres://u:pw@127.0.0.1:1/db?connect_timeout=2"}, 1, "cannot reach database postgres://u:REDACTED@127.0.0.1:1/db"},
		{"unwritable data dir", nil, []string{"migrate", "--data-dir", "/proc/fristad"}, 1, "cannot create the database file"},
		{"no master key", nil, []string{"serve", "--data-dir", dir}, 2, "no master key: give --master-key-file"},
		{"schema behind", nil, []string{"serve", "--data-dir", dir, "--master-key-file", keyFile, "--staff-addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0"}, 1, "run 'fristad migrate'"},
		{"missing master key file", nil, []string{"serve", "--data-dir", dir, "--master-key-file", keyFile + ".missing"}, 1, "does not exist"},
		{"bad proxy list", nil, []string{"serve", "--trusted-proxies", "10.0.0.0/8,proxy.internal"}, 2, "--trusted-proxies"},
		{"mail without a sender", nil, []string{"serve", "--smtp-url", "smtp://relay.example.org"}, 2, "the From address is not an e-mail address"},
		{"unreadable secret file", map[string]string{"FRISTAD_DB_FILE": filepath.Join(dir, "missing")}, []string{"serve"}, 2, "FRISTAD_DB_FILE: cannot read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCommand(t, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d; want %d (stderr: %q)", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q; want it to contain %q", stderr, tt.want)
			}
			if tt.code != 2 || tt.args != nil {
				if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 {
					t.Errorf("stderr has %d lines; want one: %q", lines, stderr)
				}
			}
			for _, bad := range []string{"goroutine", "panic", ".go:", "pw@"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr shows %q: %q", bad, stderr)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"demo", "-h"}, {"migrate", "--help"}, {"version", "--help"}} {
		code, stdout, stderr := runCommand(t, nil, args...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage: fristad") {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want usage on stdout and exit 0", args, code, stdout, stderr)
		}
	}
	_, stdout, _ := runCommand(t, nil, "serve", "--help")
	for _, flag := range []string{"--data-dir", "--db", "--staff-addr", "--public-addr", "FRISTAD_STAFF_ADDR"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("serve --help does not mention %s", flag)
		}
	}
}

// TestPrintConfig checks the order defaults → environment → flags and
// that the database password never shows.
func TestPrintConfig(t *testing.T) {
	code, stdout, stderr := runCommand(t, map[string]string{
		"FRISTAD_STAFF_ADDR":  "127.0.0.1:9000",
		"FRISTAD_PUBLIC_ADDR": "127.0.0.1:9001",
		"FRISTAD_DB":          "postgres://fristad:hunter2@db.internal/fristad",
		"FRISTAD_SMTP_URL":    "smtp://fristad:mailsecret@relay.internal:587",
		"FRISTAD_MAIL_FROM":   "fristad@example.org",
	}, "serve", "--public-addr", "127.0.0.1:9999", "--print-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"FRISTAD_DATA_DIR=./fristad-data\n",                            // default
		"FRISTAD_STAFF_ADDR=127.0.0.1:9000\n",                          // environment
		"FRISTAD_PUBLIC_ADDR=127.0.0.1:9999\n",                         // flag over environment
		"FRISTAD_DB=postgres://fristad:REDACTED@db.internal/fristad\n", // redacted
		"FRISTAD_SMTP_URL=smtp://fristad:REDACTED@relay.internal:587\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--print-config output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "hunter2") || strings.Contains(stdout, "mailsecret") {
		t.Error("--print-config shows a password")
	}

	// The database URL may come from a file instead of the environment.
	file := filepath.Join(t.TempDir(), "db-url")
	os.WriteFile(file, []byte("postgres://fristad:fromfile@db/fristad\n"), 0o600)
	t.Setenv("FRISTAD_DB", "")
	os.Unsetenv("FRISTAD_DB")
	_, stdout, _ = runCommand(t, map[string]string{"FRISTAD_DB_FILE": file}, "serve", "--print-config")
	if !strings.Contains(stdout, "FRISTAD_DB=postgres://fristad:REDACTED@db/fristad\n") {
		t.Errorf("FRISTAD_DB_FILE not used:\n%s", stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCommand(t, nil, "version")
	if code != 0 || !strings.HasPrefix(stdout, "fristad ") {
		t.Fatalf("version: %d %q", code, stdout)
	}
}

// TestMigrateThenServe walks an administrator's first start: serve refuses
// the empty database, migrate prepares it, serve runs and stops cleanly.
func TestMigrateThenServe(t *testing.T) {
	for _, engine := range sqlstoretest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := sqlstoretest.NewDSN(t, engine)
			keyFile := filepath.Join(t.TempDir(), "master.key")
			addrs := []string{"--staff-addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0", "--master-key-file", keyFile}
			code, _, stderr := runCommand(t, nil, append([]string{"serve", "--db", dsn}, addrs...)...)
			if code != 1 || !strings.Contains(stderr, "master key file "+keyFile+" does not exist") {
				t.Fatalf("serve without a key file: %d %q; want a refusal naming the master key", code, stderr)
			}
			if code, _, stderr := runCommand(t, nil, "keys", "generate", "--out", keyFile); code != 0 {
				t.Fatalf("keys generate: %s", stderr)
			}
			code, _, stderr = runCommand(t, nil, append([]string{"serve", "--db", dsn}, addrs...)...)
			if code != 1 || !strings.Contains(stderr, "fristad migrate") {
				t.Fatalf("serve on an empty database: %d %q; want a refusal naming fristad migrate", code, stderr)
			}
			code, stdout, stderr := runCommand(t, nil, "migrate", "--db", dsn)
			if code != 0 || !strings.Contains(stdout, "schema now at version") {
				t.Fatalf("migrate: %d %q %q", code, stdout, stderr)
			}
			code, stdout, _ = runCommand(t, nil, "migrate", "--db", dsn, "--status")
			if code != 0 || !strings.Contains(stdout, "schema version") {
				t.Fatalf("migrate --status: %d %q", code, stdout)
			}
			staff, public := startCommand(t, append([]string{"serve", "--db", dsn}, addrs...)...)
			for _, u := range []string{staff + "/readyz", public + "/readyz", staff + "/", public + "/sv/"} {
				if got := mustGet(t, u); got != 200 {
					t.Errorf("GET %s = %d; want 200", u, got)
				}
			}
		})
	}
}

// TestDemo checks that demo prepares its own database, serves it with the
// banner, that serve refuses it without --demo, and that --reset starts
// over but never deletes real data.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	addrs := []string{"--staff-addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0"}
	t.Run("demo", func(t *testing.T) {
		staff, public := startCommand(t, append([]string{"demo", "--data-dir", dir}, addrs...)...)
		for _, u := range []string{staff + "/readyz", public + "/readyz"} {
			if got := mustGet(t, u); got != 200 {
				t.Errorf("GET %s = %d; want 200", u, got)
			}
		}
	})
	keyFile := filepath.Join(dir, "master.key")
	t.Run("serve refuses demo data", func(t *testing.T) {
		code, _, stderr := runCommand(t, nil, append([]string{"serve", "--data-dir", dir, "--master-key-file", keyFile}, addrs...)...)
		if code != 1 || !strings.Contains(stderr, "holds demo data") {
			t.Fatalf("serve on demo data: %d %q", code, stderr)
		}
	})
	t.Run("serve --demo", func(t *testing.T) {
		startCommand(t, append([]string{"serve", "--demo", "--data-dir", dir, "--master-key-file", keyFile}, addrs...)...)
	})
	t.Run("reset", func(t *testing.T) {
		// A table only the old database has tells them apart.
		path := filepath.Join(dir, "fristad.db")
		execSQLite(t, path, `CREATE TABLE old_marker (x INTEGER)`)
		startCommand(t, append([]string{"demo", "--reset", "--data-dir", dir}, addrs...)...)
		var n int
		queryRowSQLite(t, path, `SELECT count(*) FROM sqlite_master WHERE name = 'old_marker'`, &n)
		if n != 0 {
			t.Error("--reset kept the old database")
		}
	})
	t.Run("reset refuses real data", func(t *testing.T) {
		real := t.TempDir()
		if code, _, stderr := runCommand(t, nil, "migrate", "--data-dir", real); code != 0 {
			t.Fatal(stderr)
		}
		db, err := sqlstore.Open(t.Context(), filepath.Join(real, "fristad.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InitInstance(t.Context(), false); err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, _, stderr := runCommand(t, nil, append([]string{"demo", "--reset", "--data-dir", real}, addrs...)...)
		if code != 1 || !strings.Contains(stderr, "not demo data") {
			t.Fatalf("demo --reset on real data: %d %q", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(real, "fristad.db")); err != nil {
			t.Fatalf("real database gone: %v", err)
		}
	})
}

// execSQLite runs a statement on a SQLite file directly, bypassing sqlstore.
func execSQLite(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func queryRowSQLite(t *testing.T, path, query string, dest ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(query).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

// TestAuditCommands walks an auditor's routine: a signing key, a
// checkpoint kept outside, a verification that passes, and one that fails
// and names the event after someone edits the database directly.
func TestAuditCommands(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCommand(t, nil, "migrate", "--data-dir", dir); code != 0 {
		t.Fatal(stderr)
	}
	for _, name := range []string{"Org A", "Org B", "Org C"} {
		if code, _, stderr := runCommand(t, nil, "org", "create", "--data-dir", dir, "--name", name, "--type", "ngo"); code != 0 {
			t.Fatal(stderr)
		}
	}
	keyFile := filepath.Join(dir, "audit.key")
	code, stdout, stderr := runCommand(t, nil, "audit", "keygen", "--out", keyFile)
	if code != 0 {
		t.Fatal(stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	verifierKey := lines[len(lines)-1]
	code, checkpoint, stderr := runCommand(t, nil, "audit", "checkpoint", "--data-dir", dir, "--key-file", keyFile)
	if code != 0 || !strings.HasPrefix(checkpoint, "fristad audit log\n3\n") {
		t.Fatalf("checkpoint: %d %q %s", code, checkpoint, stderr)
	}
	witness := filepath.Join(t.TempDir(), "checkpoint")
	os.WriteFile(witness, []byte(checkpoint), 0o600)
	args := []string{"audit", "verify", "--data-dir", dir, "--verifier-key", verifierKey, "--witness", witness}
	if code, stdout, stderr := runCommand(t, nil, args...); code != 0 || !strings.HasPrefix(stdout, "ok: 3 events, 1 signed checkpoints, 1 witnessed") {
		t.Fatalf("verify: %d %q %q", code, stdout, stderr)
	}
	execSQLite(t, filepath.Join(dir, "fristad.db"), `UPDATE audit_log SET object_id = 'forged' WHERE seq = 1`)
	code, _, stderr = runCommand(t, nil, args...)
	if code != 1 || !strings.Contains(stderr, "leaf mismatch at index 1") {
		t.Fatalf("verify after tampering: %d %q; want exit 1 naming index 1", code, stderr)
	}
	if code, _, stderr := runCommand(t, nil, "audit", "keygen", "--out", keyFile); code == 0 || !strings.Contains(stderr, "cannot create") {
		t.Errorf("keygen over an existing file: %d %q", code, stderr)
	}
}

// TestAPIToken creates a token on the command line, uses it against the
// running API, and revokes it.
func TestAPIToken(t *testing.T) {
	c := MustRunDemo(t, sqlstore.SQLite)
	dsn := c.DB.Source()
	code, stdout, stderr := runCommand(t, nil, "token", "create", "--db", dsn, "--user", "admin@demo.fristad.invalid", "--name", "script")
	if code != 0 {
		t.Fatal(stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "fristad_") {
		t.Fatalf("the last line is not the token: %q", stdout)
	}
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", c.Server.StaffURL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("/api/v1/me"); status != 200 || !strings.Contains(body, `"email":"admin@demo.fristad.invalid"`) || !strings.Contains(body, `"scope":"read"`) {
		t.Fatalf("/me = %d %s", status, body)
	}
	if status, body := get("/api/v1/users"); status != 200 || !strings.Contains(body, "handlaggare@demo.fristad.invalid") {
		t.Errorf("/users as an administrator = %d %s", status, body)
	}
	if status, _ := get("/api/v1/audit"); status != 404 {
		t.Errorf("/audit as an administrator = %d; want 404", status)
	}
	_, list, _ := runCommand(t, nil, "token", "list", "--db", dsn, "--user", "admin@demo.fristad.invalid")
	id := strings.Fields(strings.Split(strings.TrimSpace(list), "\n")[1])[0]
	if code, _, stderr := runCommand(t, nil, "token", "revoke", "--db", dsn, "--id", id); code != 0 {
		t.Fatal(stderr)
	}
	if status, body := get("/api/v1/me"); status != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
		t.Errorf("/me with a revoked token = %d %s", status, body)
	}
}

// TestKeyRotationOnline rotates the master key while the demo runs: the
// data keys are re-wrapped under the new key, and the running server,
// meeting it, reads the key file again instead of failing (SR-62).
func TestKeyRotationOnline(t *testing.T) {
	dir := t.TempDir()
	staff, _ := startCommand(t, "demo", "--data-dir", dir, "--staff-addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0")
	keyFile := filepath.Join(dir, "master.key")
	code, stdout, stderr := runCommand(t, nil, "keys", "rotate", "--data-dir", dir, "--master-key-file", keyFile)
	if code != 0 || !strings.Contains(stdout, "re-wrapped") {
		t.Fatalf("keys rotate: %d %q %q", code, stdout, stderr)
	}
	old := strings.Fields(stdout[strings.Index(stdout, "--id"):])[1]
	code, _, stderr = runCommand(t, nil, "keys", "retire", "--data-dir", dir, "--master-key-file", keyFile, "--id", old)
	if code != 0 {
		t.Fatalf("keys retire: %s", stderr)
	}
	_, status, _ := runCommand(t, nil, "keys", "status", "--data-dir", dir, "--master-key-file", keyFile)
	if strings.Contains(status, old) {
		t.Errorf("the retired key is still listed:\n%s", status)
	}

	// Log in through the running server: opening the TOTP secret needs
	// the staff data key, now wrapped only by the new master key.
	b := &formClient{t: t, base: staff, cookies: map[string]string{}}
	b.get("/login")
	if resp := b.post("/login", url.Values{"email": {"admin@demo.fristad.invalid"}, "password": {demoPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password: %d", resp.StatusCode)
	}
	code2, _ := auth.TOTPCode(demoSecret("admin@demo.fristad.invalid"), time.Now())
	if resp := b.post("/login/code", url.Values{"code": {code2}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("code after rotation: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// formClient posts forms with the workspace's cookies and form token.
type formClient struct {
	t       *testing.T
	base    string
	cookies map[string]string
}

func (c *formClient) do(method, path string, form url.Values) *http.Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", c.cookies["__Host-fristad-csrf"])
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return resp
}

func (c *formClient) get(path string) *http.Response { return c.do("GET", path, nil) }
func (c *formClient) post(path string, form url.Values) *http.Response {
	return c.do("POST", path, form)
}

// TestBackup copies a running installation's embedded database: the case
// data and the key store in two owner-only files, the data copy at the
// current schema; on PostgreSQL it points to pg_dump.
func TestBackup(t *testing.T) {
	dir, to := t.TempDir(), filepath.Join(t.TempDir(), "copies")
	if code, _, stderr := runCommand(t, nil, "migrate", "--data-dir", dir); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	if code, _, stderr := runCommand(t, nil, "backup", "--data-dir", dir); code != 2 || !strings.Contains(stderr, "--to is required") {
		t.Errorf("backup without --to: %d %q", code, stderr)
	}
	code, stdout, stderr := runCommand(t, nil, "backup", "--data-dir", dir, "--to", to)
	if code != 0 {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(to, "*.db"))
	if len(files) != 2 || !strings.Contains(stdout, "case data: ") || !strings.Contains(stdout, "key store: ") {
		t.Fatalf("backup wrote %v, said %q", files, stdout)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", f, err, fi.Mode())
		}
		buf, _ := os.ReadFile(f)
		if !strings.HasPrefix(string(buf), "SQLite format 3") {
			t.Errorf("%s is no SQLite database", f)
		}
		isKeys := strings.Contains(filepath.Base(f), "keys-")
		if got := strings.Contains(string(buf), "CREATE TABLE subject_keys"); got != isKeys {
			t.Errorf("%s holds the key store: %v", f, got)
		}
	}
	// The copy of the case data is a database at the current schema.
	for _, f := range files {
		if !strings.Contains(filepath.Base(f), "fristad-") {
			continue
		}
		restored := filepath.Join(t.TempDir(), "fristad.db")
		buf, _ := os.ReadFile(f)
		os.WriteFile(restored, buf, 0o600)
		if code, stdout, _ := runCommand(t, nil, "migrate", "--data-dir", filepath.Dir(restored), "--status"); code != 0 || !strings.Contains(stdout, "schema version") {
			t.Errorf("the restored copy: %d %q", code, stdout)
		}
	}
	if dsn := os.Getenv("FRISTAD_TEST_POSTGRES_URL"); dsn != "" {
		pg := sqlstoretest.NewDSN(t, sqlstore.Postgres)
		runCommand(t, nil, "migrate", "--db", pg)
		if code, _, stderr := runCommand(t, nil, "backup", "--db", pg, "--to", to); code != 1 || !strings.Contains(stderr, "pg_dump") {
			t.Errorf("backup on PostgreSQL: %d %q; want a pointer to pg_dump", code, stderr)
		}
	}
}
