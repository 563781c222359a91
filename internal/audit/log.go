package audit

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// ErrNotFound should be wrapped by [HashStore.ReadHashes] when a requested
// stored hash does not exist, so that [Verify] can report the missing index
// as tampering instead of as a storage failure.
var ErrNotFound = errors.New("audit: not found")

// Append computes the stored hashes that must be written when the leaf for
// event number seq is appended to a log that currently holds exactly seq
// events (0..seq-1). r must serve the hashes stored by all earlier appends.
//
// Index contract: the returned hashes hs must be stored at the contiguous
// indexes
//
//	tlog.StoredHashIndex(0, seq) + i   for i = 0 .. len(hs)-1,
//
// which is exactly the range [tlog.StoredHashCount(seq), tlog.StoredHashCount(seq+1)).
// hs[0] is the leaf's record hash and hs[i] (i ≥ 1) is the level-i subtree
// hash completed by this leaf. The audit row, its leaf and hs must be written
// in the same transaction, under a single-writer lock, as the business change
// the event records (SR-71).
//
// Append re-parses leaf and rejects it unless it is a canonical leaf of a
// valid event (see [Event.Validate]) whose Seq equals seq.
func Append(seq int64, leaf []byte, r tlog.HashReader) ([]tlog.Hash, error) {
	if seq < 0 {
		return nil, fmt.Errorf("audit: Append: negative seq %d", seq)
	}
	e, err := ParseLeaf(leaf)
	if err != nil {
		return nil, err
	}
	if e.Seq != seq {
		return nil, fmt.Errorf("audit: Append: leaf has seq %d, appending at %d", e.Seq, seq)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return tlog.StoredHashes(seq, leaf, r)
}

// HashStore gives random access to the stored-hash table (audit_hashes).
type HashStore interface {
	// ReadHashes returns the stored hashes at the given indexes, in the same
	// order. If any index is absent it returns an error wrapping ErrNotFound.
	// Verify asks for contiguous ascending ranges (suitable for
	// "WHERE idx BETWEEN ? AND ?"); proofs ask for scattered indexes.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
}

// Row is one audit_log row as seen by [Verify].
type Row struct {
	// Seq is the row's seq column.
	Seq int64
	// Leaf must be re-encoded from the row's columns with [Event.Leaf]
	// (not copied from a stored leaf column), so that a change to any column
	// shows up as a leaf mismatch.
	Leaf []byte
}

// SignedCheckpoint is one audit_checkpoints row.
type SignedCheckpoint struct {
	Size int64     // the size column
	Root tlog.Hash // the root column
	Note []byte    // the signed note, as produced by Checkpoint.Sign
}

// Log is the read side of an audit log store, as used by [Verify] and the
// proof functions. Verify calls Size and Checkpoints first, then Leaves from
// one goroutine while it calls ReadHashes from another. Each goroutine makes
// one call at a time and holds no iterator open across calls, so a SQL
// implementation can run each call as one query: the rows in one read
// transaction and the stored hashes in a second one, on another connection,
// whose snapshot is taken after the first's (a log only grows, so it holds
// the stored hashes of every row the first one sees).
type Log interface {
	HashStore

	// Size returns the number of events the store claims to hold, e.g.
	// SELECT COALESCE(MAX(seq)+1, 0) FROM audit_log, or a log-head row.
	Size(ctx context.Context) (int64, error)

	// Leaves returns at most limit rows with seq >= start, in ascending seq
	// order (SELECT ... WHERE seq >= ? ORDER BY seq LIMIT ?). Returning fewer
	// than limit rows means there are no more.
	Leaves(ctx context.Context, start int64, limit int) ([]Row, error)

	// Checkpoints returns every stored signed checkpoint, in any order.
	Checkpoints(ctx context.Context) ([]SignedCheckpoint, error)
}

// hashReader adapts a HashStore to tlog.HashReader.
func hashReader(ctx context.Context, s HashStore) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return s.ReadHashes(ctx, indexes)
	})
}

// TreeHead returns the checkpoint for the first size events of the log
// served by s, ready to be signed.
func TreeHead(ctx context.Context, s HashStore, origin string, size int64) (Checkpoint, error) {
	root, err := tlog.TreeHash(size, hashReader(ctx, s))
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Origin: origin, Size: size, Root: root}, nil
}

// ProveInclusion returns a proof that event seq is included in the tree of
// the first size events.
func ProveInclusion(ctx context.Context, s HashStore, seq, size int64) (tlog.RecordProof, error) {
	return tlog.ProveRecord(size, seq, hashReader(ctx, s))
}

// CheckInclusion verifies that leaf is event seq of the tree committed to by c.
func CheckInclusion(p tlog.RecordProof, c Checkpoint, seq int64, leaf []byte) error {
	return tlog.CheckRecord(p, c.Size, c.Root, seq, tlog.RecordHash(leaf))
}

// ProveConsistency returns a proof that the tree of the first oldSize events
// is a prefix of the tree of the first newSize events (what a witness asks for
// before cosigning a new checkpoint). 1 ≤ oldSize ≤ newSize.
func ProveConsistency(ctx context.Context, s HashStore, oldSize, newSize int64) (tlog.TreeProof, error) {
	return tlog.ProveTree(newSize, oldSize, hashReader(ctx, s))
}

// CheckConsistency verifies a proof from [ProveConsistency] that old is a
// prefix of new. Any checkpoint of size 0 is a prefix of every tree.
func CheckConsistency(p tlog.TreeProof, old, new Checkpoint) error {
	if old.Origin != new.Origin {
		return fmt.Errorf("audit: origin %q differs from %q", old.Origin, new.Origin)
	}
	if old.Size > new.Size {
		return fmt.Errorf("audit: old size %d larger than new size %d", old.Size, new.Size)
	}
	if old.Size == 0 {
		if old.Root != emptyRoot {
			return errors.New("audit: empty tree has wrong root")
		}
		return nil
	}
	return tlog.CheckTree(p, new.Size, new.Root, old.Size, old.Root)
}

// emptyRoot is the RFC 6962 hash of the empty tree.
var emptyRoot, _ = tlog.TreeHash(0, nil)
