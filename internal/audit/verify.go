package audit

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"math/bits"
	"slices"
	"sync"

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

// verifyBatch is the number of rows Verify asks Log.Leaves for at a time:
// enough that a query's own cost vanishes, few enough that the batches on
// their way between the goroutines of Verify take a few megabytes.
const verifyBatch = 8192

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
	return VerifyProgress(ctx, log, verifiers, witnessed, nil)
}

// VerifyProgress is [Verify] that tells how far it has come: unless nil,
// progress is called on the caller's goroutine after each batch of rows
// with the number of events checked so far and the number the log claims
// to hold.
//
// The rows are read on one goroutine, their stored hashes on a second and
// hashed on the caller's, so that reading and hashing overlap; a problem
// is still named by the first bad event, whichever goroutine met it.
func VerifyProgress(ctx context.Context, log Log, verifiers note.Verifiers, witnessed []Checkpoint, progress func(done, total int64)) (*Report, error) {
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
	var want []int64                   // the sizes that need roots, ascending
	for _, c := range rep.Checkpoints {
		want = append(want, c.Size)
	}
	for _, w := range witnessed {
		want = append(want, w.Size)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	for len(want) > 0 && want[0] <= 0 {
		if want[0] == 0 {
			roots[0] = emptyRoot
		}
		want = want[1:]
	}

	// Scan all rows, recomputing the stored-hash table from scratch. Only
	// the right edge of the tree (one hash per level) is kept in memory.
	var fr frontier
	firstBad := func(p *VerifyError) {
		if len(scanProbs) == 0 || p.Index < scanProbs[0].Index {
			scanProbs = []*VerifyError{p}
		}
	}
	readCtx, cancel := context.WithCancel(ctx)
	batches, wait := readLog(readCtx, log)
	defer func() {
		cancel()
		wait()
	}()
	var n int64
	var hasher recordHasher
	hashes := make([]tlog.Hash, 0, 2*verifyBatch+64)
	for b := range batches {
		if b.err != nil {
			return nil, b.err
		}
		hashes = hashes[:0]
		for _, row := range b.rows {
			if seq, _, _, err := splitLeaf(row.Leaf); err != nil {
				firstBad(verr(KindLeaf, n, -1, "%v", err))
			} else if seq != row.Seq {
				firstBad(verr(KindLeaf, n, -1, "leaf encodes seq %d in row %d", seq, row.Seq))
			}
			if hashes, err = fr.push(n, hasher.sum(row.Leaf), hashes); err != nil {
				return nil, err
			}
			n++
			if len(want) > 0 && want[0] == n {
				if roots[n], err = tlog.TreeHash(n, &fr); err != nil {
					return nil, err
				}
				want = want[1:]
			}
		}
		if err := compareStored(b, hashes, firstBad); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(n, claimed)
		}
		if b.gap != nil {
			rep.Size = n
			rep.Root, _ = tlog.TreeHash(n, &fr)
			rep.Problems = append(scanProbs, b.gap)
			return rep, rep.Problems[0]
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
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

// A batch is one stretch of the log on its way through Verify: the rows of
// events [start, start+len(rows)), read on one goroutine, and their stored
// hashes, read on another.
type batch struct {
	start int64
	rows  []Row
	// gap, if set, is the gap the rows stop before; the batch is the last.
	gap *VerifyError
	// stored are the stored hashes of the rows' events in index order, from
	// tlog.StoredHashIndex(0, start): all of them, or those before the first
	// missing one, whose index is missing (else -1).
	stored  []tlog.Hash
	missing int64
	// err is a storage failure; the batch is the last.
	err error
}

// readLog reads the log's rows in batches on one goroutine and their
// stored hashes on another, and delivers the batches in order, the last
// one ending at the log's end, before a gap or with a storage failure.
// Each goroutine calls the log one call at a time. After ctx is done the
// channel closes early; wait returns once neither goroutine is left.
func readLog(ctx context.Context, log Log) (_ <-chan *batch, wait func()) {
	toHashes := make(chan *batch, 1)
	out := make(chan *batch, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(toHashes)
		var n int64
		for {
			rows, err := log.Leaves(ctx, n, verifyBatch)
			b := &batch{start: n, rows: rows, missing: -1, err: err}
			for i, row := range rows {
				if row.Seq != n {
					reason := fmt.Sprintf("seq %d missing (next row has seq %d)", n, row.Seq)
					if row.Seq < n {
						reason = fmt.Sprintf("duplicate or out-of-order seq %d where %d expected", row.Seq, n)
					}
					b.gap = verr(KindGap, n, -1, "%s", reason)
					b.rows = rows[:i]
					break
				}
				n++
			}
			select {
			case toHashes <- b:
			case <-ctx.Done():
				return
			}
			if err != nil || b.gap != nil || len(rows) < verifyBatch {
				return
			}
		}
	})
	wg.Go(func() {
		defer close(out)
		for b := range toHashes {
			if b.err == nil && len(b.rows) > 0 {
				b.stored, b.missing, b.err = readStored(ctx, log, b.start, b.start+int64(len(b.rows)))
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	})
	return out, wg.Wait
}

// readStored reads the stored hashes of events [start, end) in one call.
// If some are missing it finds the first by halving the range, and returns
// the hashes before it and its index.
func readStored(ctx context.Context, s HashStore, start, end int64) (_ []tlog.Hash, missing int64, _ error) {
	lo := tlog.StoredHashIndex(0, start)
	indexes := make([]int64, tlog.StoredHashCount(end)-lo)
	for i := range indexes {
		indexes[i] = lo + int64(i)
	}
	read := func(indexes []int64) ([]tlog.Hash, error) {
		got, err := s.ReadHashes(ctx, indexes)
		if err == nil && len(got) != len(indexes) {
			return nil, fmt.Errorf("audit: ReadHashes returned %d hashes for %d indexes", len(got), len(indexes))
		}
		return got, err
	}
	got, err := read(indexes)
	if !errors.Is(err, ErrNotFound) {
		return got, -1, err
	}
	// indexes[:ok] are all there; indexes[:bad] lack one.
	ok, bad := 0, len(indexes)
	got = nil
	for bad-ok > 1 {
		mid := (ok + bad) / 2
		h, err := read(indexes[:mid])
		switch {
		case err == nil:
			ok, got = mid, h
		case errors.Is(err, ErrNotFound):
			bad = mid
		default:
			return nil, -1, err
		}
	}
	return got, indexes[ok], nil
}

// compareStored compares the recomputed hashes of a batch's events with
// the stored ones and reports the first difference, or else the first
// missing stored hash.
func compareStored(b *batch, hashes []tlog.Hash, bad func(*VerifyError)) error {
	if len(b.rows) == 0 {
		return nil
	}
	lo := tlog.StoredHashIndex(0, b.start)
	if int64(len(hashes)) != tlog.StoredHashCount(b.start+int64(len(b.rows)))-lo || len(b.stored) > len(hashes) {
		return errors.New("audit: internal error: stored hash count")
	}
	for i, h := range b.stored {
		if hashes[i] == h {
			continue
		}
		x := lo + int64(i)
		seq := seqOfHash(x)
		if level, _ := tlog.SplitStoredHashIndex(x); level == 0 {
			bad(verr(KindLeaf, seq, x, "record hash of event %d recomputed from its row differs from the stored hash", seq))
		} else {
			bad(verr(KindHash, seq, x, "stored level-%d hash completed by event %d differs from the recomputed hash", level, seq))
		}
		return nil
	}
	if b.missing >= 0 {
		bad(verr(KindHash, seqOfHash(b.missing), b.missing, "stored hash %d is missing", b.missing))
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

// push appends to out the stored hashes that appending event n, whose
// record hash is h, writes — what tlog.StoredHashes returns, computed from
// the frontier alone without allocating — and records them.
func (f *frontier) push(n int64, h tlog.Hash, out []tlog.Hash) ([]tlog.Hash, error) {
	out = append(out, h)
	// Each trailing 1 bit of n completes a subtree with its left sibling.
	m := bits.TrailingZeros64(uint64(n + 1))
	for level := range m {
		if level >= len(f.k) || f.k[level] != n>>level-1 {
			return nil, fmt.Errorf("audit: internal error: level-%d hash left of event %d not on the right edge", level, n)
		}
		h = tlog.NodeHash(f.h[level], h)
		out = append(out, h)
	}
	f.add(n, out[len(out)-m-1:])
	return out, nil
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

// recordHasher computes tlog.RecordHash, SHA-256(0x00 || leaf), reusing
// one hash state for every leaf.
type recordHasher struct {
	d   hash.Hash
	buf []byte
}

var leafPrefix = []byte{0x00} // RFC 6962 §2.1

func (r *recordHasher) sum(leaf []byte) (h tlog.Hash) {
	if r.d == nil {
		r.d = sha256.New()
	}
	r.d.Reset()
	r.d.Write(leafPrefix)
	r.d.Write(leaf)
	r.buf = r.d.Sum(r.buf[:0])
	copy(h[:], r.buf)
	return h
}
