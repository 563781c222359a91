package seal

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	big := make([]byte, 1<<20)
	rand.Read(big)
	for _, tc := range []struct {
		name string
		pt   []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"one byte", []byte{0}},
		{"ascii", []byte("Anna Andersson")},
		{"utf-8", []byte("Åsa Öberg, skyddad adress: Storgatan 1, 111 22 Stockholm ✓")},
		{"binary", []byte{0, 1, 2, 0xff, 0xfe, '|', ':'}},
		{"200 bytes", bytes.Repeat([]byte("x"), 200)},
		{"1 MiB random", big},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := dk.Seal(tc.pt, "person", "name", "42")
			if err != nil {
				t.Fatal(err)
			}
			if len(ct) != len(tc.pt)+SealOverhead || ct[0] != fieldVersion {
				t.Fatalf("sealed length %d (want %d), version %d", len(ct), len(tc.pt)+SealOverhead, ct[0])
			}
			if len(tc.pt) >= 8 && bytes.Contains(ct, tc.pt) {
				t.Fatal("ciphertext contains the plaintext")
			}
			pt, err := dk.Open(ct, "person", "name", "42")
			if err != nil {
				t.Fatal(err)
			}
			if pt == nil || !bytes.Equal(pt, tc.pt) {
				t.Fatalf("Open = %q (nil: %v), want %q", pt, pt == nil, tc.pt)
			}
		})
	}
	s, err := dk.SealString("", "t", "c", "r")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dk.OpenString(s, "t", "c", "r"); err != nil || got != "" {
		t.Fatalf("OpenString(empty) = %q, %v", got, err)
	}
	s, _ = dk.SealString("CANARY-7f3a", "t", "c", "r")
	if got, err := dk.OpenString(s, "t", "c", "r"); err != nil || got != "CANARY-7f3a" {
		t.Fatalf("OpenString = %q, %v", got, err)
	}
}

