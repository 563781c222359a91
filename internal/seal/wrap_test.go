package seal

import (
	"bytes"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataKeyRoundTrip(t *testing.T) {
	k := mustKeyring(t)
	for _, subject := range []string{"1", "person-7f3a", "child/2", strings.Repeat("x", 1000), "åäö ✓"} {
		t.Run(subject[:min(len(subject), 20)], func(t *testing.T) {
			dk, w := mustDataKey(t, k, subject)
			if len(w) != WrappedLen {
				t.Fatalf("len(wrapped) = %d, want %d", len(w), WrappedLen)
			}
			if got := WrappedKeyID(w); got != k.PrimaryID() {
				t.Errorf("WrappedKeyID = %q, want %q", got, k.PrimaryID())
			}
			dk2, err := k.UnwrapDataKey(subject, w)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(dk.root[:], dk2.root[:]) || dk2.SubjectID() != subject {
				t.Fatal("unwrapped key differs from the generated one")
			}
			ct, err := dk.Seal([]byte("CANARY-7f3a"), "person", "name", "1")
			if err != nil {
				t.Fatal(err)
			}
			pt, err := dk2.Open(ct, "person", "name", "1")
			if err != nil || string(pt) != "CANARY-7f3a" {
				t.Fatalf("Open with unwrapped key = %q, %v", pt, err)
			}
		})
	}
}

func TestDataKeysAreIndependent(t *testing.T) {
	k := mustKeyring(t)
	a, wa := mustDataKey(t, k, "a")
	b, wb := mustDataKey(t, k, "b")
	a2, _ := mustDataKey(t, k, "a") // a second key for the same subject is new, too
	if bytes.Equal(a.root[:], b.root[:]) || bytes.Equal(a.root[:], a2.root[:]) {
		t.Fatal("data keys repeat")
	}
	if bytes.Equal(wa, wb) {
		t.Fatal("wrapped keys repeat")
	}
	ct, _ := a.Seal([]byte("secret"), "t", "c", "1")
	if _, err := b.Open(ct, "t", "c", "1"); !errors.Is(err, ErrIntegrity) {
		t.Errorf("another subject's key opened the field: %v", err)
	}
}

func TestWrappedKeyMovedToAnotherSubject(t *testing.T) {
	k := mustKeyring(t)
	_, w := mustDataKey(t, k, "parent-1")
	for _, other := range []string{"child-1", "parent-10", "parent-", "Parent-1", "parent-1 "} {
		if dk, err := k.UnwrapDataKey(other, w); !errors.Is(err, ErrIntegrity) {
			t.Errorf("UnwrapDataKey(%q) of parent-1's key = %v, %v; want ErrIntegrity", other, dk, err)
		}
		if _, _, err := k.Rewrap(other, w); !errors.Is(err, ErrIntegrity) {
			t.Errorf("Rewrap(%q) of parent-1's key = %v; want ErrIntegrity", other, err)
		}
	}
	// The index key is wrapped under a reserved subject: it is not a data key,
	// and a data key is not an index key.
	wix, err := k.NewIndexKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.UnwrapDataKey(IndexKeySubject, wix); err == nil {
		t.Error("UnwrapDataKey accepted the reserved index-key subject")
	}
	if _, err := k.Indexer(w, 0); !errors.Is(err, ErrIntegrity) {
		t.Errorf("Indexer(wrapped data key) = %v; want ErrIntegrity", err)
	}
}

func TestWrappedKeyTampering(t *testing.T) {
	k := mustKeyring(t)
	other := mustKeyring(t)
	if _, err := k.AddPrimary(); err != nil { // two keys, so a flipped id can hit a real one
		t.Fatal(err)
	}
	_, w := mustDataKey(t, k, "s")

	// Every single-bit flip fails.
	for i := range len(w) * 8 {
		bad := bytes.Clone(w)
		bad[i/8] ^= 1 << (i % 8)
		dk, err := k.UnwrapDataKey("s", bad)
		if err == nil || dk != nil {
			t.Fatalf("bit %d flipped: UnwrapDataKey succeeded", i)
		}
		if !errors.Is(err, ErrIntegrity) && !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("bit %d flipped: err = %v; want ErrIntegrity or ErrUnknownKey", i, err)
		}
	}
	// A wrapped key re-labelled with the id of another key in the ring.
	ids := k.KeyIDs()
	relabelled := bytes.Clone(w)
	if ids[0] == WrappedKeyID(w) {
		t.Fatal("test setup: ids[0] should be the non-primary key")
	}
	copy(relabelled[1:5], mustHexID(t, ids[0]))
	if _, err := k.UnwrapDataKey("s", relabelled); !errors.Is(err, ErrIntegrity) {
		t.Errorf("relabelled key id: err = %v; want ErrIntegrity", err)
	}

	for _, tc := range []struct {
		name string
		w    []byte
		want error
	}{
		{"nil", nil, ErrIntegrity},
		{"empty", []byte{}, ErrIntegrity},
		{"truncated", w[:len(w)-1], ErrIntegrity},
		{"extended", append(bytes.Clone(w), 0), ErrIntegrity},
		{"version 0", append([]byte{0}, w[1:]...), ErrIntegrity},
		{"version 2", append([]byte{2}, w[1:]...), ErrIntegrity},
		{"zeros", make([]byte, WrappedLen), ErrIntegrity},
		{"version 1, unknown id", append([]byte{1}, make([]byte, WrappedLen-1)...), ErrUnknownKey},
		{"other keyring", func() []byte { _, w := mustDataKey(t, other, "s"); return w }(), ErrUnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if dk, err := k.UnwrapDataKey("s", tc.w); !errors.Is(err, tc.want) || dk != nil {
				t.Errorf("UnwrapDataKey = %v, %v; want %v", dk, err, tc.want)
			}
		})
	}
}

