// Package auth holds the cryptography of logging in: Argon2id password
// hashes and the password policy, TOTP second factors, and the random
// tokens behind sessions, activation links and API tokens, of which only
// hashes are stored. It does no I/O; the store calls it.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"fristad"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of Argon2id.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2 follows OWASP's recommendation for Argon2id: 46 MiB, one
// pass, one thread (about 50 ms on the reference machine).
var DefaultArgon2 = Argon2Params{Memory: 46 * 1024, Time: 1, Threads: 1}

// Password policy (SR-02, NIST 800-63B): long enough, not common, not
// built from the context; no composition rules, no maximum below 64.
const (
	MinPassword = 12
	MaxPassword = 256
)

// CheckPassword returns an EINVALID error with a catalog key when the
// password is too short, too long, or easy to guess: common, breached
// or built from context such as the user's e-mail address or the
// organisation's name (given in context).
func CheckPassword(password string, context ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return fristad.Localized(fristad.EINVALID, "password.invalid", nil, "the password is not valid text")
	case n < MinPassword:
		return fristad.Localized(fristad.EINVALID, "password.short", map[string]any{"Min": MinPassword}, "the password is too short")
	case n > MaxPassword:
		return fristad.Localized(fristad.EINVALID, "password.long", map[string]any{"Max": MaxPassword}, "the password is too long")
	}
	inputs := []string{"fristad", "länsstyrelsen", "lansstyrelsen", "jämställdhetsmyndigheten", "socialtjänsten", "password", "lösenord"}
	for _, c := range context {
		inputs = append(inputs, strings.ToLower(c))
		// The parts of an e-mail address or a name count on their own.
		inputs = append(inputs, strings.FieldsFunc(strings.ToLower(c), func(r rune) bool {
			return r == '@' || r == '.' || r == ' ' || r == '-' || r == '_'
		})...)
	}
	// zxcvbn is slow on very long input and such a password is strong.
	if n <= 100 && zxcvbn.PasswordStrength(password, inputs).Score < 3 {
		return fristad.Localized(fristad.EINVALID, "password.weak", nil, "the password is too easy to guess")
	}
	return nil
}

// HashPassword returns the Argon2id hash of password in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func HashPassword(password string, p Argon2Params) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword reports whether password matches hash, exactly as typed.
func VerifyPassword(password, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DummyHash is a valid hash of a random password, verified when a login
// names no account, so unknown and known accounts take the same time
// (SR-04).
func DummyHash(p Argon2Params) string {
	return HashPassword(rand.Text(), p)
}
