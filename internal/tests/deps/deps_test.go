// Package deps_test keeps the architecture honest: it fails when a package
// imports in the wrong direction, when the public portal could reach case
// data, or when the module gains a dependency nobody chose.
package deps_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

// listPackages returns the module's packages with their direct and
// transitive imports.
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	cmd := exec.Command(gobin, "list", "-json", "fristad/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "fristad"
}

// TestRootImportsOnlyStandardLibrary: the domain package depends on
// nothing but Go.
func TestRootImportsOnlyStandardLibrary(t *testing.T) {
	root := listPackages(t)["fristad"]
	for _, imp := range root.Imports {
		if !isStd(imp) {
			t.Errorf("package fristad imports %s; the root may import only the standard library", imp)
		}
	}
}

// TestImportDirection: root ← internal/* ← cmd; the sites never reach the
// database directly; nothing imports cmd.
func TestImportDirection(t *testing.T) {
	// forbidden[p] lists what package p may not import, directly or not.
	forbidden := map[string][]string{
		"fristad/internal/web":      {"fristad/internal/sqlstore", "fristad/internal/server", "fristad/internal/portal", "fristad/internal/content", "fristad/internal/api"},
		"fristad/internal/api":      {"fristad/internal/sqlstore", "fristad/internal/server", "fristad/internal/portal", "fristad/internal/content", "fristad/internal/web"},
		"fristad/internal/render":   {"fristad/internal/sqlstore", "fristad/internal/server", "fristad/internal/portal", "fristad/internal/web", "fristad/internal/api"},
		"fristad/internal/guard":    {"fristad/internal/sqlstore", "fristad/internal/server", "fristad/internal/portal", "fristad/internal/web", "fristad/internal/api", "fristad/internal/render"},
		"fristad/internal/i18n":     {"fristad/internal/sqlstore", "fristad/internal/server", "fristad/internal/render"},
		"fristad/internal/sqlstore": {"fristad/internal/server", "fristad/internal/web", "fristad/internal/portal", "fristad/internal/api", "fristad/internal/render"},
		// The content editor uses the portal to check what editors write,
		// and keeps its drafts through fristad.ContentStore: it never
		// reaches the database, and the sites use it through
		// fristad.ContentEditor.
		"fristad/internal/content": {"fristad/internal/sqlstore", "fristad/internal/server", "fristad/internal/web", "fristad/internal/api", "fristad/internal/seal", "fristad/internal/audit"},
	}
	pkgs := listPackages(t)
	for path, p := range pkgs {
		for _, dep := range p.Deps {
			if strings.HasPrefix(dep, "fristad/cmd/") {
				t.Errorf("%s imports %s; nothing may import a command", path, dep)
			}
			if slices.Contains(forbidden[path], dep) {
				t.Errorf("%s reaches %s; that import goes against the architecture", path, dep)
			}
		}
	}
}

// TestTestSupportOnlyInTests: the packages under internal/testing (the
// browser harness, the template checks) exist for tests, and no package
// of the program reaches them; only test files import them.
func TestTestSupportOnlyInTests(t *testing.T) {
	const support = "fristad/internal/testing/"
	pkgs := listPackages(t)
	found := false
	for path, p := range pkgs {
		if strings.HasPrefix(path, support) {
			found = true
			continue
		}
		for _, dep := range p.Deps {
			if strings.HasPrefix(dep, support) {
				t.Errorf("%s reaches %s; test support may be imported by tests only", path, dep)
			}
		}
	}
	if !found {
		t.Errorf("no package under %s; has test support moved?", support)
	}
}

// TestPortalCannotReachCaseData makes the wall between the public site and
// confidential case data a build-time fact: nothing the portal imports,
// however indirectly, can open the database or read the staff site's
// code.
func TestPortalCannotReachCaseData(t *testing.T) {
	p, ok := listPackages(t)["fristad/internal/portal"]
	if !ok {
		t.Fatal("no package fristad/internal/portal")
	}
	deny := []string{
		"fristad/internal/sqlstore", "fristad/internal/web", "fristad/internal/api",
		"fristad/internal/seal", "fristad/internal/audit", "fristad/internal/server",
		"fristad/internal/content", // editing and publishing are the staff side's
		"database/sql", "github.com/jackc/pgx/v5", "modernc.org/sqlite",
	}
	for _, dep := range p.Deps {
		for _, d := range deny {
			if dep == d || strings.HasPrefix(dep, d+"/") {
				t.Errorf("internal/portal reaches %s", dep)
			}
		}
	}
}

// TestDirectDependencies fails when go.mod gains a direct dependency that
// is not on this list. Adding one is a decision: record it here.
func TestDirectDependencies(t *testing.T) {
	allowed := map[string]string{
		"github.com/jackc/pgx/v5":             "PostgreSQL driver",
		"modernc.org/sqlite":                  "embedded database, pure Go",
		"github.com/pressly/goose/v3":         "schema migrations",
		"github.com/prometheus/client_golang": "metrics",
		"github.com/nicksnyder/go-i18n/v2":    "message catalogs with CLDR plurals",
		"golang.org/x/text":                   "language matching",
		"golang.org/x/crypto":                 "Argon2id password hashes",
		"github.com/pquerna/otp":              "TOTP second factors",
		"github.com/trustelem/zxcvbn":         "password strength with common-password lists",
		"github.com/go-webauthn/webauthn":     "passkeys and security keys (WebAuthn)",
		"golang.org/x/mod":                    "Merkle audit log and signed checkpoints (sumdb/tlog, sumdb/note)",
		"github.com/chromedp/chromedp":        "browser tests (test only)",
		"github.com/chromedp/cdproto":         "browser tests (test only)",
		"github.com/jba/templatecheck":        "template type checks (test only)",
	}
	f, err := os.Open("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inRequire := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "require (":
			inRequire = true
			continue
		case line == ")":
			inRequire = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inRequire:
			continue
		}
		if strings.HasSuffix(line, "// indirect") || line == "" {
			continue
		}
		mod, _, _ := strings.Cut(line, " ")
		if _, ok := allowed[mod]; !ok {
			t.Errorf("go.mod requires %s directly; add it to the allowed list with a reason, or remove it", mod)
		}
	}
}
