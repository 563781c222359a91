package seal

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
)

const (
	// DefaultTokenBits is the blind-index token length used when 0 is
	// passed to Keyring.Indexer. 32 bits follows CipherSweet's advice:
	// with many records each token is expected to match several of them,
	// so a stolen index plus database reveals less; callers decrypt the
	// candidates and compare.
	DefaultTokenBits = 32

	// MaxTokenBits is the longest possible token (a full HMAC-SHA-256).
	MaxTokenBits = 256

	infoIndexPrefix = "fristad/blind-index/v1|"
)

// NewIndexKey generates a fresh random 32-byte blind-index key and returns it
// wrapped under the primary master key with subject IndexKeySubject. The
// index key is independent of every data key. Store the wrapped bytes in the
// key store and rotate them with Rewrap(IndexKeySubject, wrapped) like any
// data key. Replacing the index key invalidates every stored token.
func (k *Keyring) NewIndexKey() ([]byte, error) {
	key := new([KeySize]byte)
	defer clear(key[:])
	if _, err := rand.Read(key[:]); err != nil {
		return nil, fmt.Errorf("seal: generate index key: %w", err)
	}
	return k.wrap(IndexKeySubject, key)
}

// Indexer computes blind-index tokens. Obtain one with Keyring.Indexer.
//
// Invariants: tokens are deterministic for a given index key, field and
// value; tokens for different fields use different HKDF-derived HMAC keys,
// so equal values in different fields give unrelated tokens; the index key
// is never used for encryption. An Indexer is immutable, safe for concurrent
// use and prints only as a redacted summary.
type Indexer struct {
	prk  *[KeySize]byte // HKDF-Extract(SHA-256, index key, no salt)
	bits int
}

// Indexer unwraps an index key produced by NewIndexKey and returns an
// Indexer whose tokens are bits long (1..MaxTokenBits; 0 means
// DefaultTokenBits). Errors are as for UnwrapDataKey; a wrapped data key is
// refused with ErrIntegrity because it was wrapped for another subject.
func (k *Keyring) Indexer(wrappedIndexKey []byte, bits int) (*Indexer, error) {
	if bits == 0 {
		bits = DefaultTokenBits
	}
	if bits < 1 || bits > MaxTokenBits {
		return nil, fmt.Errorf("seal: blind-index token length %d bits is outside 1..%d", bits, MaxTokenBits)
	}
	key, err := k.unwrap(IndexKeySubject, wrappedIndexKey)
	if err != nil {
		return nil, err
	}
	defer clear(key[:])
	prk, err := hkdf.Extract(sha256.New, key[:], nil)
	if err != nil {
		return nil, fmt.Errorf("seal: derive index key: %w", err)
	}
	defer clear(prk)
	ix := &Indexer{prk: new([KeySize]byte), bits: bits}
	copy(ix.prk[:], prk)
	return ix, nil
}

// Bits returns the token length in bits.
func (ix *Indexer) Bits() int { return ix.bits }

// Token returns the blind-index token of an already normalised value
// (NormalizePersonnummer, NormalizeName, ...) in the named field:
//
//	HMAC-SHA-256(HKDF-Expand(prk, "fristad/blind-index/v1|"+field), normalized)
//
// truncated to Bits() bits: (Bits()+7)/8 bytes, with the unused low-order
// bits of the last byte set to zero. The field name is part of the key, so
// use one stable name per indexed column (e.g. "person.personnummer"). Do not
// index empty values; callers must normalise consistently at write and at
// lookup time. Tokens are a low-entropy membership oracle for anyone with
// the index key: audit and rate-limit lookups, and delete a subject's tokens
// on shred.
func (ix *Indexer) Token(field string, normalized string) []byte {
	sub, err := hkdf.Expand(sha256.New, ix.prk[:], infoIndexPrefix+field, KeySize)
	if err != nil {
		// Unreachable: the PRK and length are fixed and valid.
		panic("seal: derive blind-index field key: " + err.Error())
	}
	defer clear(sub)
	m := hmac.New(sha256.New, sub)
	io.WriteString(m, normalized)
	sum := m.Sum(nil)
	n := (ix.bits + 7) / 8
	tok := make([]byte, n)
	copy(tok, sum)
	if r := ix.bits % 8; r != 0 {
		tok[n-1] &= byte(0xff << (8 - r))
	}
	return tok
}

// String returns a redacted summary.
func (ix *Indexer) String() string {
	if ix == nil {
		return "seal.Indexer(nil)"
	}
	return fmt.Sprintf("seal.Indexer{bits: %d, key material redacted}", ix.bits)
}

// GoString is the same redacted summary as String.
func (ix *Indexer) GoString() string { return ix.String() }

// Format prints the redacted summary for every fmt verb.
func (ix *Indexer) Format(f fmt.State, _ rune) { io.WriteString(f, ix.String()) }
