package seal

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

const (
	fieldVersion   = 0x01
	infoFieldSeal  = "fristad/field-seal/v1"
	fieldADVersion = "v1"

	// SealOverhead is how many bytes Seal adds to the plaintext: version
	// (1), nonce (12) and GCM tag (16).
	SealOverhead = 1 + 12 + 16
)

// DataKey is one data subject's data key (DEK), unwrapped and ready to seal
// and open that subject's fields. Obtain it from Keyring.NewDataKey or
// Keyring.UnwrapDataKey.
//
// Invariants: the raw data key never encrypts anything itself; fields are
// sealed with AES-256-GCM under HKDF(data key, "fristad/field-seal/v1").
// After Destroy every Seal and Open fails with ErrDestroyed. A DataKey is
// safe for concurrent use (including Destroy concurrently with Seal/Open),
// and prints only as a redacted summary. Each key may seal at most 2^32
// fields (random 96-bit nonces); one subject's fields are far below that.
type DataKey struct {
	mu      sync.RWMutex
	subject string
	root    *[KeySize]byte // nil after Destroy
	field   cipher.AEAD    // nil after Destroy
}

// newDataKey takes ownership of root.
func newDataKey(subjectID string, root *[KeySize]byte) (*DataKey, error) {
	aead, err := newAEAD(root[:], infoFieldSeal)
	if err != nil {
		clear(root[:])
		return nil, err
	}
	return &DataKey{subject: subjectID, root: root, field: aead}, nil
}

// SubjectID returns the data subject this key belongs to (for example as a
// cache key). It stays available after Destroy.
func (dk *DataKey) SubjectID() string { return dk.subject }

// Seal encrypts plaintext for storage in table.column of row rowID and
// returns version || nonce || ciphertext || tag (len(plaintext)+SealOverhead
// bytes; a fresh random nonce every call, so sealing the same value twice
// gives different bytes). table, column and rowID must be non-empty and are
// bound as associated data (see the package documentation): the result
// opens only with the same three values. The row id must therefore be known
// before sealing. A nil or empty plaintext is sealed as an empty value;
// representing SQL NULL is the caller's business.
func (dk *DataKey) Seal(plaintext []byte, table, column, rowID string) ([]byte, error) {
	ad, err := fieldAD(table, column, rowID)
	if err != nil {
		return nil, err
	}
	if dk == nil {
		return nil, ErrDestroyed
	}
	dk.mu.RLock()
	defer dk.mu.RUnlock()
	if dk.field == nil {
		return nil, ErrDestroyed
	}
	out := make([]byte, 1, SealOverhead+len(plaintext))
	out[0] = fieldVersion
	return dk.field.Seal(out, nil, plaintext, ad), nil
}

// Open authenticates and decrypts a value produced by Seal with the same
// key, table, column and rowID. Any mismatch (another row, column, table or
// subject's key; a flipped bit; truncation; an unknown version) fails with
// an error wrapping ErrIntegrity and returns no plaintext at all. On success
// the result is never nil (an empty value is returned as an empty, non-nil
// slice).
func (dk *DataKey) Open(ciphertext []byte, table, column, rowID string) ([]byte, error) {
	ad, err := fieldAD(table, column, rowID)
	if err != nil {
		return nil, err
	}
	if dk == nil {
		return nil, ErrDestroyed
	}
	if len(ciphertext) < SealOverhead {
		return nil, fmt.Errorf("%w: sealed %s.%s is %d bytes, shorter than the minimum %d", ErrIntegrity, table, column, len(ciphertext), SealOverhead)
	}
	if ciphertext[0] != fieldVersion {
		return nil, fmt.Errorf("%w: sealed %s.%s has unsupported format version %d", ErrIntegrity, table, column, ciphertext[0])
	}
	dk.mu.RLock()
	defer dk.mu.RUnlock()
	if dk.field == nil {
		return nil, ErrDestroyed
	}
	pt, err := dk.field.Open(nil, nil, ciphertext[1:], ad)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed %s.%s does not authenticate (tampered, moved from another row/column/table, or another subject's key)", ErrIntegrity, table, column)
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// SealString is Seal for a string value.
func (dk *DataKey) SealString(plaintext, table, column, rowID string) ([]byte, error) {
	return dk.Seal([]byte(plaintext), table, column, rowID)
}

// OpenString is Open returning a string. Note that a Go string cannot be
// zeroed later; prefer Open for values that should be wiped after use.
func (dk *DataKey) OpenString(ciphertext []byte, table, column, rowID string) (string, error) {
	pt, err := dk.Open(ciphertext, table, column, rowID)
	if err != nil {
		return "", err
	}
	s := string(pt)
	clear(pt)
	return s, nil
}

// Destroy zeroes the data key bytes held by dk and drops its cipher, so every
// later Seal and Open fails with ErrDestroyed. It is idempotent and safe to
// call concurrently with Seal and Open (for example when a cache evicts the
// key on shred). Zeroing is best effort: the expanded AES key schedule inside
// crypto/aes cannot be wiped from outside and lingers until the memory is
// reused. Destroy does not shred anything persistent: crypto-shredding is the
// key store deleting the wrapped key.
func (dk *DataKey) Destroy() {
	if dk == nil {
		return
	}
	dk.mu.Lock()
	defer dk.mu.Unlock()
	if dk.root != nil {
		clear(dk.root[:])
		dk.root = nil
	}
	dk.field = nil
}

// Destroyed reports whether Destroy has been called.
func (dk *DataKey) Destroyed() bool {
	if dk == nil {
		return true
	}
	dk.mu.RLock()
	defer dk.mu.RUnlock()
	return dk.field == nil
}

// String returns a redacted summary naming only the subject.
func (dk *DataKey) String() string {
	if dk == nil {
		return "seal.DataKey(nil)"
	}
	state := "key material redacted"
	if dk.Destroyed() {
		state = "destroyed"
	}
	return fmt.Sprintf("seal.DataKey{subject: %q, %s}", dk.subject, state)
}

// GoString is the same redacted summary as String.
func (dk *DataKey) GoString() string { return dk.String() }

// Format prints the redacted summary for every fmt verb.
func (dk *DataKey) Format(f fmt.State, _ rune) { io.WriteString(f, dk.String()) }

// fieldAD builds the associated data
// "v1|<len>:<table>|<len>:<column>|<len>:<rowID>" (decimal byte lengths),
// which is injective in (table, column, rowID).
func fieldAD(table, column, rowID string) ([]byte, error) {
	switch {
	case table == "":
		return nil, errors.New("seal: empty table name in sealing context")
	case column == "":
		return nil, errors.New("seal: empty column name in sealing context")
	case rowID == "":
		return nil, errors.New("seal: empty row id in sealing context")
	}
	ad := make([]byte, 0, len(fieldADVersion)+len(table)+len(column)+len(rowID)+3*8)
	ad = append(ad, fieldADVersion...)
	for _, part := range [...]string{table, column, rowID} {
		ad = append(ad, '|')
		ad = strconv.AppendInt(ad, int64(len(part)), 10)
		ad = append(ad, ':')
		ad = append(ad, part...)
	}
	return ad, nil
}
