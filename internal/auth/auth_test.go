package auth

import (
	"strings"
	"testing"
	"time"

	"fristad"
)

var cheap = Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// TestPasswordPolicy checks SR-02: length limits, no composition rules,
// common and context passwords refused, Unicode kept as typed.
func TestPasswordPolicy(t *testing.T) {
	for _, tt := range []struct {
		password string
		context  []string
		ok       bool
	}{
		{"kort", nil, false},
		{"Password1!Password1!", nil, false},
		{"qwertyuiopasdf", nil, false},
		{"fristadfristad", nil, false},
		{"stadsmissionen!2026", []string{"eva@stadsmissionen.example"}, false},
		{"korrekt häst batteri häftklammer", nil, true},
		{strings.Repeat("lång lösenfras ", 5), nil, true}, // 75 characters
		{strings.Repeat("ä", MaxPassword+1), nil, false},  // too long
		{"жёлтый слон танцует вальс", nil, true},          // Cyrillic passphrase
	} {
		err := CheckPassword(tt.password, tt.context...)
		if (err == nil) != tt.ok {
			t.Errorf("CheckPassword(%q) = %v; want ok=%v", tt.password, err, tt.ok)
		}
		if err != nil && fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("CheckPassword(%q) code %s; want EINVALID", tt.password, fristad.ErrorCode(err))
		}
	}
}

func TestHashPassword(t *testing.T) {
	h := HashPassword("Sjöjungfrun i Öresund", DefaultArgon2)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=47104,t=1,p=1$") {
		t.Errorf("hash %q does not record Argon2id and its parameters", h)
	}
	for pw, want := range map[string]bool{
		"Sjöjungfrun i Öresund":  true,
		"sjöjungfrun i öresund":  false, // no case folding
		"Sjöjungfrun i Öresun":   false, // no truncation
		"Sjöjungfrun i Öresund ": false,
	} {
		ok, err := VerifyPassword(pw, h)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if h1, h2 := HashPassword("x", cheap), HashPassword("x", cheap); h1 == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if _, err := VerifyPassword("x", "$2a$10$bcrypt"); err == nil {
		t.Error("a malformed hash verified without error")
	}
}

func TestTOTP(t *testing.T) {
	secret, uri, err := NewTOTP("Fristad", "a@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/Fristad:a@example.org?") || len(secret) < 26 {
		t.Errorf("NewTOTP = %q, %q", secret, uri)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	code, _ := TOTPCode(secret, now)
	step, ok := VerifyTOTP(secret, code, now, 0)
	if !ok {
		t.Fatal("the current code is refused")
	}
	if _, ok := VerifyTOTP(secret, code, now, step); ok {
		t.Error("a code accepted twice")
	}
	next, _ := TOTPCode(secret, now.Add(TOTPStep))
	if s, ok := VerifyTOTP(secret, next, now.Add(TOTPStep), step); !ok || s != step+1 {
		t.Errorf("the code one TOTPStep later gives step %d, %v; want step %d, accepted", s, ok, step+1)
	}
	prev, _ := TOTPCode(secret, now.Add(-TOTPStep))
	if _, ok := VerifyTOTP(secret, prev, now, 0); !ok {
		t.Error("the previous step's code (clock skew) is refused")
	}
	old, _ := TOTPCode(secret, now.Add(-2*time.Minute))
	if _, ok := VerifyTOTP(secret, old, now, 0); ok {
		t.Error("a two-minute-old code is accepted")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := VerifyTOTP(secret, bad, now, 0); ok {
			t.Errorf("code %q accepted", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 26 {
		t.Errorf("tokens %q %q", a, b)
	}
	if h1, h2 := HashToken(a), HashToken(a); h1 == a || len(h1) != 64 || h1 != h2 {
		t.Error("HashToken is not a stable SHA-256")
	}
	if id := NewID(); len(id) != 26 {
		t.Errorf("NewID = %q", id)
	}
}
