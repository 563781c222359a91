package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// KeySize is the size in bytes of every key in this package: master keys,
// data keys and the blind-index key.
const KeySize = 32

const (
	keyIDSize      = 4
	keyFileMagic   = "fristad-master-key"
	keyFileVersion = "v1"
	keyFilePrimary = "primary"
	maxKeyFileSize = 64 << 10
	infoKEKWrap    = "fristad/kek-wrap/v1"
	infoKEKID      = "fristad/kek-id/v1"
	keyFileHeader  = "# Fristad master keyring (KEKs). SECRET: whoever holds this file can decrypt every\n# sealed field. Mode must be 0600 or 0400. Never commit it or store it in the database.\n# Format: fristad-master-key v1 <id> <base64 key> [primary]\n"
)

// masterKey is one master key. The raw key is kept (behind a pointer, so
// reflection-based printing shows only an address) because WriteFile and
// Export need it.
type masterKey struct {
	id    [keyIDSize]byte
	idHex string
	raw   *[KeySize]byte
	wrap  cipher.AEAD // AES-256-GCM, random nonces, key HKDF(raw, infoKEKWrap)
}

func newMasterKey(raw []byte) (*masterKey, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("master key has %d bytes, want %d", len(raw), KeySize)
	}
	mk := &masterKey{raw: new([KeySize]byte)}
	copy(mk.raw[:], raw)
	id, err := hkdf.Key(sha256.New, mk.raw[:], nil, infoKEKID, keyIDSize)
	if err != nil {
		return nil, fmt.Errorf("derive master key id: %w", err)
	}
	copy(mk.id[:], id)
	mk.idHex = hex.EncodeToString(id)
	mk.wrap, err = newAEAD(mk.raw[:], infoKEKWrap)
	if err != nil {
		return nil, err
	}
	return mk, nil
}

// newAEAD returns AES-256-GCM with random nonces keyed by HKDF(secret, info).
// The derived key is zeroed after the cipher has been set up.
func newAEAD(secret []byte, info string) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, secret, nil, info, KeySize)
	if err != nil {
		return nil, fmt.Errorf("seal: derive subkey: %w", err)
	}
	defer clear(k)
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return aead, nil
}

// Keyring holds one or more 32-byte master keys (key-encryption keys), each
// identified by an 8-hex-character id derived from the key, exactly one of
// which is primary.
//
// Invariants: a Keyring always has at least one key and exactly one primary;
// ids are unique; new wraps (NewDataKey, NewIndexKey, Rewrap) always use the
// primary; unwrapping uses whichever key the wrapped bytes name. A Keyring is
// safe for concurrent use. It never prints its keys: String, GoString and
// Format return a redacted summary. Obtain one with LoadKeyringFile,
// ParseKeyring, GenerateKeyring or GenerateKeyringFile; the zero value is not
// usable.
type Keyring struct {
	mu      sync.RWMutex
	keys    []*masterKey // in file order
	primary *masterKey
}

// GenerateKeyring returns a new in-memory keyring with one random primary key.
func GenerateKeyring() (*Keyring, error) {
	k := &Keyring{}
	if _, err := k.AddPrimary(); err != nil {
		return nil, err
	}
	return k, nil
}

// ParseKeyring parses keyring text in the format described in the package
// documentation (for example from an environment variable or a systemd
// credential). It refuses empty or malformed text, duplicate ids, ids that do
// not match their key, and text without exactly one primary; the error wraps
// ErrInvalidKeyring, names the offending record by number and never quotes
// the text. ParseKeyring copies what it needs; the caller should zero data
// (and unset the environment variable) afterwards.
func ParseKeyring(data []byte) (*Keyring, error) {
	k := &Keyring{}
	var raw [KeySize]byte
	defer clear(raw[:])
	lineNo := 0
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		lineNo++
		for rec := range bytes.SplitSeq(line, []byte(";")) {
			rec = bytes.TrimSpace(rec)
			if len(rec) == 0 || rec[0] == '#' {
				continue
			}
			if err := k.parseRecord(rec, &raw); err != nil {
				return nil, fmt.Errorf("%w: line %d: %s", ErrInvalidKeyring, lineNo, err)
			}
		}
	}
	if len(k.keys) == 0 {
		return nil, fmt.Errorf("%w: no keys (empty or only comments)", ErrInvalidKeyring)
	}
	if k.primary == nil {
		return nil, fmt.Errorf("%w: no key is marked %q", ErrInvalidKeyring, keyFilePrimary)
	}
	return k, nil
}

