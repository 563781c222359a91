package seal

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

func mustIndexer(t testing.TB, k *Keyring, bits int) (*Indexer, []byte) {
	t.Helper()
	w, err := k.NewIndexKey()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := k.Indexer(w, bits)
	if err != nil {
		t.Fatal(err)
	}
	return ix, w
}

func TestTokenDeterministic(t *testing.T) {
	k := mustKeyring(t)
	ix, w := mustIndexer(t, k, 0)
	if ix.Bits() != DefaultTokenBits {
		t.Fatalf("Bits = %d, want %d", ix.Bits(), DefaultTokenBits)
	}
	t1 := ix.Token("person.personnummer", "191212121212")
	if len(t1) != DefaultTokenBits/8 {
		t.Fatalf("len(token) = %d, want %d", len(t1), DefaultTokenBits/8)
	}
	// Same key, field and value: same token, also from a re-unwrapped Indexer.
	ix2, err := k.Indexer(w, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(t1, ix.Token("person.personnummer", "191212121212")) || !bytes.Equal(t1, ix2.Token("person.personnummer", "191212121212")) {
		t.Fatal("token not deterministic")
	}
	// Pin the construction against an independent computation.
	key, err := k.unwrap(IndexKeySubject, w)
	if err != nil {
		t.Fatal(err)
	}
	fk, err := hkdf.Key(sha256.New, key[:], nil, "fristad/blind-index/v1|person.personnummer", 32)
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, fk)
	m.Write([]byte("191212121212"))
	if want := m.Sum(nil)[:4]; !bytes.Equal(t1, want) {
		t.Fatalf("token = %x, want %x", t1, want)
	}
}

func TestTokensDiffer(t *testing.T) {
	k := mustKeyring(t)
	ixA, _ := mustIndexer(t, k, 256)
	ixB, _ := mustIndexer(t, k, 256)
	base := ixA.Token("person.personnummer", "191212121212")
	for _, tc := range []struct {
		name string
		tok  []byte
	}{
		{"other field", ixA.Token("person.phone", "191212121212")},
		{"field is not a prefix", ixA.Token("person.personnummer|", "191212121212")},
		{"field/value boundary", ixA.Token("person.personnummer1", "91212121212")},
		{"other value", ixA.Token("person.personnummer", "191212121213")},
		{"empty value", ixA.Token("person.personnummer", "")},
		{"other index key", ixB.Token("person.personnummer", "191212121212")},
	} {
		if bytes.Equal(tc.tok, base) {
			t.Errorf("%s: token equals the base token", tc.name)
		}
	}
}

func TestTokenTruncation(t *testing.T) {
	k := mustKeyring(t)
	w, err := k.NewIndexKey()
	if err != nil {
		t.Fatal(err)
	}
	full, _ := k.Indexer(w, MaxTokenBits)
	values := []string{"a", "b", "191212121212", "anna andersson", ""}
	for _, bits := range []int{1, 7, 8, 12, 16, 24, 31, 32, 33, 64, 100, 128, 255, 256} {
		ix, err := k.Indexer(w, bits)
		if err != nil {
			t.Fatalf("bits %d: %v", bits, err)
		}
		if ix.Bits() != bits {
			t.Fatalf("Bits = %d, want %d", ix.Bits(), bits)
		}
		for _, v := range values {
			tok := ix.Token("f", v)
			f := full.Token("f", v)
			if want := (bits + 7) / 8; len(tok) != want {
				t.Fatalf("bits %d: len(token) = %d, want %d", bits, len(tok), want)
			}
			// The token is exactly the first bits bits of the full HMAC.
			want := bytes.Clone(f[:len(tok)])
			if r := bits % 8; r != 0 {
				want[len(want)-1] &= byte(0xff << (8 - r))
			}
			if !bytes.Equal(tok, want) {
				t.Fatalf("bits %d, value %q: token %x, want %x (full %x)", bits, v, tok, want, f)
			}
		}
	}
	for _, bits := range []int{-1, 257, 1024} {
		if _, err := k.Indexer(w, bits); err == nil {
			t.Errorf("Indexer(bits=%d) succeeded", bits)
		}
	}
}

