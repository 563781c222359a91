// Package audit implements Fristad's tamper-evident audit log (SR-70..SR-76,
// design §(c.1) of the security requirements).
//
// Each audit [Event] is encoded as a deterministic, versioned,
// length-prefixed binary leaf ([Event.Leaf]). Leaves form an RFC 6962 Merkle
// tree maintained with golang.org/x/mod/sumdb/tlog: for every appended leaf the
// caller stores the "stored hashes" returned by [Append] in the same database
// transaction as the business change the event records. Periodically the tree
// head is published as a C2SP tlog-checkpoint signed with Ed25519
// ([Checkpoint.Sign], [Signer]) and handed to external witnesses. [Verify]
// recomputes everything from the rows and detects modification, deletion,
// insertion, reordering and tail truncation.
//
// The package is pure: it performs no I/O of its own and knows nothing about
// SQL. Storage is reached only through the small interfaces [tlog.HashReader]
// (for appends) and [Log] (for verification and proofs).
package audit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// LeafVersion is the first byte of every leaf produced by [Event.Leaf].
// A future incompatible encoding must use a new version byte.
const LeafVersion byte = 1

// Limits enforced by [Event.Validate].
const (
	// MaxFieldLen is the maximum length in bytes of every string field.
	MaxFieldLen = 200
	// MaxIPHMACLen is the maximum length in bytes of Event.IPHMAC.
	MaxIPHMACLen = 64
	// MaxDetailLen is the maximum length in bytes of Event.Detail.
	MaxDetailLen = 64 << 10
)

// Results allowed in Event.Result.
const (
	ResultOK     = "ok"
	ResultDenied = "denied"
	ResultFailed = "failed"
)

// Event is one audit record. Seq is the gapless, authoritative position of the
// event in the log (0, 1, 2, ...); Time is informational only and may go
// backwards if the wall clock does (SR-74).
//
// The string fields hold identifiers and codes, never sensitive plaintext
// (SR-72). Detail, if present, is opaque ciphertext (encrypted under the
// subject's DEK by the caller); the log commits to the ciphertext, so
// shredding the key later never breaks verification.
type Event struct {
	Seq        int64     // position in the log, 0-based, gapless
	Time       time.Time // UTC, microsecond precision
	ActorID    string    // user id of the actor ("" for anonymous/system)
	ActorOrg   string    // organisation id of the actor
	ActorRole  string    // role the actor acted in
	Action     string    // action code, e.g. "authn.login", "case.read"
	ObjectType string    // type of the object acted on, e.g. "case"
	ObjectID   string    // id of the object acted on
	Purpose    string    // purpose code of the access
	Result     string    // ResultOK, ResultDenied or ResultFailed
	RequestID  string    // request correlation id
	IPHMAC     []byte    // keyed HMAC of the client IP address, or nil
	Detail     []byte    // opaque encrypted detail, or nil
}

// Leaf returns the canonical binary encoding of e, which is what the Merkle
// tree commits to. The encoding is
//
//	version   1 byte, LeafVersion
//	seq       8 bytes, big-endian
//	time      8 bytes, big-endian signed Unix time in microseconds
//	11 fields, each a 4-byte big-endian length followed by that many bytes:
//	ActorID, ActorOrg, ActorRole, Action, ObjectType, ObjectID, Purpose,
//	Result, RequestID, IPHMAC, Detail
//
// Every field is length-prefixed, so no content (CR, LF, ANSI escapes,
// JSON-looking text) can move a record boundary. Time is encoded at
// microsecond precision and independently of its location; nil and empty
// byte slices encode identically. Leaf does not validate e; call
// [Event.Validate] first ([Append] rejects leaves of invalid events).
func (e *Event) Leaf() []byte {
	n := 1 + 8 + 8 + 4*leafFields + len(e.IPHMAC) + len(e.Detail)
	for _, s := range e.stringFields() {
		n += len(s)
	}
	return e.AppendLeaf(make([]byte, 0, n))
}

