// Package seal is Fristad's field-level envelope encryption: a pure
// cryptographic package with no SQL and no I/O other than reading and writing
// the master keyring file. The storage layer persists the wrapped keys it
// returns in a separate key store (keys.db) and calls this package to seal and
// open classified fields (security requirements SR-60..SR-64, design §(c.2)).
//
// Only the Go standard library is used: AES-256-GCM with random 96-bit nonces
// (crypto/cipher.NewGCMWithRandomNonce), HKDF-SHA-256 and HMAC-SHA-256.
//
// # Key hierarchy
//
//	Keyring (master keys / KEKs, 32 bytes each, one primary; never in a database)
//	 ├─ wraps one data key (DEK) per data subject       subject_keys(subject_id, wrapped, kek_key_id)
//	 │    └─ HKDF "fristad/field-seal/v1" → field key    seals classified columns
//	 └─ wraps the blind-index key (subject "fristad/blind-index")
//	      └─ HKDF "fristad/blind-index/v1|<field>" → per-field HMAC key
//
// Every data subject (a survivor, each child separately, a perpetrator
// profile) has its own data key, so erasing one subject (crypto-shredding:
// the store deletes the wrapped key) never makes another subject's data
// unreadable. Raw keys are never used directly for more than one purpose:
// master keys and data keys only ever key HKDF, and the derived subkeys key
// AES-GCM or HMAC.
//
// # Wrapped key format (65 bytes)
//
//	offset  size  content
//	0       1     version, 0x01
//	1       4     master key id (raw bytes; WrappedKeyID returns it as 8 hex chars)
//	5       12    random GCM nonce
//	17      32    encrypted key
//	49      16    GCM tag
//
// The GCM key is HKDF-SHA-256(master key, info "fristad/kek-wrap/v1") and the
// associated data is "fristad/subject-key/v1|" + subjectID, so a wrapped key
// copied to another subject's row does not unwrap.
//
// # Sealed field format (29 + len(plaintext) bytes)
//
//	offset  size  content
//	0       1     version, 0x01
//	1       12    random GCM nonce
//	13      n     ciphertext
//	13+n    16    GCM tag
//
// The GCM key is HKDF-SHA-256(data key, info "fristad/field-seal/v1"). The
// associated data binds the ciphertext to where it is stored:
//
//	"v1|" + len(table) + ":" + table + "|" + len(column) + ":" + column + "|" + len(rowID) + ":" + rowID
//
// with lengths in decimal, so ("a|b", "c") and ("a", "b|c") give different
// associated data. A ciphertext copied to another row, column or table fails
// with ErrIntegrity.
//
// # Master keyring file format
//
// UTF-8 text, one record per line (or separated by ';' so that a keyring fits
// into one environment variable). Blank records and records starting with '#'
// are ignored. Every other record is
//
//	fristad-master-key v1 <id> <key> [primary]
//
// where <key> is the 32-byte master key in standard padded base64, <id> is
// the first 4 bytes of HKDF-SHA-256(key, info "fristad/kek-id/v1") as 8
// lowercase hex characters (a key check value: a line whose id does not match
// its key is refused), and exactly one record is marked primary. The file
// must be a regular file with mode 0600 or 0400.
//
// # Blind indexes
//
// Token(field, v) = first b bits of HMAC-SHA-256(K_field, v), where K_field =
// HKDF-SHA-256(index key, info "fristad/blind-index/v1|" + field) and the
// index key is a random key wrapped like a data key (never derived from a data
// key). b defaults to 32, so tokens are expected to collide: callers look up
// candidate rows by token, then decrypt and compare (as in CipherSweet).
//
// # Secrets in memory and in messages
//
// Error messages never contain key material, plaintext or identity numbers.
// Keyring, DataKey and Indexer print as redacted summaries with any fmt verb.
// Zeroing is best effort: Go may have copied key bytes (for example into the
// AES key schedule inside crypto/aes) where this package cannot reach them.
package seal