func mustHexID(t *testing.T, id string) []byte {
	t.Helper()
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 4 {
		t.Fatalf("bad key id %q", id)
	}
	return b
}

func TestSubjectValidation(t *testing.T) {
	k := mustKeyring(t)
	for _, s := range []string{"", "fristad/blind-index", "fristad/anything"} {
		if _, _, err := k.NewDataKey(s); err == nil {
			t.Errorf("NewDataKey(%q) succeeded", s)
		}
		if _, err := k.UnwrapDataKey(s, make([]byte, WrappedLen)); err == nil || errors.Is(err, ErrUnknownKey) {
			t.Errorf("UnwrapDataKey(%q) = %v; want a subject error", s, err)
		}
	}
	if _, _, err := k.Rewrap("", make([]byte, WrappedLen)); err == nil {
		t.Error("Rewrap with empty subject succeeded")
	}
}

func TestWrappedKeyID(t *testing.T) {
	k := mustKeyring(t)
	_, w := mustDataKey(t, k, "s")
	for _, tc := range []struct {
		name string
		w    []byte
		want string
	}{
		{"valid", w, k.PrimaryID()},
		{"nil", nil, ""},
		{"short", w[:5], ""},
		{"long", append(bytes.Clone(w), 1), ""},
		{"bad version", append([]byte{9}, w[1:]...), ""},
	} {
		if got := WrappedKeyID(tc.w); got != tc.want {
			t.Errorf("%s: WrappedKeyID = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRotation follows "fristad keys rotate" (SR-62): add a new primary,
// re-wrap every row, drop the old key; everything re-wrapped still opens,
// rows that were missed fail clearly.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.keys")
	k, err := GenerateKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	oldID := k.PrimaryID()

	type row struct {
		subject string
		wrapped []byte
		ct      []byte
	}
	var rows []*row
	for _, s := range []string{"s1", "s2", "s3", "s4"} {
		dk, w := mustDataKey(t, k, s)
		ct, err := dk.SealString("CANARY-"+s, "person", "name", s)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, &row{s, w, ct})
	}
	wix, err := k.NewIndexKey()
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := k.Indexer(wix, 0)
	token := ix.Token("person.personnummer", "191212121212")

	// Step 1: add a new primary and persist it.
	newID, err := k.AddPrimary()
	if err != nil {
		t.Fatal(err)
	}
	if err := k.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	k, err = LoadKeyringFile(path) // as a fresh process would
	if err != nil {
		t.Fatal(err)
	}
	if k.PrimaryID() != newID {
		t.Fatalf("primary = %s, want %s", k.PrimaryID(), newID)
	}
	// Old-primary-wrapped keys still unwrap.
	for _, r := range rows {
		if WrappedKeyID(r.wrapped) != oldID {
			t.Fatalf("%s: wrapped under %s, want %s", r.subject, WrappedKeyID(r.wrapped), oldID)
		}
		dk, err := k.UnwrapDataKey(r.subject, r.wrapped)
		if err != nil {
			t.Fatalf("%s after AddPrimary: %v", r.subject, err)
		}
		if s, err := dk.OpenString(r.ct, "person", "name", r.subject); err != nil || s != "CANARY-"+r.subject {
			t.Fatalf("%s after AddPrimary: %q, %v", r.subject, s, err)
		}
	}
	// New keys go under the new primary.
	if _, w := mustDataKey(t, k, "s5"); WrappedKeyID(w) != newID {
		t.Errorf("new data key wrapped under %s, want %s", WrappedKeyID(w), newID)
	}

	// Step 2: re-wrap all rows but s4 (a missed row), and the index key.
	for _, r := range rows[:3] {
		w, changed, err := k.Rewrap(r.subject, r.wrapped)
		if err != nil || !changed {
			t.Fatalf("Rewrap %s = changed %v, %v", r.subject, changed, err)
		}
		if WrappedKeyID(w) != newID {
			t.Fatalf("Rewrap %s: key id %s, want %s", r.subject, WrappedKeyID(w), newID)
		}
		// Idempotent: a second pass (e.g. after kill -9) changes nothing.
		w2, changed, err := k.Rewrap(r.subject, w)
		if err != nil || changed || !bytes.Equal(w2, w) {
			t.Fatalf("second Rewrap %s = changed %v, %v", r.subject, changed, err)
		}
		r.wrapped = w
	}
	wix2, changed, err := k.Rewrap(IndexKeySubject, wix)
	if err != nil || !changed || WrappedKeyID(wix2) != newID {
		t.Fatalf("Rewrap index key = %s, changed %v, %v", WrappedKeyID(wix2), changed, err)
	}
	// Rewrap checks the subject binding, too.
	if _, _, err := k.Rewrap("s2", rows[0].wrapped); !errors.Is(err, ErrIntegrity) {
		t.Errorf("Rewrap under the wrong subject = %v; want ErrIntegrity", err)
	}

	// Step 3: drop the old key and persist.
	if err := k.Remove(oldID); err != nil {
		t.Fatal(err)
	}
	if err := k.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	k, err = LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if k.Has(oldID) {
		t.Fatal("old key still in the keyring file")
	}
	for _, r := range rows[:3] {
		dk, err := k.UnwrapDataKey(r.subject, r.wrapped)
		if err != nil {
			t.Fatalf("re-wrapped %s after dropping the old key: %v", r.subject, err)
		}
		if s, err := dk.OpenString(r.ct, "person", "name", r.subject); err != nil || s != "CANARY-"+r.subject {
			t.Fatalf("re-wrapped %s: %q, %v", r.subject, s, err)
		}
	}
	ix2, err := k.Indexer(wix2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ix2.Token("person.personnummer", "191212121212"), token) {
		t.Error("blind-index tokens changed across master-key rotation")
	}
	// The missed row fails clearly: ErrUnknownKey naming the old key id.
	_, err = k.UnwrapDataKey("s4", rows[3].wrapped)
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), oldID) {
		t.Fatalf("un-rewrapped row after dropping the old key: %v; want ErrUnknownKey naming %s", err, oldID)
	}
	if _, _, err := k.Rewrap("s4", rows[3].wrapped); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Rewrap of un-rewrapped row = %v; want ErrUnknownKey", err)
	}
	if _, err := k.Indexer(wix, 0); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Indexer with the old wrapped index key = %v; want ErrUnknownKey", err)
	}
}