// AppendLeaf appends the leaf of e, as [Event.Leaf] returns it, to b and
// returns the extended buffer. It allocates nothing when b has room, so a
// reader can encode many rows one after another into one buffer.
func (e *Event) AppendLeaf(b []byte) []byte {
	b = append(b, LeafVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	for _, s := range [...]string{e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.ObjectType,
		e.ObjectID, e.Purpose, e.Result, e.RequestID} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	for _, s := range [...][]byte{e.IPHMAC, e.Detail} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

func (e *Event) stringFields() []string {
	return []string{e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.ObjectType,
		e.ObjectID, e.Purpose, e.Result, e.RequestID}
}

func (e *Event) stringFieldPtrs() []*string {
	return []*string{&e.ActorID, &e.ActorOrg, &e.ActorRole, &e.Action, &e.ObjectType,
		&e.ObjectID, &e.Purpose, &e.Result, &e.RequestID}
}

var fieldNames = []string{"ActorID", "ActorOrg", "ActorRole", "Action", "ObjectType",
	"ObjectID", "Purpose", "Result", "RequestID"}

// ErrMalformedLeaf is wrapped by the errors returned by [ParseLeaf].
var ErrMalformedLeaf = errors.New("audit: malformed leaf")

// ParseLeaf decodes a leaf produced by [Event.Leaf]. It is the exact inverse:
// for any b it accepts, ParseLeaf(b).Leaf() equals b byte for byte. It rejects
// an unknown version, a negative seq, truncated input and trailing bytes.
// Time is returned in UTC; empty IPHMAC and Detail are returned as nil.
// ParseLeaf checks structure only; it does not call [Event.Validate].
func ParseLeaf(b []byte) (*Event, error) {
	seq, micros, fields, err := splitLeaf(b)
	if err != nil {
		return nil, err
	}
	e := &Event{Seq: seq, Time: time.UnixMicro(micros).UTC()}
	for i, p := range e.stringFieldPtrs() {
		*p = string(fields[i])
	}
	if v := fields[leafFields-2]; len(v) > 0 {
		e.IPHMAC = append([]byte(nil), v...)
	}
	if v := fields[leafFields-1]; len(v) > 0 {
		e.Detail = append([]byte(nil), v...)
	}
	return e, nil
}

// leafFields is the number of length-prefixed fields of a leaf: the nine
// strings, IPHMAC and Detail.
const leafFields = 11

// splitLeaf checks the structure of a leaf, as [ParseLeaf] does, and
// returns its seq, its time in Unix microseconds and its fields as
// subslices of b, allocating nothing.
func splitLeaf(b []byte) (seq, micros int64, fields [leafFields][]byte, err error) {
	if len(b) < 17 {
		return 0, 0, fields, fmt.Errorf("%w: truncated header (%d bytes)", ErrMalformedLeaf, len(b))
	}
	if b[0] != LeafVersion {
		return 0, 0, fields, fmt.Errorf("%w: unknown version %d", ErrMalformedLeaf, b[0])
	}
	seq = int64(binary.BigEndian.Uint64(b[1:9]))
	if seq < 0 {
		return 0, 0, fields, fmt.Errorf("%w: negative seq", ErrMalformedLeaf)
	}
	micros = int64(binary.BigEndian.Uint64(b[9:17]))
	rest := b[17:]
	for i := range fields {
		name := "IPHMAC"
		switch {
		case i < len(fieldNames):
			name = fieldNames[i]
		case i == leafFields-1:
			name = "Detail"
		}
		if len(rest) < 4 {
			return 0, 0, fields, fmt.Errorf("%w: truncated length of %s", ErrMalformedLeaf, name)
		}
		n := binary.BigEndian.Uint32(rest)
		rest = rest[4:]
		if uint64(n) > uint64(len(rest)) {
			return 0, 0, fields, fmt.Errorf("%w: truncated %s", ErrMalformedLeaf, name)
		}
		fields[i] = rest[:n:n]
		rest = rest[n:]
	}
	if len(rest) != 0 {
		return 0, 0, fields, fmt.Errorf("%w: %d trailing bytes", ErrMalformedLeaf, len(rest))
	}
	return seq, micros, fields, nil
}

// Validate reports whether e may be appended to the log:
//   - Seq is non-negative;
//   - Time is set, has no sub-microsecond part and lies in years 1970..9999
//     (any location is accepted; the encoding is location-independent);
//   - Action is non-empty and uses only a-z, 0-9, '.', '_' and '-';
//   - Result is one of ResultOK, ResultDenied, ResultFailed;
//   - every string field is at most MaxFieldLen bytes of valid UTF-8 without
//     NUL bytes (other control characters are allowed: the encoding is
//     length-prefixed and display code must escape them);
//   - IPHMAC is at most MaxIPHMACLen and Detail at most MaxDetailLen bytes.
func (e *Event) Validate() error {
	if e.Seq < 0 {
		return fmt.Errorf("audit: invalid event: negative seq %d", e.Seq)
	}
	if e.Time.IsZero() {
		return errors.New("audit: invalid event: Time not set")
	}
	if e.Time.Nanosecond()%1000 != 0 {
		return errors.New("audit: invalid event: Time has sub-microsecond precision (truncate to time.Microsecond)")
	}
	if y := e.Time.UTC().Year(); y < 1970 || y > 9999 {
		return fmt.Errorf("audit: invalid event: Time year %d out of range", y)
	}
	for i, s := range e.stringFields() {
		name := fieldNames[i]
		if len(s) > MaxFieldLen {
			return fmt.Errorf("audit: invalid event: %s longer than %d bytes", name, MaxFieldLen)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("audit: invalid event: %s is not valid UTF-8", name)
		}
		for j := 0; j < len(s); j++ {
			if s[j] == 0 {
				return fmt.Errorf("audit: invalid event: %s contains NUL", name)
			}
		}
	}
	if e.Action == "" {
		return errors.New("audit: invalid event: Action is required")
	}
	for _, c := range []byte(e.Action) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("audit: invalid event: Action %q contains %q", e.Action, c)
		}
	}
	switch e.Result {
	case ResultOK, ResultDenied, ResultFailed:
	case "":
		return errors.New("audit: invalid event: Result is required")
	default:
		return fmt.Errorf("audit: invalid event: unknown Result %q", e.Result)
	}
	if len(e.IPHMAC) > MaxIPHMACLen {
		return fmt.Errorf("audit: invalid event: IPHMAC longer than %d bytes", MaxIPHMACLen)
	}
	if len(e.Detail) > MaxDetailLen {
		return fmt.Errorf("audit: invalid event: Detail longer than %d bytes", MaxDetailLen)
	}
	return nil
}
