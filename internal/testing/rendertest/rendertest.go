// Package rendertest checks a site's templates: each page type-checks
// against its page struct, and every message key a template names exists
// in the site's catalog.
package rendertest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/i18n"
	"fristad/internal/render"

	"github.com/jba/templatecheck"
)

// CheckPages type-checks every page of engine against the struct pages
// names for it, and fails for a page without one.
func CheckPages(t *testing.T, engine *render.Engine, pages map[string]any) {
	t.Helper()
	for _, name := range engine.Pages() {
		data, ok := pages[name]
		if !ok {
			t.Errorf("page %q has no page struct in the test", name)
			continue
		}
		if err := templatecheck.CheckHTML(engine.Template(name).Lookup("layout"), data); err != nil {
			t.Errorf("page %q: %v", name, err)
		}
	}
}

var keyRE = regexp.MustCompile(`\.T "([^"]+)"`)

// CheckKeys fails for every literal message key in the templates of fsys
// that the catalog lacks, and for an error code without its title and
// text.
func CheckKeys(t *testing.T, fsys fs.FS, catalog *i18n.Catalog) {
	t.Helper()
	p := catalog.Printer(catalog.Base())
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		buf, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(buf), -1) {
			if p.T(m[1]) == m[1] {
				t.Errorf("%s: message %q is not in the %s catalog", path, m[1], catalog.Name())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range fristad.ErrorCodes {
		for _, key := range []string{"error." + code + ".title", "error." + code + ".text"} {
			if p.T(key) == key {
				t.Errorf("message %q is not in the %s catalog", key, catalog.Name())
			}
		}
	}
}

// errorKeyRE finds the catalog keys that Go code gives errors: the
// second argument of fristad.Localized, the second of the root package's
// invalid helper, and the Key field of a fristad.Error literal.
var errorKeyRE = regexp.MustCompile(`(?:Localized\([A-Za-z.]+, |invalid\("[a-z0-9_]+", |Key: +)"([a-z0-9_.]+)"`)

// CheckErrorKeys fails for every error message key in the Go code under
// root that the catalog lacks, so no user ever sees a raw key.
func CheckErrorKeys(t *testing.T, root string, catalog *i18n.Catalog) {
	t.Helper()
	p := catalog.Printer(catalog.Base())
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range errorKeyRE.FindAllStringSubmatch(string(buf), -1) {
			found++
			if p.T(m[1]) == m[1] {
				t.Errorf("%s: error message %q is not in the %s catalog", path, m[1], catalog.Name())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Errorf("no error message keys found under %s", root)
	}
}
