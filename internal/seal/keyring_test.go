package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// keyLine returns a valid keyring record for raw.
func keyLine(t *testing.T, raw []byte, primary bool) string {
	t.Helper()
	mk, err := newMasterKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	l := "fristad-master-key v1 " + mk.idHex + " " + base64.StdEncoding.EncodeToString(raw)
	if primary {
		l += " primary"
	}
	return l
}

func keyID(t *testing.T, raw []byte) string {
	t.Helper()
	mk, err := newMasterKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	return mk.idHex
}

func TestParseKeyring(t *testing.T) {
	a := bytes.Repeat([]byte{0xA1}, 32)
	b := bytes.Repeat([]byte{0xB2}, 32)
	idA, idB := keyID(t, a), keyID(t, b)
	b64A := base64.StdEncoding.EncodeToString(a)
	secrets := append(secretForms(a), secretForms(b)...)

	valid := []struct {
		name    string
		text    string
		primary string
		ids     []string
	}{
		{"single", keyLine(t, a, true) + "\n", idA, []string{idA}},
		{"no trailing newline", keyLine(t, a, true), idA, []string{idA}},
		{"two keys, comments, blanks, CRLF", "# comment\r\n\r\n  " + keyLine(t, a, false) + "\r\n" + keyLine(t, b, true) + "\r\n# end\r\n", idB, []string{idA, idB}},
		{"semicolon separated (env var)", keyLine(t, a, true) + ";" + keyLine(t, b, false), idA, []string{idA, idB}},
		{"tabs between fields", strings.ReplaceAll(keyLine(t, a, true), " ", "\t"), idA, []string{idA}},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKeyring([]byte(tc.text))
			if err != nil {
				t.Fatalf("ParseKeyring: %v", err)
			}
			if got := k.PrimaryID(); got != tc.primary {
				t.Errorf("PrimaryID = %s, want %s", got, tc.primary)
			}
			if got := k.KeyIDs(); !slices.Equal(got, tc.ids) {
				t.Errorf("KeyIDs = %v, want %v", got, tc.ids)
			}
			// Export must parse back to the same keyring.
			k2, err := ParseKeyring(k.Export())
			if err != nil {
				t.Fatalf("ParseKeyring(Export()): %v", err)
			}
			if k2.PrimaryID() != k.PrimaryID() || !slices.Equal(k2.KeyIDs(), k.KeyIDs()) {
				t.Errorf("Export round trip changed the keyring: %v -> %v", k, k2)
			}
		})
	}

	invalid := []struct {
		name string
		text string
		want string // substring of the error
	}{
		{"empty", "", "no keys"},
		{"only whitespace", " \n\t\n", "no keys"},
		{"only comments", "# nothing here\n", "no keys"},
		{"no primary", keyLine(t, a, false), "no key is marked"},
		{"two primaries", keyLine(t, a, true) + "\n" + keyLine(t, b, true), "more than one"},
		{"duplicate key", keyLine(t, a, true) + "\n" + keyLine(t, a, false), "duplicate key " + idA},
		{"wrong magic", strings.Replace(keyLine(t, a, true), "fristad-master-key", "fristad-key", 1), "does not start with"},
		{"wrong version", strings.Replace(keyLine(t, a, true), " v1 ", " v2 ", 1), "unsupported record version"},
		{"too few fields", "fristad-master-key v1 " + idA, "got 3 fields"},
		{"too many fields", keyLine(t, a, true) + " extra", "got 6 fields"},
		{"unknown flag", keyLine(t, a, false) + " secondary", "unknown flag"},
		{"bad id (uppercase)", strings.Replace(keyLine(t, a, true), idA, strings.ToUpper(idA), 1), "8 lowercase hex"},
		{"bad id (length)", strings.Replace(keyLine(t, a, true), idA, idA+"0", 1), "8 lowercase hex"},
		{"key in id position", "fristad-master-key v1 " + b64A + " " + idA + " primary", "8 lowercase hex"},
		{"id does not match key", strings.Replace(keyLine(t, a, true), idA, idB, 1), "does not match its key"},
		{"bad base64", strings.Replace(keyLine(t, a, true), b64A, "!!"+b64A[2:], 1), "not valid standard base64"},
		{"unpadded base64", strings.Replace(keyLine(t, a, true), b64A, strings.TrimRight(b64A, "="), 1), "not valid standard base64"},
		{"short key", "fristad-master-key v1 " + idA + " " + base64.StdEncoding.EncodeToString(a[:31]) + " primary", "31 bytes"},
		{"long key", "fristad-master-key v1 " + idA + " " + base64.StdEncoding.EncodeToString(append(a, 1)) + " primary", "33 bytes"},
		{"very long key", "fristad-master-key v1 " + idA + " " + base64.StdEncoding.EncodeToString(bytes.Repeat(a, 4)) + " primary", "too long"},
		{"garbage", "hello world", "got 2 fields"},
		{"line number", "# c\n\n" + keyLine(t, a, true) + "\nbroken\n", "line 4"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKeyring([]byte(tc.text))
			if err == nil {
				t.Fatalf("ParseKeyring succeeded (%v); want an error", k)
			}
			if !errors.Is(err, ErrInvalidKeyring) {
				t.Errorf("error %q does not wrap ErrInvalidKeyring", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			assertNoSecrets(t, "ParseKeyring error", err.Error(), secrets)
		})
	}
}

func writeKeyFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadKeyringFile(t *testing.T) {
	raw := bytes.Repeat([]byte{0x42}, 32)
	good := keyLine(t, raw, true) + "\n"
	secrets := secretForms(raw)
	dir := t.TempDir()

	for _, tc := range []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr error // nil means success
	}{
		{"0600 accepted", good, 0o600, nil},
		{"0400 accepted", good, 0o400, nil},
		{"0644 refused", good, 0o644, ErrInsecureKeyFile},
		{"0640 refused", good, 0o640, ErrInsecureKeyFile},
		{"0604 refused", good, 0o604, ErrInsecureKeyFile},
		{"0660 refused", good, 0o660, ErrInsecureKeyFile},
		{"0602 refused", good, 0o602, ErrInsecureKeyFile},
		{"0700 refused", good, 0o700, ErrInsecureKeyFile},
		{"0666 refused", good, 0o666, ErrInsecureKeyFile},
		{"empty refused", "", 0o600, ErrInvalidKeyring},
		{"blank refused", "\n\n  \n", 0o600, ErrInvalidKeyring},
		{"malformed refused", "fristad-master-key v1 nothex!! " + base64.StdEncoding.EncodeToString(raw) + " primary\n", 0o600, ErrInvalidKeyring},
		{"no primary refused", keyLine(t, raw, false) + "\n", 0o600, ErrInvalidKeyring},
		{"too large refused", good + strings.Repeat("#"+strings.Repeat("x", 1000)+"\n", 70), 0o600, ErrInvalidKeyring},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeKeyFile(t, dir, strings.ReplaceAll(tc.name, " ", "_"), tc.content, tc.mode)
			k, err := LoadKeyringFile(p)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("LoadKeyringFile: %v", err)
				}
				if k.PrimaryID() != keyID(t, raw) {
					t.Errorf("PrimaryID = %s, want %s", k.PrimaryID(), keyID(t, raw))
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadKeyringFile succeeded; want %v", tc.wantErr)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("error %q does not wrap %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
			if tc.wantErr == ErrInsecureKeyFile && !strings.Contains(err.Error(), fmt.Sprintf("%#o", tc.mode)) {
				t.Errorf("error %q does not state the mode %#o", err, tc.mode)
			}
			assertNoSecrets(t, "LoadKeyringFile error", err.Error(), secrets)
		})
	}

	t.Run("missing refused", func(t *testing.T) {
		_, err := LoadKeyringFile(filepath.Join(dir, "does-not-exist"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v; want fs.ErrNotExist", err)
		}
	})
	t.Run("directory refused", func(t *testing.T) {
		d := filepath.Join(dir, "adir")
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKeyringFile(d)
		if !errors.Is(err, ErrInsecureKeyFile) {
			t.Fatalf("err = %v; want ErrInsecureKeyFile", err)
		}
	})
	t.Run("symlink to 0644 refused", func(t *testing.T) {
		target := writeKeyFile(t, dir, "target644", good, 0o644)
		link := filepath.Join(dir, "link")
		if err := os.Symlink(target, link); err != nil {
			t.Skip(err)
		}
		if _, err := LoadKeyringFile(link); !errors.Is(err, ErrInsecureKeyFile) {
			t.Fatalf("err = %v; want ErrInsecureKeyFile", err)
		}
	})
}

func TestGenerateKeyringFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "master.keys")
	k, err := GenerateKeyringFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %#o, want 0600", fi.Mode().Perm())
	}
	before, _ := os.ReadFile(p)
	k2, err := LoadKeyringFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if k2.PrimaryID() != k.PrimaryID() || len(k2.KeyIDs()) != 1 {
		t.Errorf("loaded %v, generated %v", k2, k)
	}
	// The loaded key must be the same key: a wrap by one unwraps by the other.
	_, w := mustDataKey(t, k, "s1")
	if _, err := k2.UnwrapDataKey("s1", w); err != nil {
		t.Errorf("generated and loaded keyrings differ: %v", err)
	}

	// Never overwrite.
	if _, err := GenerateKeyringFile(p); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second GenerateKeyringFile: err = %v; want fs.ErrExist", err)
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Fatal("GenerateKeyringFile modified an existing file")
	}
	// Not even through a dangling symlink.
	link := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), link); err == nil {
		if _, err := GenerateKeyringFile(link); !errors.Is(err, fs.ErrExist) {
			t.Errorf("GenerateKeyringFile through dangling symlink: err = %v; want fs.ErrExist", err)
		}
		if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
			t.Error("GenerateKeyringFile created the symlink target")
		}
	}
	if _, err := GenerateKeyringFile(filepath.Join(dir, "missing-dir", "k")); err == nil {
		t.Error("GenerateKeyringFile in a missing directory succeeded")
	}
}

func TestWriteFile(t *testing.T) {
	for _, mode := range []os.FileMode{0o600, 0o400} {
		t.Run(fmt.Sprintf("%#o", mode), func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "master.keys")
			k, err := GenerateKeyringFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
			old := k.PrimaryID()
			newID, err := k.AddPrimary()
			if err != nil {
				t.Fatal(err)
			}
			if err := k.WriteFile(p); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != mode {
				t.Errorf("mode after WriteFile = %#o, want %#o", fi.Mode().Perm(), mode)
			}
			k2, err := LoadKeyringFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if k2.PrimaryID() != newID || !slices.Equal(k2.KeyIDs(), []string{old, newID}) {
				t.Errorf("reloaded keyring %v ids %v; want primary %s, ids [%s %s]", k2, k2.KeyIDs(), newID, old, newID)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("WriteFile left extra files: %v", entries)
			}
		})
	}
	t.Run("new file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "k")
		k := mustKeyring(t)
		if err := k.WriteFile(p); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadKeyringFile(p); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAddPrimaryRemove(t *testing.T) {
	k := mustKeyring(t)
	first := k.PrimaryID()
	second, err := k.AddPrimary()
	if err != nil {
		t.Fatal(err)
	}
	if second == first || k.PrimaryID() != second {
		t.Fatalf("after AddPrimary primary = %s (first %s, new %s)", k.PrimaryID(), first, second)
	}
	if !k.Has(first) || !k.Has(second) || k.Has("00000000") {
		t.Errorf("Has is wrong: ids %v", k.KeyIDs())
	}
	if err := k.Remove(second); err == nil {
		t.Error("Remove(primary) succeeded")
	}
	if err := k.Remove("00000000"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Remove(unknown) = %v; want ErrUnknownKey", err)
	}
	if err := k.Remove(first); err != nil {
		t.Fatal(err)
	}
	if k.Has(first) || !slices.Equal(k.KeyIDs(), []string{second}) {
		t.Errorf("after Remove ids = %v", k.KeyIDs())
	}
}

// TestRedaction checks that no fmt verb prints key material.
func TestRedaction(t *testing.T) {
	k := mustKeyring(t)
	if _, err := k.AddPrimary(); err != nil {
		t.Fatal(err)
	}
	dk, _ := mustDataKey(t, k, "s1")
	wix, err := k.NewIndexKey()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := k.Indexer(wix, 0)
	if err != nil {
		t.Fatal(err)
	}
	secrets := keyringSecrets(k)
	secrets = append(secrets, secretForms(dk.root[:])...)
	secrets = append(secrets, secretForms(ix.prk[:])...)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %p"} {
		for _, v := range []any{k, dk, ix, []any{k, dk, ix}, struct{ K *Keyring }{k}} {
			out := fmt.Sprintf(verb, v)
			assertNoSecrets(t, "fmt "+verb, out, secrets)
		}
	}
	// Every verb prints exactly the redacted summary.
	for _, v := range []fmt.Stringer{k, dk, ix} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%08.3f"} {
			if got := fmt.Sprintf(verb, v); got != v.String() {
				t.Errorf("Sprintf(%q, %T) = %q, want %q", verb, v, got, v.String())
			}
		}
	}
	if s := k.String(); !strings.Contains(s, k.PrimaryID()) || !strings.Contains(s, "redacted") {
		t.Errorf("Keyring.String() = %q", s)
	}
}