// TestTokensCollide checks that 8-bit tokens behave like a truncated hash:
// among 2000 distinct values there are many collisions (as CipherSweet
// intends) but not all in a few buckets.
func TestTokensCollide(t *testing.T) {
	k := mustKeyring(t)
	ix, _ := mustIndexer(t, k, 8)
	buckets := map[string]int{}
	for i := range 2000 {
		buckets[string(ix.Token("f", strings.Repeat("x", i)))]++
	}
	if len(buckets) < 200 || len(buckets) > 256 {
		t.Errorf("2000 values fell into %d of 256 buckets", len(buckets))
	}
}

func TestNormalizePersonnummer(t *testing.T) {
	now := time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ in, want string }{
		{"121212-1212", "201212121212"},
		{"121212+1212", "191212121212"},
		{"1212121212", "201212121212"},
		{"19121212-1212", "191212121212"},
		{"191212121212", "191212121212"},
		{"20121212+1212", "201212121212"}, // 12 digits: '+' ignored
		{"811228-9874", "198112289874"},
		{" 811228 - 9874 ", "198112289874"},
		{"811228\u00a09874", "198112289874"},
		{"811228\u20119874", "198112289874"},
		{"811228\u22129874", "198112289874"},
		{"8112 2898 74", "198112289874"},
		{"701063-2391", "197010632391"}, // samordningsnummer: day + 60 is kept
		{"260601-1233", "202606011233"}, // born today
		{"260602-1232", "192606021232"}, // "tomorrow" is in the past century
		{"261231-1239", "192612311239"},
		{"000101-0008", "200001010008"},
		{"000101+0008", "190001010008"},
		{"990101-1230", "199901011230"},
		{"450229-1232", "194502291232"},
	} {
		got, err := NormalizePersonnummer(tc.in, now)
		if err != nil || got != tc.want {
			t.Errorf("NormalizePersonnummer(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"",
		"-",
		"121212-121",    // 9 digits
		"12121212121",   // 11 digits
		"1912121212123", // 13 digits
		"121212-121X",   // letter
		"121212/1212",   // other separator
		"121212-1213",   // Luhn
		"811228-9875",   // Luhn
		"19121212-1213", // Luhn on 12 digits
		"811328-9874",   // month 13
		"810028-9874",   // month 00
		"811200-9874",   // day 00
		"811232-9874",   // day 32
		"811260-9874",   // day 60 (samordning day 0)
		"811292-9874",   // day 92
		"８１１２２８-９８７４",   // full-width digits
	} {
		got, err := NormalizePersonnummer(in, now)
		if !errors.Is(err, ErrNotPersonnummer) || got != "" {
			t.Errorf("NormalizePersonnummer(%q) = %q, %v; want ErrNotPersonnummer", in, got, err)
			continue
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, in)
		if len(digits) >= 4 && strings.Contains(err.Error(), digits[len(digits)-4:]) {
			t.Errorf("error for %q leaks the input: %v", in, err)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Anna Andersson", "anna andersson"},
		{"  ANNA   ANDERSSON  ", "anna andersson"},
		{"Anna\tLena\n Öberg", "anna lena öberg"},
		{"ÅSA\u00a0ÄNGLUND", "åsa änglund"},
		{"Anna-Lena", "anna-lena"},
		{"", ""},
		{" \t ", ""},
	} {
		if got := NormalizeName(tc.in); got != tc.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Documented limitation: no Unicode normalisation.
	if NormalizeName("e\u0301") == NormalizeName("\u00e9") {
		t.Error("NormalizeName now normalises NFD to NFC; update its documentation")
	}
}

func BenchmarkToken(b *testing.B) {
	k := mustKeyring(b)
	ix, _ := mustIndexer(b, k, 0)
	for b.Loop() {
		ix.Token("person.personnummer", "191212121212")
	}
}
