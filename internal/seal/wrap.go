package seal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const (
	wrapVersion  = 0x01
	wrapADPrefix = "fristad/subject-key/v1|"

	// IndexKeySubject is the subject id under which the blind-index key is
	// wrapped (see NewIndexKey). Pass it to Rewrap when rotating master keys.
	IndexKeySubject = "fristad/blind-index"

	// ReservedSubjectPrefix starts subject ids reserved for Fristad's own
	// keys, such as IndexKeySubject. NewDataKey and UnwrapDataKey refuse
	// them, so a data key can never be confused with the index key.
	ReservedSubjectPrefix = "fristad/"
)

// WrappedLen is the length in bytes of every wrapped key: version (1), master
// key id (4), nonce (12), key (32), tag (16). See the package documentation.
const WrappedLen = 1 + keyIDSize + 12 + KeySize + 16

// NewDataKey generates a random 32-byte data key for the data subject
// subjectID and returns it together with its wrapped form, to be stored in
// the key store (subject_keys.wrapped, with WrappedKeyID(wrapped) as
// kek_key_id). The key is wrapped under the primary master key with
// associated data "fristad/subject-key/v1|"+subjectID.
//
// subjectID must be non-empty, must not start with ReservedSubjectPrefix and
// must be stable for the life of the subject: it is bound into the wrapped
// key. Every data subject (each child separately) gets its own key.
func (k *Keyring) NewDataKey(subjectID string) (dk *DataKey, wrapped []byte, err error) {
	if err := checkDataSubject(subjectID); err != nil {
		return nil, nil, err
	}
	root := new([KeySize]byte)
	if _, err := rand.Read(root[:]); err != nil {
		return nil, nil, fmt.Errorf("seal: generate data key: %w", err)
	}
	wrapped, err = k.wrap(subjectID, root)
	if err != nil {
		clear(root[:])
		return nil, nil, err
	}
	dk, err = newDataKey(subjectID, root)
	if err != nil {
		return nil, nil, err
	}
	return dk, wrapped, nil
}

// UnwrapDataKey unwraps the data key of subjectID. It fails with an error
// wrapping ErrUnknownKey if the wrapped key names a master key that is not in
// the keyring, and ErrIntegrity if the bytes are malformed or tampered with,
// or were wrapped for another subject. It never returns a partially valid
// key.
func (k *Keyring) UnwrapDataKey(subjectID string, wrapped []byte) (*DataKey, error) {
	if err := checkDataSubject(subjectID); err != nil {
		return nil, err
	}
	root, err := k.unwrap(subjectID, wrapped)
	if err != nil {
		return nil, err
	}
	return newDataKey(subjectID, root)
}

// Rewrap re-wraps a wrapped key for subjectID under the current primary
// master key, for master-key rotation. It first unwraps (so corrupted rows
// are reported, never silently carried over) and returns changed == false
// with wrapped itself if it is already under the primary key. Otherwise it
// returns a fresh wrapped key (new nonce) and changed == true; the store
// should then update the row and its kek_key_id in one statement.
//
// Rewrap accepts every non-empty subject id, including IndexKeySubject, and
// never exposes the key it unwraps.
func (k *Keyring) Rewrap(subjectID string, wrapped []byte) ([]byte, bool, error) {
	if subjectID == "" {
		return nil, false, errors.New("seal: empty subject id")
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	key, err := k.unwrapLocked(subjectID, wrapped)
	if err != nil {
		return nil, false, err
	}
	defer clear(key[:])
	if string(wrapped[1:1+keyIDSize]) == string(k.primary.id[:]) {
		return wrapped, false, nil
	}
	return k.wrapLocked(subjectID, key), true, nil
}

// WrappedKeyID returns the id (8 lowercase hex characters) of the master key
// that wrapped, as written by this package, names, so the store can record
// kek_key_id and find rows still under an old key. It does not authenticate
// anything and returns "" if wrapped is not a well-formed wrapped key.
func WrappedKeyID(wrapped []byte) string {
	if len(wrapped) != WrappedLen || wrapped[0] != wrapVersion {
		return ""
	}
	return hex.EncodeToString(wrapped[1 : 1+keyIDSize])
}

func checkDataSubject(subjectID string) error {
	if subjectID == "" {
		return errors.New("seal: empty subject id")
	}
	if strings.HasPrefix(subjectID, ReservedSubjectPrefix) {
		return fmt.Errorf("seal: subject ids starting with %q are reserved", ReservedSubjectPrefix)
	}
	return nil
}

func (k *Keyring) wrap(subjectID string, key *[KeySize]byte) ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.primary == nil {
		return nil, fmt.Errorf("%w: no primary key", ErrInvalidKeyring)
	}
	return k.wrapLocked(subjectID, key), nil
}

// wrapLocked wraps key under the primary key. Callers hold k.mu.
func (k *Keyring) wrapLocked(subjectID string, key *[KeySize]byte) []byte {
	p := k.primary
	out := make([]byte, 0, WrappedLen)
	out = append(out, wrapVersion)
	out = append(out, p.id[:]...)
	return p.wrap.Seal(out, nil, key[:], []byte(wrapADPrefix+subjectID))
}

func (k *Keyring) unwrap(subjectID string, wrapped []byte) (*[KeySize]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.unwrapLocked(subjectID, wrapped)
}

// unwrapLocked authenticates and decrypts a wrapped key. Callers hold k.mu.
// Error messages name the master key id at most, never the subject or bytes.
func (k *Keyring) unwrapLocked(subjectID string, wrapped []byte) (*[KeySize]byte, error) {
	if len(wrapped) != WrappedLen {
		return nil, fmt.Errorf("%w: wrapped key has %d bytes, want %d", ErrIntegrity, len(wrapped), WrappedLen)
	}
	if wrapped[0] != wrapVersion {
		return nil, fmt.Errorf("%w: unsupported wrapped-key format version %d", ErrIntegrity, wrapped[0])
	}
	id := wrapped[1 : 1+keyIDSize]
	mk := k.find(id)
	if mk == nil {
		return nil, fmt.Errorf("%w: the key is wrapped under master key %s, which is not in the keyring (removed before this row was re-wrapped?)", ErrUnknownKey, hex.EncodeToString(id))
	}
	pt, err := mk.wrap.Open(nil, nil, wrapped[1+keyIDSize:], []byte(wrapADPrefix+subjectID))
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped key does not authenticate under master key %s for this subject (tampered, or moved from another subject)", ErrIntegrity, mk.idHex)
	}
	defer clear(pt)
	if len(pt) != KeySize {
		return nil, fmt.Errorf("%w: unwrapped key has %d bytes", ErrIntegrity, len(pt))
	}
	key := new([KeySize]byte)
	copy(key[:], pt)
	return key, nil
}
