package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Kind classifies a [VerifyError].
type Kind int

// Kinds of verification failure.
const (
	// KindGap: seq values are not exactly 0, 1, 2, ... (a row was deleted
	// without renumbering, duplicated or reordered), or the row count
	// disagrees with Log.Size.
	KindGap Kind = iota + 1
	// KindLeaf: a leaf's record hash differs from the stored level-0 hash
	// (a column was changed, rows were reordered, inserted or deleted and
	// renumbered, or the stored leaf hash was corrupted), or the leaf does
	// not parse / encodes a different seq than its row.
	KindLeaf
	// KindHash: a stored interior hash differs from the recomputed one, or a
	// stored hash is missing.
	KindHash
	// KindCheckpoint: a stored checkpoint's signature does not verify, its
	// note is malformed, its columns disagree with its note, or its origin
	// differs from the other checkpoints'.
	KindCheckpoint
	// KindRoot: a validly signed checkpoint's root differs from the tree hash
	// recomputed from the rows at its size.
	KindRoot
	// KindConsistency: a consistency proof between two checkpoints fails, or
	// the log does not extend a witnessed checkpoint (history was rewritten).
	KindConsistency
	// KindRollback: a stored or witnessed checkpoint is larger than the log
	// (tail truncation or rollback).
	KindRollback
)

var kindNames = map[Kind]string{
	KindGap:         "gap",
	KindLeaf:        "leaf mismatch",
	KindHash:        "bad stored hash",
	KindCheckpoint:  "bad checkpoint",
	KindRoot:        "checkpoint root mismatch",
	KindConsistency: "inconsistent history",
	KindRollback:    "rollback/truncation",
}

// String returns a short human-readable name for k.
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// VerifyError describes evidence of tampering found by [Verify].
type VerifyError struct {
	Kind Kind
	// Index is the first bad event seq, or -1 when the problem is not tied
	// to one event (checkpoint signatures, roots, witnesses).
	Index int64
	// HashIndex is the stored-hash index involved, or -1.
	HashIndex int64
	// Reason is a human-readable explanation.
	Reason string
}

// Error implements error.
func (e *VerifyError) Error() string {
	s := "audit: verify: " + e.Kind.String()
	if e.Index >= 0 {
		s += fmt.Sprintf(" at index %d", e.Index)
	}
	if e.HashIndex >= 0 {
		s += fmt.Sprintf(" (stored hash index %d)", e.HashIndex)
	}
	return s + ": " + e.Reason
}

// Report summarises a [Verify] run.
type Report struct {
	// Size is the number of rows scanned (the valid seq prefix 0..Size-1).
	Size int64
	// Root is the tree hash recomputed from the rows at Size.
	Root tlog.Hash
	// Checkpoints are the stored checkpoints whose signatures verified,
	// ascending by size. Events after the last one are not yet signed.
	Checkpoints []Checkpoint
	// Witnessed is the number of externally witnessed checkpoints checked.
	Witnessed int
	// Problems lists everything found, most specific first; Verify returns
	// Problems[0] as its error.
	Problems []*VerifyError
}

// verifyBatch is the number of rows Verify asks Log.Leaves for at a time.
const verifyBatch = 1024

