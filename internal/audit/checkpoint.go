package audit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed commitment to the first Size events of the log.
// Its note text is the C2SP tlog-checkpoint body
//
//	<origin>\n<size>\n<base64 root>\n
type Checkpoint struct {
	Origin string    // identity of the log, e.g. "fristad.example.se/audit"
	Size   int64     // number of events committed to
	Root   tlog.Hash // RFC 6962 tree hash of events 0..Size-1
}

// body returns the C2SP tlog-checkpoint note text for c.
func (c Checkpoint) body() ([]byte, error) {
	if c.Origin == "" || !utf8.ValidString(c.Origin) || strings.ContainsAny(c.Origin, "\n\x00") {
		return nil, fmt.Errorf("audit: invalid checkpoint origin %q", c.Origin)
	}
	if c.Size < 0 {
		return nil, fmt.Errorf("audit: invalid checkpoint size %d", c.Size)
	}
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:])), nil
}

// Sign returns c as a note signed by signer. Production code should sign
// through a [Signer] (rollback guard) rather than calling this directly.
func (c Checkpoint) Sign(signer note.Signer) ([]byte, error) {
	text, err := c.body()
	if err != nil {
		return nil, err
	}
	return note.Sign(&note.Note{Text: string(text)}, signer)
}

// OpenCheckpoint verifies the signed checkpoint note msg against verifiers
// (at least one signature by a known key must verify; signatures by unknown
// keys, e.g. witness cosignatures, are ignored) and parses its body. The body
// must be exactly the three lines written by [Checkpoint.Sign], in canonical
// form.
func OpenCheckpoint(msg []byte, verifiers note.Verifiers) (Checkpoint, error) {
	if verifiers == nil {
		return Checkpoint{}, errors.New("audit: no checkpoint verifiers configured")
	}
	n, err := note.Open(msg, verifiers)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint signature: %w", err)
	}
	return parseCheckpoint(n.Text)
}

func parseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) != 4 || lines[3] != "" {
		return Checkpoint{}, errors.New("audit: malformed checkpoint: want exactly 3 lines")
	}
	var c Checkpoint
	c.Origin = strings.TrimSuffix(lines[0], "\n")
	sizeStr := strings.TrimSuffix(lines[1], "\n")
	size, err := strconv.ParseInt(sizeStr, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeStr {
		return Checkpoint{}, fmt.Errorf("audit: malformed checkpoint size %q", sizeStr)
	}
	c.Size = size
	rootStr := strings.TrimSuffix(lines[2], "\n")
	root, err := base64.StdEncoding.DecodeString(rootStr)
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("audit: malformed checkpoint root %q", rootStr)
	}
	copy(c.Root[:], root)
	// Round-trip to reject non-canonical forms (and an invalid origin).
	if b, err := c.body(); err != nil || string(b) != text {
		return Checkpoint{}, errors.New("audit: malformed checkpoint: not canonical")
	}
	return c, nil
}

// NewKey generates an Ed25519 note key pair named name (conventionally the
// checkpoint origin) using crypto/rand. signerKey is secret and must not be
// stored in the database; verifierKey is public.
func NewKey(name string) (signerKey, verifierKey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}

// Errors returned by [Signer.Sign].
var (
	// ErrRollback means the checkpoint is smaller than the last one signed.
	ErrRollback = errors.New("audit: refusing to sign a checkpoint smaller than the last signed")
	// ErrFork means the checkpoint has the size of the last one signed but
	// a different root or origin.
	ErrFork = errors.New("audit: refusing to sign a checkpoint that conflicts with the last signed")
)

// Signer is a checkpoint-signing oracle that never signs a checkpoint
// smaller than the last one it signed, nor a different root or origin at the
// same size. It gives cheap rollback protection when the signing key lives
// outside the database (SR-73). A Signer is safe for concurrent use.
type Signer struct {
	mu      sync.Mutex
	key     note.Signer
	last    Checkpoint
	hasLast bool
	persist func(Checkpoint) error
}

// NewSigner returns a Signer using key. last, if non-nil, is the last
// checkpoint signed, restored from the oracle's own persistent state. persist,
// if non-nil, is called with each checkpoint before it is signed; if it fails,
// nothing is signed and the in-memory state is unchanged.
func NewSigner(key note.Signer, last *Checkpoint, persist func(Checkpoint) error) *Signer {
	s := &Signer{key: key, persist: persist}
	if last != nil {
		s.last, s.hasLast = *last, true
	}
	return s
}

// Sign signs c unless that would roll back or fork the log (see [ErrRollback],
// [ErrFork]). Re-signing the last checkpoint is allowed.
func (s *Signer) Sign(c Checkpoint) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := c.body(); err != nil {
		return nil, err
	}
	if s.hasLast {
		switch {
		case c.Origin != s.last.Origin:
			return nil, fmt.Errorf("%w: origin %q, last signed %q", ErrFork, c.Origin, s.last.Origin)
		case c.Size < s.last.Size:
			return nil, fmt.Errorf("%w: size %d < %d", ErrRollback, c.Size, s.last.Size)
		case c.Size == s.last.Size && c.Root != s.last.Root:
			return nil, fmt.Errorf("%w: size %d with a different root", ErrFork, c.Size)
		}
	}
	if s.persist != nil {
		if err := s.persist(c); err != nil {
			return nil, fmt.Errorf("audit: persisting signer state: %w", err)
		}
	}
	// State advances before signing: if signing then fails, the oracle is
	// merely more conservative than necessary.
	s.last, s.hasLast = c, true
	return c.Sign(s.key)
}

// Last returns the last checkpoint signed (or restored), if any.
func (s *Signer) Last() (Checkpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.hasLast
}