// TestErrorsContainNoKeyMaterial drives every failure path and checks that no
// error message contains any form of any key involved.
func TestErrorsContainNoKeyMaterial(t *testing.T) {
	k := mustKeyring(t)
	if _, err := k.AddPrimary(); err != nil {
		t.Fatal(err)
	}
	dk, w := mustDataKey(t, k, "s")
	other, _ := mustDataKey(t, k, "o")
	wix, _ := k.NewIndexKey()
	ix, _ := k.Indexer(wix, 0)
	ixKey, _ := k.unwrap(IndexKeySubject, wix)
	secrets := keyringSecrets(k)
	for _, b := range [][]byte{dk.root[:], other.root[:], ix.prk[:], ixKey[:]} {
		secrets = append(secrets, secretForms(b)...)
	}
	secrets = append(secrets, "CANARY-plaintext")
	ct, _ := dk.Seal([]byte("CANARY-plaintext"), "t", "c", "1")
	flipped := bytes.Clone(ct)
	flipped[len(flipped)-1] ^= 1
	export := k.Export()

	var errs []error
	add := func(_ any, err error) { errs = append(errs, err) }
	add(k.UnwrapDataKey("x", w))
	add(k.UnwrapDataKey("s", w[:10]))
	add(k.UnwrapDataKey("s", append([]byte{7}, w[1:]...)))
	add(k.UnwrapDataKey("s", make([]byte, WrappedLen)))
	_, _, err := k.Rewrap("x", w)
	add(nil, err)
	add(k.Indexer(w, 0))
	add(k.Indexer(wix, 999))
	add(other.Open(ct, "t", "c", "1"))
	add(dk.Open(ct, "t", "c", "2"))
	add(dk.Open(flipped, "t", "c", "1"))
	add(dk.Open(ct[:5], "t", "c", "1"))
	add(dk.Seal([]byte("CANARY-plaintext"), "", "c", "1"))
	add(ParseKeyring(bytes.ReplaceAll(export, []byte(" primary"), nil)))
	add(ParseKeyring(bytes.ReplaceAll(export, []byte("fristad-master-key v1 "), []byte("fristad-master-key v1 zz"))))
	add(ParseKeyring(append(bytes.Clone(export), export...)))
	add(ParseKeyring(bytes.ReplaceAll(export, []byte("="), []byte("A"))))
	add(ParseKeyring(bytes.ReplaceAll(export, []byte(" primary"), []byte(" PRIMARY"))))
	for _, line := range strings.Split(string(export), "\n") {
		// Shift the fields so the key lands in every position.
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == "fristad-master-key" {
			add(ParseKeyring([]byte(strings.Join([]string{f[0], f[1], f[3], f[2]}, " "))))
			add(ParseKeyring([]byte(strings.Join([]string{f[3], f[1], f[2], f[0]}, " "))))
			add(ParseKeyring([]byte(strings.Join([]string{f[0], f[3], f[2], f[1]}, " "))))
			add(ParseKeyring([]byte(strings.Join([]string{f[0], f[1], f[2], f[3], f[3]}, " "))))
			add(ParseKeyring([]byte(strings.Join([]string{f[0], f[1], f[2], f[3][:20]}, " "))))
		}
	}
	dk.Destroy()
	add(dk.Seal(nil, "t", "c", "1"))
	add(dk.Open(ct, "t", "c", "1"))
	if err := k.Remove(k.PrimaryID()); err != nil {
		errs = append(errs, err)
	}

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: expected an error", i)
			continue
		}
		assertNoSecrets(t, "error", err.Error(), secrets)
	}
}
