package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
)

// NewToken returns a random token of 130 bits in base32 (SR-10): the
// value handed to the user once, in a cookie or a link.
func NewToken() string { return rand.Text() }

// HashToken returns the hex SHA-256 of a token: what the database holds,
// so a copy of the database does not let anyone use a live session.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewID returns a random 128-bit identifier for a record (SR-22).
func NewID() string { return rand.Text()[:26] }

// Equal compares two secrets in constant time.
func Equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