// parseRecord parses one non-comment record. Its error messages never quote
// the record, which may contain key material in any position.
func (k *Keyring) parseRecord(rec []byte, raw *[KeySize]byte) error {
	f := bytes.Fields(rec)
	if len(f) < 4 || len(f) > 5 {
		return fmt.Errorf("want %q, got %d fields", keyFileMagic+" v1 <id> <base64 key> [primary]", len(f))
	}
	if string(f[0]) != keyFileMagic {
		return fmt.Errorf("record does not start with %q", keyFileMagic)
	}
	if string(f[1]) != keyFileVersion {
		return fmt.Errorf("unsupported record version (want %q)", keyFileVersion)
	}
	if !isKeyID(f[2]) {
		return errors.New("key id must be 8 lowercase hex characters")
	}
	id := string(f[2])
	primary := false
	if len(f) == 5 {
		if string(f[4]) != keyFilePrimary {
			return fmt.Errorf("unknown flag after key %s (only %q is allowed)", id, keyFilePrimary)
		}
		primary = true
	}
	enc := base64.StdEncoding.Strict()
	if enc.DecodedLen(len(f[3])) > 2*KeySize {
		return fmt.Errorf("key %s: key is too long", id)
	}
	var buf [2 * KeySize]byte
	defer clear(buf[:])
	n, err := enc.Decode(buf[:], f[3])
	if err != nil {
		// Do not wrap err: keep the message independent of the input.
		return fmt.Errorf("key %s: key is not valid standard base64", id)
	}
	if n != KeySize {
		return fmt.Errorf("key %s: key has %d bytes, want %d", id, n, KeySize)
	}
	copy(raw[:], buf[:n])
	mk, err := newMasterKey(raw[:])
	if err != nil {
		return fmt.Errorf("key %s: %v", id, err)
	}
	if mk.idHex != id {
		return fmt.Errorf("key id %s does not match its key (corrupted or mismatched record)", id)
	}
	if k.find(mk.id[:]) != nil {
		return fmt.Errorf("duplicate key %s", id)
	}
	if primary && k.primary != nil {
		return fmt.Errorf("key %s: more than one key is marked %q", id, keyFilePrimary)
	}
	k.keys = append(k.keys, mk)
	if primary {
		k.primary = mk
	}
	return nil
}