// Verify checks the whole log against itself, its stored signed checkpoints
// and the externally witnessed checkpoints (which the caller has already
// authenticated, e.g. from the registry anchor or a witness cosignature):
//
//  1. rows must have seq 0, 1, 2, ... with no gap, and as many as Log.Size;
//  2. every leaf must parse and encode its row's seq;
//  3. the full stored-hash table is recomputed from the leaves alone and
//     compared with the stored one, naming the first bad index;
//  4. every stored checkpoint must verify under verifiers, agree with its
//     columns, not exceed the log, and have the recomputed root at its size;
//     consecutive checkpoints must be consistent;
//  5. every witnessed checkpoint must not exceed the log (else rollback) and
//     the log must be consistent with it.
//
// If tampering is found, Verify returns the report and the first problem as a
// *VerifyError. Other errors (storage, context) are returned as is.
func Verify(ctx context.Context, log Log, verifiers note.Verifiers, witnessed []Checkpoint) (*Report, error) {
	rep := &Report{Witnessed: len(witnessed)}
	var scanProbs, cpProbs, witProbs []*VerifyError

	claimed, err := log.Size(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := log.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}

	// Authenticate stored checkpoints before looking at any rows, so that
	// we know which tree sizes need roots.
	var origin string
	for _, sc := range stored {
		c, err := OpenCheckpoint(sc.Note, verifiers)
		switch {
		case err != nil:
			cpProbs = append(cpProbs, verr(KindCheckpoint, -1, -1, "checkpoint row size %d: %v", sc.Size, err))
			continue
		case c.Size != sc.Size || c.Root != sc.Root:
			cpProbs = append(cpProbs, verr(KindCheckpoint, -1, -1, "checkpoint row size %d: columns disagree with signed note (size %d)", sc.Size, c.Size))
			continue
		case origin == "":
			origin = c.Origin
		case c.Origin != origin:
			cpProbs = append(cpProbs, verr(KindCheckpoint, -1, -1, "checkpoint size %d has origin %q, others %q", c.Size, c.Origin, origin))
			continue
		}
		rep.Checkpoints = append(rep.Checkpoints, c)
	}
	slices.SortFunc(rep.Checkpoints, func(a, b Checkpoint) int { return cmp.Compare(a.Size, b.Size) })

	roots := make(map[int64]tlog.Hash) // recomputed tree hash at each wanted size
	want := make(map[int64]bool)
	for _, c := range rep.Checkpoints {
		want[c.Size] = true
	}
	for _, w := range witnessed {
		want[w.Size] = true
	}
	if want[0] {
		roots[0] = emptyRoot
	}

	// Scan all rows, recomputing the stored-hash table from scratch. Only
	// the right edge of the tree (one hash per level) is kept in memory.
	var fr frontier
	firstBad := func(p *VerifyError) {
		if len(scanProbs) == 0 || p.Index < scanProbs[0].Index {
			scanProbs = []*VerifyError{p}
		}
	}
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows, err := log.Leaves(ctx, n, verifyBatch)
		if err != nil {
			return nil, err
		}
		start := n
		var hashes []tlog.Hash
		for _, row := range rows {
			if row.Seq != n {
				reason := fmt.Sprintf("seq %d missing (next row has seq %d)", n, row.Seq)
				if row.Seq < n {
					reason = fmt.Sprintf("duplicate or out-of-order seq %d where %d expected", row.Seq, n)
				}
				if err := compareStored(ctx, log, start, n, hashes, firstBad); err != nil {
					return nil, err
				}
				rep.Size = n
				rep.Root, _ = tlog.TreeHash(n, &fr)
				rep.Problems = append(scanProbs, verr(KindGap, n, -1, "%s", reason))
				return rep, rep.Problems[0]
			}
			if e, err := ParseLeaf(row.Leaf); err != nil {
				firstBad(verr(KindLeaf, n, -1, "%v", err))
			} else if e.Seq != row.Seq {
				firstBad(verr(KindLeaf, n, -1, "leaf encodes seq %d in row %d", e.Seq, row.Seq))
			}
			hs, err := tlog.StoredHashes(n, row.Leaf, &fr)
			if err != nil {
				return nil, err
			}
			fr.add(n, hs)
			hashes = append(hashes, hs...)
			n++
			if want[n] {
				if roots[n], err = tlog.TreeHash(n, &fr); err != nil {
					return nil, err
				}
			}
		}
		if err := compareStored(ctx, log, start, n, hashes, firstBad); err != nil {
			return nil, err
		}
		if len(rows) < verifyBatch {
			break
		}
	}
	rep.Size = n
	if rep.Root, err = tlog.TreeHash(n, &fr); err != nil {
		return nil, err
	}
	if claimed != n {
		scanProbs = append(scanProbs, verr(KindGap, min(claimed, n), -1, "store claims %d events but has %d rows", claimed, n))
	}
	clean := len(scanProbs) == 0
	hr := hashReader(ctx, log)

	// Stored checkpoints.
	var prev *Checkpoint
	for i := range rep.Checkpoints {
		c := rep.Checkpoints[i]
		if c.Size > n {
			cpProbs = append(cpProbs, verr(KindRollback, -1, -1, "signed checkpoint of size %d but log has only %d events: truncated or rolled back", c.Size, n))
			continue
		}
		if roots[c.Size] != c.Root {
			cpProbs = append(cpProbs, verr(KindRoot, -1, -1, "signed checkpoint of size %d does not match the tree recomputed from the rows", c.Size))
			continue
		}
		if clean && prev != nil && prev.Size > 0 {
			if err := checkTree(hr, *prev, c); err != nil {
				cpProbs = append(cpProbs, verr(KindConsistency, -1, -1, "checkpoints %d and %d: %v", prev.Size, c.Size, err))
			}
		}
		prev = &rep.Checkpoints[i]
	}

	// Witnessed checkpoints.
	head := Checkpoint{Origin: origin, Size: n, Root: rep.Root}
	for _, w := range witnessed {
		switch {
		case origin != "" && w.Origin != origin:
			witProbs = append(witProbs, verr(KindConsistency, -1, -1, "witnessed checkpoint of size %d has origin %q, log has %q", w.Size, w.Origin, origin))
		case w.Size > n:
			witProbs = append(witProbs, verr(KindRollback, -1, -1, "log has %d events but a witnessed checkpoint has size %d: rollback/truncation", n, w.Size))
		case roots[w.Size] != w.Root:
			witProbs = append(witProbs, verr(KindConsistency, -1, -1, "log is not consistent with witnessed checkpoint of size %d: history was rewritten", w.Size))
		case clean && w.Size > 0:
			if err := checkTree(hr, w, head); err != nil {
				witProbs = append(witProbs, verr(KindConsistency, -1, -1, "consistency proof from witnessed size %d to %d: %v", w.Size, n, err))
			}
		}
	}

	rep.Problems = slices.Concat(scanProbs, cpProbs, witProbs)
	if len(rep.Problems) > 0 {
		return rep, rep.Problems[0]
	}
	return rep, nil
}

