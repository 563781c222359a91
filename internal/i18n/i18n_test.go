package i18n_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"fristad/internal/i18n"

	"golang.org/x/text/language"
)

// catalogDirs are the catalogs shipped in the binary.
var catalogDirs = []string{"messages/staff", "messages/portal", "messages/plan"}

// readCatalog returns each language file of dir parsed as JSON.
func readCatalog(t *testing.T, fsys fs.FS, dir string) map[string]map[string]any {
	t.Helper()
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]map[string]any{}
	for _, e := range entries {
		buf, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(buf, &m); err != nil {
			t.Fatalf("%s/%s: %v", dir, e.Name(), err)
		}
		// sv.json and sv.cases.json are both Swedish.
		tag, _, _ := strings.Cut(strings.TrimSuffix(e.Name(), ".json"), ".")
		if files[tag] == nil {
			files[tag] = map[string]any{}
		}
		for k, v := range m {
			if _, dup := files[tag][k]; dup {
				t.Errorf("%s/%s: %q is defined in two files", dir, e.Name(), k)
			}
			files[tag][k] = v
		}
	}
	return files
}

// TestCatalogsComplete fails when a key of the base language (Swedish) is
// missing or empty in another language of the same catalog, or when a
// language has a key the base does not.
func TestCatalogsComplete(t *testing.T) {
	fsys := os.DirFS(".")
	for _, dir := range append(catalogDirs, "testdata/rtl", "testdata/split") {
		files := readCatalog(t, fsys, dir)
		base, ok := files["sv"]
		if !ok {
			t.Fatalf("%s: no sv.json", dir)
		}
		for lang, msgs := range files {
			for key := range base {
				v, ok := msgs[key]
				if !ok {
					t.Errorf("%s/%s.json: missing %q", dir, lang, key)
					continue
				}
				switch v := v.(type) {
				case string:
					if strings.TrimSpace(v) == "" {
						t.Errorf("%s/%s.json: %q is empty", dir, lang, key)
					}
				case map[string]any:
					for form, s := range v {
						if s, _ := s.(string); strings.TrimSpace(s) == "" {
							t.Errorf("%s/%s.json: %q form %q is empty", dir, lang, key, form)
						}
					}
				default:
					t.Errorf("%s/%s.json: %q is neither a text nor plural forms", dir, lang, key)
				}
			}
			for key := range msgs {
				if _, ok := base[key]; !ok {
					t.Errorf("%s/%s.json: %q is not in sv.json", dir, lang, key)
				}
			}
		}
	}
}

// TestPluralForms renders every plural message in every language for many
// counts: a language missing a CLDR form it needs (Arabic has six) fails.
func TestPluralForms(t *testing.T) {
	for _, dir := range append(catalogDirs, "testdata/rtl") {
		c, err := i18n.Load(os.DirFS("."), dir, language.Swedish)
		if err != nil {
			t.Fatal(err)
		}
		files := readCatalog(t, os.DirFS("."), dir)
		for _, tag := range c.Languages() {
			p := c.Printer(tag)
			for key, v := range files[tag.String()] {
				if _, ok := v.(map[string]any); !ok {
					continue
				}
				for n := range 1000 {
					if got := p.Plural(key, n); got == key || strings.Contains(got, "{{") {
						t.Fatalf("%s/%s: %q for %d = %q", dir, tag, key, n, got)
					}
				}
			}
		}
	}
}

func TestArabicPlural(t *testing.T) {
	c, err := i18n.Load(os.DirFS("."), "testdata/rtl", language.Swedish)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Printer(language.Arabic)
	for n, want := range map[int]string{0: "لا توجد حالات", 1: "حالة واحدة", 2: "حالتان", 3: "3 حالات", 11: "11 حالة", 100: "100 حالة"} {
		if got := p.Plural("cases", n); got != want {
			t.Errorf("Plural(cases, %d) = %q; want %q", n, got, want)
		}
	}
	if p.Dir() != "rtl" || p.Lang() != "ar" {
		t.Errorf("Arabic printer: lang=%q dir=%q; want ar, rtl", p.Lang(), p.Dir())
	}
	if got := c.LanguageName(language.Arabic); got != "العربية" {
		t.Errorf("LanguageName(ar) = %q", got)
	}
}

func TestMatch(t *testing.T) {
	c := i18n.Staff()
	for _, tt := range []struct {
		explicit, accept, want string
	}{
		{"", "", "sv"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "en-US", "en"},
		{"", "sv-FI, en;q=0.5", "sv"},
		{"", "de-DE,de;q=0.9", "sv"},
		{"", "not a header;;;", "sv"},
		{"en", "sv", "en"},
		{"EN", "", "en"},
		{"xx", "en", "en"},
		{"", "nb", "sv"}, // Norwegian readers understand Swedish
	} {
		if got := c.Match(tt.explicit, tt.accept).String(); got != tt.want {
			t.Errorf("Match(%q, %q) = %s; want %s", tt.explicit, tt.accept, got, tt.want)
		}
	}
}

func TestDir(t *testing.T) {
	for tag, want := range map[string]string{
		"ar": "rtl", "fa-AF": "rtl", "prs": "rtl", "he": "rtl", "ur": "rtl",
		"sv": "ltr", "en": "ltr", "th": "ltr", "uk": "ltr", "uz": "ltr", "sv-x-easy": "ltr",
	} {
		if got := i18n.Dir(language.MustParse(tag)); got != want {
			t.Errorf("Dir(%s) = %s; want %s", tag, got, want)
		}
	}
}

func TestPrinter(t *testing.T) {
	p := i18n.Staff().Printer(language.English)
	if got := p.T("layout.language.change", "Name", "Svenska"); got != "Change language to Svenska" {
		t.Errorf("T with an argument = %q", got)
	}
	if got := p.T("no.such.key"); got != "no.such.key" {
		t.Errorf("T of a missing key = %q; want the key", got)
	}
	// A language the catalog lacks falls back to the base.
	if got := i18n.Staff().Printer(language.German).Lang(); got != "sv" {
		t.Errorf("Printer(de).Lang() = %q; want sv", got)
	}
	want := []string{"sv", "en"}
	var got []string
	for _, tag := range i18n.Staff().Languages() {
		got = append(got, tag.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("Languages() = %v; want %v", got, want)
	}
}

// TestSplitCatalog checks that a language's messages may be split by
// feature into several files.
func TestSplitCatalog(t *testing.T) {
	c, err := i18n.Load(os.DirFS("."), "testdata/split", language.Swedish)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Printer(language.English).T("b"); got != "B in English" {
		t.Errorf("T(b) = %q", got)
	}
	if n := len(c.Languages()); n != 2 {
		t.Errorf("%d languages; want 2", n)
	}
}
