package seal

import "errors"

// Sentinel errors. Errors returned by this package wrap at most one of them;
// test with errors.Is. None of them, and no message built around them,
// contains key material or plaintext.
var (
	// ErrIntegrity means a sealed field or wrapped key failed authentication
	// or is malformed: it was tampered with, truncated, moved to another
	// row, column, table or subject, or sealed under a different key. The
	// caller must treat it as a security event (SR-61: audit and alert) and
	// never fall back to showing anything.
	ErrIntegrity = errors.New("seal: integrity failure")

	// ErrUnknownKey means a wrapped key names a master key id that is not
	// in the keyring, typically because the old master key was removed
	// before that row was re-wrapped.
	ErrUnknownKey = errors.New("seal: master key not in keyring")

	// ErrDestroyed means the DataKey was destroyed with Destroy (or is nil).
	ErrDestroyed = errors.New("seal: data key destroyed")

	// ErrInsecureKeyFile means a keyring file is not a regular file with
	// mode 0600 or 0400.
	ErrInsecureKeyFile = errors.New("seal: insecure keyring file")

	// ErrInvalidKeyring means keyring text is empty, malformed or has no
	// primary key.
	ErrInvalidKeyring = errors.New("seal: invalid keyring")
)