// TestOpenWrongContext moves a ciphertext to another table, column or row
// (SR-61) and checks that it fails with ErrIntegrity and yields nothing.
func TestOpenWrongContext(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	type ctx struct{ table, column, row string }
	for _, tc := range []struct {
		name       string
		seal, open ctx
	}{
		{"other row", ctx{"person", "name", "1"}, ctx{"person", "name", "2"}},
		{"row prefix", ctx{"person", "name", "1"}, ctx{"person", "name", "10"}},
		{"other column", ctx{"person", "name", "1"}, ctx{"person", "address", "1"}},
		{"other table", ctx{"person", "name", "1"}, ctx{"child", "name", "1"}},
		{"case", ctx{"person", "name", "1"}, ctx{"Person", "name", "1"}},
		{"table/column swapped", ctx{"a", "b", "1"}, ctx{"b", "a", "1"}},
		{"column/row swapped", ctx{"t", "1", "c"}, ctx{"t", "c", "1"}},
		{"separator moved table|column", ctx{"a|b", "c", "1"}, ctx{"a", "b|c", "1"}},
		{"separator moved column|row", ctx{"t", "a|b", "c"}, ctx{"t", "a", "b|c"}},
		{"length prefix forgery", ctx{"t", "c", "1"}, ctx{"t", "1:c", "1"}},
		{"length-colon in name", ctx{"a|1:b", "c", "1"}, ctx{"a", "b|1:c", "1"}},
		{"trailing space", ctx{"person", "name", "1"}, ctx{"person", "name", "1 "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := dk.Seal([]byte("CANARY-row"), tc.seal.table, tc.seal.column, tc.seal.row)
			if err != nil {
				t.Fatal(err)
			}
			pt, err := dk.Open(ct, tc.open.table, tc.open.column, tc.open.row)
			if !errors.Is(err, ErrIntegrity) {
				t.Fatalf("Open in %v of a value sealed for %v = %q, %v; want ErrIntegrity", tc.open, tc.seal, pt, err)
			}
			if pt != nil {
				t.Fatalf("Open returned %q with the error", pt)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Fatalf("error leaks plaintext: %v", err)
			}
			// And the right context still works.
			if _, err := dk.Open(ct, tc.seal.table, tc.seal.column, tc.seal.row); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSwapRows simulates SR-61's test: two rows' ciphertexts swapped with raw
// SQL must each fail, never show the other row's plaintext.
func TestSwapRows(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	c1, _ := dk.SealString("row one", "note", "body", "1")
	c2, _ := dk.SealString("row two", "note", "body", "2")
	if s, err := dk.OpenString(c2, "note", "body", "1"); !errors.Is(err, ErrIntegrity) || s != "" {
		t.Errorf("row 1 with row 2's ciphertext = %q, %v", s, err)
	}
	if s, err := dk.OpenString(c1, "note", "body", "2"); !errors.Is(err, ErrIntegrity) || s != "" {
		t.Errorf("row 2 with row 1's ciphertext = %q, %v", s, err)
	}
}

func TestFieldADInjective(t *testing.T) {
	parts := []string{"a", "b", "a|b", "b|c", "1:a", "|", ":", "1", "a|1:b", "ab"}
	seen := map[string][3]string{}
	for _, x := range parts {
		for _, y := range parts {
			for _, z := range parts {
				ad, err := fieldAD(x, y, z)
				if err != nil {
					t.Fatal(err)
				}
				if prev, dup := seen[string(ad)]; dup {
					t.Fatalf("fieldAD%v == fieldAD%v == %q", prev, [3]string{x, y, z}, ad)
				}
				seen[string(ad)] = [3]string{x, y, z}
			}
		}
	}
	ad, _ := fieldAD("person", "name", "42")
	if string(ad) != "v1|6:person|4:name|2:42" {
		t.Errorf("fieldAD = %q; the documented format changed", ad)
	}
}

func TestBitFlips(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	for _, pt := range []string{"", "CANARY-bitflip"} {
		ct, _ := dk.SealString(pt, "t", "c", "1")
		for i := range len(ct) * 8 {
			bad := bytes.Clone(ct)
			bad[i/8] ^= 1 << (i % 8)
			got, err := dk.Open(bad, "t", "c", "1")
			if !errors.Is(err, ErrIntegrity) || got != nil {
				t.Fatalf("len %d, bit %d flipped: Open = %q, %v; want ErrIntegrity", len(pt), i, got, err)
			}
		}
		for n := range len(ct) {
			if got, err := dk.Open(ct[:n], "t", "c", "1"); !errors.Is(err, ErrIntegrity) || got != nil {
				t.Fatalf("truncated to %d: Open = %q, %v; want ErrIntegrity", n, got, err)
			}
		}
		if _, err := dk.Open(append(bytes.Clone(ct), 0), "t", "c", "1"); !errors.Is(err, ErrIntegrity) {
			t.Fatalf("extended: Open = %v; want ErrIntegrity", err)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	seen := map[string]bool{}
	nonces := map[string]bool{}
	for range 100 {
		ct, err := dk.SealString("same value", "t", "c", "1")
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(ct)] {
			t.Fatal("two seals of the same plaintext are identical")
		}
		seen[string(ct)] = true
		nonce := string(ct[1:13])
		if nonces[nonce] {
			t.Fatal("nonce repeated")
		}
		nonces[nonce] = true
	}
}

func TestEmptyContextRefused(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	ct, _ := dk.SealString("x", "t", "c", "1")
	for _, c := range [][3]string{{"", "c", "1"}, {"t", "", "1"}, {"t", "c", ""}, {"", "", ""}} {
		if _, err := dk.Seal([]byte("x"), c[0], c[1], c[2]); err == nil {
			t.Errorf("Seal with context %q succeeded", c)
		}
		if _, err := dk.Open(ct, c[0], c[1], c[2]); err == nil {
			t.Errorf("Open with context %q succeeded", c)
		}
	}
}

func TestDestroy(t *testing.T) {
	k := mustKeyring(t)
	dk, w := mustDataKey(t, k, "s")
	ct, _ := dk.SealString("x", "t", "c", "1")
	root := dk.root // keep a pointer to check zeroing
	if dk.Destroyed() {
		t.Fatal("Destroyed before Destroy")
	}
	dk.Destroy()
	if !dk.Destroyed() {
		t.Fatal("not Destroyed after Destroy")
	}
	if *root != [KeySize]byte{} {
		t.Error("Destroy did not zero the key bytes")
	}
	if _, err := dk.Seal([]byte("x"), "t", "c", "1"); !errors.Is(err, ErrDestroyed) {
		t.Errorf("Seal after Destroy = %v; want ErrDestroyed", err)
	}
	if pt, err := dk.Open(ct, "t", "c", "1"); !errors.Is(err, ErrDestroyed) || pt != nil {
		t.Errorf("Open after Destroy = %q, %v; want ErrDestroyed", pt, err)
	}
	if _, err := dk.OpenString(ct, "t", "c", "1"); !errors.Is(err, ErrDestroyed) {
		t.Errorf("OpenString after Destroy = %v; want ErrDestroyed", err)
	}
	dk.Destroy() // idempotent
	if !strings.Contains(dk.String(), "destroyed") {
		t.Errorf("String after Destroy = %q", dk.String())
	}
	// Destroying an in-memory copy does not shred: the wrapped key still
	// unwraps (the store shreds by deleting it).
	dk2, err := k.UnwrapDataKey("s", w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dk2.Open(ct, "t", "c", "1"); err != nil {
		t.Fatal(err)
	}
	var nilKey *DataKey
	nilKey.Destroy()
	if _, err := nilKey.Seal(nil, "t", "c", "1"); !errors.Is(err, ErrDestroyed) {
		t.Errorf("nil Seal = %v", err)
	}
	if _, err := nilKey.Open(ct, "t", "c", "1"); !errors.Is(err, ErrDestroyed) {
		t.Errorf("nil Open = %v", err)
	}
}

// TestConcurrentDestroy runs Seal/Open against Destroy; with -race it checks
// that eviction from a cache while in use is safe.
func TestConcurrentDestroy(t *testing.T) {
	k := mustKeyring(t)
	dk, _ := mustDataKey(t, k, "s")
	ct, _ := dk.SealString("x", "t", "c", "1")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if _, err := dk.Seal([]byte("x"), "t", "c", "1"); err != nil && !errors.Is(err, ErrDestroyed) {
					t.Error(err)
				}
				if pt, err := dk.Open(ct, "t", "c", "1"); err != nil && !errors.Is(err, ErrDestroyed) || err == nil && string(pt) != "x" {
					t.Error(pt, err)
				}
			}
		})
	}
	wg.Go(dk.Destroy)
	wg.Wait()
	if _, err := dk.Seal(nil, "t", "c", "1"); !errors.Is(err, ErrDestroyed) {
		t.Fatal(err)
	}
}

func BenchmarkSeal200(b *testing.B) {
	k := mustKeyring(b)
	dk, _ := mustDataKey(b, k, "s")
	pt := bytes.Repeat([]byte("a"), 200)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := dk.Seal(pt, "person", "name", "123456"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen200(b *testing.B) {
	k := mustKeyring(b)
	dk, _ := mustDataKey(b, k, "s")
	pt := bytes.Repeat([]byte("a"), 200)
	ct, _ := dk.Seal(pt, "person", "name", "123456")
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := dk.Open(ct, "person", "name", "123456"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrapDataKey(b *testing.B) {
	k := mustKeyring(b)
	_, w := mustDataKey(b, k, "s")
	for b.Loop() {
		if _, err := k.UnwrapDataKey("s", w); err != nil {
			b.Fatal(err)
		}
	}
}