// checkTree proves with the stored hashes that old is a prefix of new and
// checks the proof, as a witness would.
func checkTree(r tlog.HashReader, old, new Checkpoint) error {
	p, err := tlog.ProveTree(new.Size, old.Size, r)
	if err != nil {
		return err
	}
	return tlog.CheckTree(p, new.Size, new.Root, old.Size, old.Root)
}

// compareStored compares the recomputed hashes of events [start, end) with
// the stored ones and reports the first difference.
func compareStored(ctx context.Context, s HashStore, start, end int64, hashes []tlog.Hash, bad func(*VerifyError)) error {
	if start == end {
		return nil
	}
	lo := tlog.StoredHashIndex(0, start)
	if int64(len(hashes)) != tlog.StoredHashCount(end)-lo {
		return errors.New("audit: internal error: stored hash count")
	}
	indexes := make([]int64, len(hashes))
	for i := range indexes {
		indexes[i] = lo + int64(i)
	}
	got, err := s.ReadHashes(ctx, indexes)
	if errors.Is(err, ErrNotFound) {
		// Find the first missing one.
		for _, x := range indexes {
			if _, err := s.ReadHashes(ctx, []int64{x}); errors.Is(err, ErrNotFound) {
				bad(verr(KindHash, seqOfHash(x), x, "stored hash %d is missing", x))
				return nil
			} else if err != nil {
				return err
			}
		}
		return errors.New("audit: ReadHashes reported a missing hash but none is missing")
	}
	if err != nil {
		return err
	}
	if len(got) != len(indexes) {
		return fmt.Errorf("audit: ReadHashes returned %d hashes for %d indexes", len(got), len(indexes))
	}
	for i, h := range hashes {
		if got[i] == h {
			continue
		}
		x := indexes[i]
		seq := seqOfHash(x)
		if level, _ := tlog.SplitStoredHashIndex(x); level == 0 {
			bad(verr(KindLeaf, seq, x, "record hash of event %d recomputed from its row differs from the stored hash", seq))
		} else {
			bad(verr(KindHash, seq, x, "stored level-%d hash completed by event %d differs from the recomputed hash", level, seq))
		}
		return nil
	}
	return nil
}

// seqOfHash returns the event whose append wrote stored hash index x.
func seqOfHash(x int64) int64 {
	level, k := tlog.SplitStoredHashIndex(x)
	return (k+1)<<level - 1
}

func verr(k Kind, index, hashIndex int64, format string, args ...any) *VerifyError {
	return &VerifyError{Kind: k, Index: index, HashIndex: hashIndex, Reason: fmt.Sprintf(format, args...)}
}

// frontier is a tlog.HashReader holding only the most recently completed
// subtree hash at each level: exactly what tlog.StoredHashes and tlog.TreeHash
// need when the log is rebuilt in order.
type frontier struct {
	k []int64
	h []tlog.Hash
}

func (f *frontier) add(seq int64, hs []tlog.Hash) {
	for level, h := range hs {
		for len(f.k) <= level {
			f.k = append(f.k, -1)
			f.h = append(f.h, tlog.Hash{})
		}
		f.k[level], f.h[level] = seq>>level, h
	}
}

// ReadHashes implements tlog.HashReader.
func (f *frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		level, k := tlog.SplitStoredHashIndex(x)
		if level >= len(f.k) || f.k[level] != k {
			return nil, fmt.Errorf("audit: internal error: stored hash %d not on the right edge", x)
		}
		out[i] = f.h[level]
	}
	return out, nil
}
