// Package rendertest checks a site's templates: each page type-checks
// against its page struct, and every message key a template names exists
// in the site's catalog.
package rendertest

import (
	"io/fs"
	"regexp"
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