func isKeyID(b []byte) bool {
	if len(b) != 2*keyIDSize {
		return false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// LoadKeyringFile reads and parses a keyring file. It refuses, with an error
// that names the path but never the contents, a file that is missing, not a
// regular file, readable or writable by group or others (the mode must be
// exactly 0600 or 0400; the error wraps ErrInsecureKeyFile), larger than
// 64 KiB, empty or malformed (wrapping ErrInvalidKeyring). Symbolic links are
// followed and the mode of the target is checked, on the opened file so that
// a swap between check and read is not possible.
func LoadKeyringFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: open keyring file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: keyring file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrInsecureKeyFile, path)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 && perm != 0o400 {
		return nil, fmt.Errorf("%w: %s has mode %#o; it must be 0600 or 0400 (owner only): run chmod 600 on it", ErrInsecureKeyFile, path, perm)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	defer clear(data)
	if err != nil {
		return nil, fmt.Errorf("seal: read keyring file %s: %w", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalidKeyring, path, maxKeyFileSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: %s is empty", ErrInvalidKeyring, path)
	}
	k, err := ParseKeyring(data)
	if err != nil {
		return nil, fmt.Errorf("keyring file %s: %w", path, err)
	}
	return k, nil
}

// GenerateKeyringFile creates a new keyring file at path holding one random
// primary key, with mode 0600, and returns the keyring. It never overwrites:
// if path exists (even as a dangling symbolic link) it fails with an error
// wrapping fs.ErrExist. The file is synced before GenerateKeyringFile
// returns; on failure a partially written file is removed.
func GenerateKeyringFile(path string) (*Keyring, error) {
	k, err := GenerateKeyring()
	if err != nil {
		return nil, err
	}
	data := k.Export()
	defer clear(data)
	if err := writeNewFile(path, data, 0o600); err != nil {
		return nil, err
	}
	syncDir(filepath.Dir(path))
	return k, nil
}

// writeNewFile creates path exclusively with the given mode (set explicitly,
// independent of the umask), writes data and syncs. It removes the file if
// anything after creation fails.
func writeNewFile(path string, data []byte, mode os.FileMode) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("seal: create keyring file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("seal: write keyring file %s: %w", path, cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("seal: chmod keyring file %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("seal: write keyring file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("seal: sync keyring file %s: %w", path, err)
	}
	if mode != 0o600 {
		if err := f.Chmod(mode); err != nil {
			return fmt.Errorf("seal: chmod keyring file %s: %w", path, err)
		}
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort; not supported everywhere
		d.Close()
	}
}

// WriteFile atomically replaces (or creates) the keyring file at path with
// this keyring: it writes a temporary file with mode 0600 in the same
// directory, syncs it and renames it over path, so a crash leaves either the
// old or the new file. If the existing file has mode 0400 the new one gets
// 0400 too; otherwise it gets 0600.
//
// WriteFile is meant for rotation and writes exactly the keys in the keyring:
// writing after Remove discards the removed key for good. Only remove a key
// after every wrapped key that names it has been re-wrapped (Rewrap), and
// keep the rotation order: AddPrimary, WriteFile, re-wrap every row, Remove
// the old key, WriteFile.
func (k *Keyring) WriteFile(path string) error {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() == 0o400 {
		mode = 0o400
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(rnd[:]))
	data := k.Export()
	defer clear(data)
	if err := writeNewFile(tmp, data, mode); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("seal: replace keyring file: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// Export returns the keyring in the text format read by ParseKeyring, with
// the primary key marked. The result is SECRET key material: write it only
// to owner-only storage and zero it (clear) after use.
func (k *Keyring) Export() []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	var b bytes.Buffer
	b.WriteString(keyFileHeader)
	enc := make([]byte, base64.StdEncoding.EncodedLen(KeySize))
	defer clear(enc)
	for _, mk := range k.keys {
		b.WriteString(keyFileMagic + " " + keyFileVersion + " " + mk.idHex + " ")
		base64.StdEncoding.Encode(enc, mk.raw[:])
		b.Write(enc)
		if mk == k.primary {
			b.WriteString(" " + keyFilePrimary)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// AddPrimary generates a new random master key, adds it to the keyring and
// makes it the primary, returning its id. Previous keys stay in the keyring,
// so everything they wrapped still unwraps; new wraps and Rewrap use the new
// key. This is the first step of "fristad keys rotate"; persist it with
// WriteFile before re-wrapping.
func (k *Keyring) AddPrimary() (string, error) {
	var raw [KeySize]byte
	defer clear(raw[:])
	k.mu.Lock()
	defer k.mu.Unlock()
	for range 8 {
		if _, err := rand.Read(raw[:]); err != nil {
			return "", fmt.Errorf("seal: generate master key: %w", err)
		}
		mk, err := newMasterKey(raw[:])
		if err != nil {
			return "", err
		}
		if k.find(mk.id[:]) != nil {
			continue // 32-bit id collision: astronomically unlikely, try again
		}
		k.keys = append(k.keys, mk)
		k.primary = mk
		return mk.idHex, nil
	}
	return "", errors.New("seal: could not generate a master key with a unique id")
}

// Remove drops the master key with the given id from the keyring (in memory;
// call WriteFile to persist). It refuses to remove the primary key or an
// unknown id. After Remove, wrapped keys that still name id fail to unwrap
// with ErrUnknownKey. The removed key's bytes are zeroed (best effort).
func (k *Keyring) Remove(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, mk := range k.keys {
		if mk.idHex != id {
			continue
		}
		if mk == k.primary {
			return fmt.Errorf("seal: master key %s is the primary key and cannot be removed", id)
		}
		k.keys = append(k.keys[:i:i], k.keys[i+1:]...)
		clear(mk.raw[:])
		mk.wrap = nil
		return nil
	}
	return fmt.Errorf("seal: remove master key %s: %w", id, ErrUnknownKey)
}

// PrimaryID returns the id (8 lowercase hex characters) of the primary key:
// the id that every new wrapped key carries and that the store records as
// kek_key_id. It returns "" only for an unusable zero Keyring.
func (k *Keyring) PrimaryID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.primary == nil {
		return ""
	}
	return k.primary.idHex
}

// KeyIDs returns the ids of all keys in the keyring, in file order.
func (k *Keyring) KeyIDs() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ids := make([]string, len(k.keys))
	for i, mk := range k.keys {
		ids[i] = mk.idHex
	}
	return ids
}

// Has reports whether the keyring holds the master key with the given id.
func (k *Keyring) Has(id string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, mk := range k.keys {
		if mk.idHex == id {
			return true
		}
	}
	return false
}

// find returns the key with the given raw id, or nil. Callers hold k.mu.
func (k *Keyring) find(id []byte) *masterKey {
	for _, mk := range k.keys {
		if bytes.Equal(mk.id[:], id) {
			return mk
		}
	}
	return nil
}

// String returns a redacted summary (key ids only, never key bytes).
func (k *Keyring) String() string {
	if k == nil {
		return "seal.Keyring(nil)"
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	p := ""
	if k.primary != nil {
		p = k.primary.idHex
	}
	return fmt.Sprintf("seal.Keyring{keys: %d, primary: %s, key material redacted}", len(k.keys), p)
}

// GoString is the same redacted summary as String.
func (k *Keyring) GoString() string { return k.String() }

// Format prints the redacted summary for every fmt verb, so that no verb
// (%v, %+v, %#v, %x, %d, ...) can reveal key bytes.
func (k *Keyring) Format(f fmt.State, _ rune) { io.WriteString(f, k.String()) }
