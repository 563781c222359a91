package audit

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// TestTamper is the tamper suite of design §(c.1) / SR-73.
func TestTamper(t *testing.T) {
	base := newFixture(t)
	ctx := context.Background()

	attackerSkey, _, err := NewKey(testOrigin) // same name, different key
	if err != nil {
		t.Fatal(err)
	}
	attacker, err := note.NewSigner(attackerSkey)
	if err != nil {
		t.Fatal(err)
	}
	fake := Event{Time: testTime, ActorID: "ghost", Action: "case.read", ObjectType: "case", ObjectID: "case-7", Result: ResultOK}

	const anyHash = -2 // wildcard for wantHash
	tests := []struct {
		name      string
		tamper    func(t *testing.T, f *fixture)
		witnessed func(f *fixture) []Checkpoint // default: the 500 checkpoint
		wantKind  Kind                          // 0: must verify
		wantIndex int64
		wantHash  int64
		wantText  string // substring of the error
	}{
		{
			name:   "unchanged",
			tamper: func(*testing.T, *fixture) {},
		},
		{
			name:      "unchanged, 500 and 1000 witnessed",
			tamper:    func(*testing.T, *fixture) {},
			witnessed: func(f *fixture) []Checkpoint { return []Checkpoint{f.cp500, f.cp1000} },
		},
		{
			name: "legitimate unsigned tail after the last checkpoint",
			tamper: func(t *testing.T, f *fixture) {
				for i := 1000; i < 1010; i++ {
					f.log.append(t, testEvent(i))
				}
			},
		},
		{
			name:      "update actor of row 123",
			tamper:    func(_ *testing.T, f *fixture) { f.log.rows[123].ActorID = "someone-else" },
			wantKind:  KindLeaf,
			wantIndex: 123,
			wantHash:  tlog.StoredHashIndex(0, 123),
		},
		{
			name:      "update time of row 123 by 1µs",
			tamper:    func(_ *testing.T, f *fixture) { f.log.rows[123].Time = f.log.rows[123].Time.Add(1000) },
			wantKind:  KindLeaf,
			wantIndex: 123,
			wantHash:  tlog.StoredHashIndex(0, 123),
		},
		{
			name:      "update result of row 123 denied→ok",
			tamper:    func(_ *testing.T, f *fixture) { f.log.rows[123].Result = ResultOK },
			wantKind:  KindLeaf,
			wantIndex: 123,
			wantHash:  tlog.StoredHashIndex(0, 123),
		},
		{
			name: "replace detail ciphertext of row 320",
			tamper: func(_ *testing.T, f *fixture) {
				f.log.rows[320].Detail = []byte("\x01other-ciphertext")
			},
			wantKind:  KindLeaf,
			wantIndex: 320,
			wantHash:  tlog.StoredHashIndex(0, 320),
		},
		{
			name:      "null detail of row 320",
			tamper:    func(_ *testing.T, f *fixture) { f.log.rows[320].Detail = nil },
			wantKind:  KindLeaf,
			wantIndex: 320,
			wantHash:  anyHash,
		},
		{
			name: "delete row 123 and renumber the rest",
			tamper: func(_ *testing.T, f *fixture) {
				f.log.rows = slices.Delete(f.log.rows, 123, 124)
				f.log.renumber()
			},
			wantKind:  KindLeaf,
			wantIndex: 123,
			wantHash:  tlog.StoredHashIndex(0, 123),
		},
		{
			name:      "delete row 123 without renumbering",
			tamper:    func(_ *testing.T, f *fixture) { f.log.rows = slices.Delete(f.log.rows, 123, 124) },
			wantKind:  KindGap,
			wantIndex: 123,
			wantHash:  -1,
		},
		{
			name: "duplicate seq 123",
			tamper: func(_ *testing.T, f *fixture) {
				f.log.rows = slices.Insert(f.log.rows, 124, f.log.rows[123])
			},
			wantKind:  KindGap,
			wantIndex: 124,
			wantHash:  -1,
		},
		{
			name: "reorder rows 10 and 11",
			tamper: func(_ *testing.T, f *fixture) {
				r := f.log.rows
				r[10], r[11] = r[11], r[10]
				r[10].Seq, r[11].Seq = 10, 11
			},
			wantKind:  KindLeaf,
			wantIndex: 10,
			wantHash:  tlog.StoredHashIndex(0, 10),
		},
		{
			name: "insert fake row at 700 and recompute all hashes without the key",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows = slices.Insert(f.log.rows, 700, fake)
				f.log.renumber()
				f.log.rehash(t)
			},
			wantKind:  KindRoot,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "size 1000",
		},
		{
			name: "insert fake row, recompute hashes, sign a new head with another key",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows = slices.Insert(f.log.rows, 700, fake)
				f.log.renumber()
				f.log.rehash(t)
				f.log.cps = nil
				f.log.checkpoint(t, noteSigner{attacker})
			},
			wantKind:  KindCheckpoint,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "size 1001",
		},
		{
			name: "insert fake row, recompute hashes, delete checkpoints; 1000 witnessed",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows = slices.Insert(f.log.rows, 700, fake)
				f.log.renumber()
				f.log.rehash(t)
				f.log.cps = nil
			},
			witnessed: func(f *fixture) []Checkpoint { return []Checkpoint{f.cp500, f.cp1000} },
			wantKind:  KindConsistency,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "size 1000",
		},
		{
			name: "attacker with the signing key rewrites history and re-signs",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows[123].ActorID = "someone-else"
				f.log.rows = f.log.rows[:500]
				f.log.rehash(t)
				f.log.cps = nil
				f.log.checkpoint(t, noteSigner{f.key})
				for i := 500; i < 1000; i++ {
					f.log.append(t, testEvent(i))
				}
				f.log.checkpoint(t, noteSigner{f.key})
			},
			wantKind:  KindConsistency,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "witnessed checkpoint of size 500",
		},
		{
			// Documents the threat model: without an external witness, an
			// attacker holding the signing key is undetectable. This is why
			// SR-73 requires witnessing.
			name: "attacker with the signing key, nothing witnessed: undetectable",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows[123].ActorID = "someone-else"
				f.log.rehash(t)
				f.log.cps = nil
				f.log.checkpoint(t, noteSigner{f.key})
			},
			witnessed: func(*fixture) []Checkpoint { return nil },
		},
		{
			name: "truncate to 800 (rows, hashes, checkpoint 1000); 1000 witnessed",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows = f.log.rows[:800]
				f.log.rehash(t)
				f.log.cps = f.log.cps[:1]
			},
			witnessed: func(f *fixture) []Checkpoint { return []Checkpoint{f.cp500, f.cp1000} },
			wantKind:  KindRollback,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "log has 800 events but a witnessed checkpoint has size 1000",
		},
		{
			name: "truncate to 800 keeping checkpoint 1000",
			tamper: func(t *testing.T, f *fixture) {
				f.log.rows = f.log.rows[:800]
				f.log.rehash(t)
			},
			wantKind:  KindRollback,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "size 1000 but log has only 800",
		},
		{
			name:      "corrupt stored leaf hash of 456",
			tamper:    func(_ *testing.T, f *fixture) { corrupt(f.log, tlog.StoredHashIndex(0, 456)) },
			wantKind:  KindLeaf,
			wantIndex: 456,
			wantHash:  tlog.StoredHashIndex(0, 456),
		},
		{
			name: "corrupt stored interior hash (level 3, node 20)",
			// Node 20 at level 3 covers events 160..167; written by 167.
			tamper:    func(_ *testing.T, f *fixture) { corrupt(f.log, tlog.StoredHashIndex(3, 20)) },
			wantKind:  KindHash,
			wantIndex: 167,
			wantHash:  tlog.StoredHashIndex(3, 20),
		},
		{
			name:      "delete a stored hash row",
			tamper:    func(_ *testing.T, f *fixture) { delete(f.log.hashes, tlog.StoredHashIndex(2, 7)) },
			wantKind:  KindHash,
			wantIndex: 31,
			wantHash:  tlog.StoredHashIndex(2, 7),
		},
		{
			name: "row appended without stored hashes",
			tamper: func(_ *testing.T, f *fixture) {
				e := testEvent(1000)
				f.log.rows = append(f.log.rows, e)
			},
			wantKind:  KindHash,
			wantIndex: 1000,
			wantHash:  tlog.StoredHashIndex(0, 1000),
		},
		{
			name: "checkpoint note text edited",
			tamper: func(_ *testing.T, f *fixture) {
				cp := &f.log.cps[1]
				cp.Note = bytes.Replace(cp.Note, []byte("\n1000\n"), []byte("\n999\n"), 1)
			},
			wantKind:  KindCheckpoint,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "signature",
		},
		{
			name:      "checkpoint size column disagrees with note",
			tamper:    func(_ *testing.T, f *fixture) { f.log.cps[1].Size = 999 },
			wantKind:  KindCheckpoint,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "columns disagree",
		},
		{
			name:      "witness from another log",
			tamper:    func(*testing.T, *fixture) {},
			witnessed: func(f *fixture) []Checkpoint { c := f.cp500; c.Origin = "other"; return []Checkpoint{c} },
			wantKind:  KindConsistency,
			wantIndex: -1,
			wantHash:  -1,
			wantText:  "origin",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := *base
			f.log = base.log.clone()
			tt.tamper(t, &f)
			witnessed := []Checkpoint{f.cp500}
			if tt.witnessed != nil {
				witnessed = tt.witnessed(&f)
			}
			rep, err := Verify(ctx, f.log, f.verifiers, witnessed)
			if tt.wantKind == 0 {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if n, _ := f.log.Size(ctx); rep.Size != n || len(rep.Problems) != 0 {
					t.Fatalf("report size %d (want %d), problems %v", rep.Size, n, rep.Problems)
				}
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify error = %v, want *VerifyError", err)
			}
			t.Logf("%v", ve)
			if ve.Kind != tt.wantKind || ve.Index != tt.wantIndex || (tt.wantHash != anyHash && ve.HashIndex != tt.wantHash) {
				t.Errorf("got %v (kind %d index %d hash %d), want kind %v index %d hash %d",
					ve, ve.Kind, ve.Index, ve.HashIndex, tt.wantKind, tt.wantIndex, tt.wantHash)
			}
			if !strings.Contains(ve.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", ve, tt.wantText)
			}
			if rep == nil || len(rep.Problems) == 0 || rep.Problems[0] != ve {
				t.Errorf("report problems do not start with the returned error")
			}
		})
	}
}

func corrupt(m *memLog, x int64) {
	h := m.hashes[x]
	h[0] ^= 1
	m.hashes[x] = h
}

func TestVerifyEmptyLog(t *testing.T) {
	_, vkey, _ := NewKey(testOrigin)
	v, _ := note.NewVerifier(vkey)
	rep, err := Verify(context.Background(), newMemLog(), note.VerifierList(v), nil)
	if err != nil || rep.Size != 0 || rep.Root != emptyRoot {
		t.Fatalf("Verify(empty) = %+v, %v", rep, err)
	}
	_, err = Verify(context.Background(), newMemLog(), note.VerifierList(v), []Checkpoint{{Origin: testOrigin, Size: 1}})
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Kind != KindRollback {
		t.Fatalf("Verify(empty, witnessed 1) = %v, want rollback", err)
	}
}

func TestReport(t *testing.T) {
	f := newFixture(t)
	rep, err := Verify(context.Background(), f.log, f.verifiers, []Checkpoint{f.cp500})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Size != 1000 || rep.Root != f.cp1000.Root || rep.Witnessed != 1 ||
		!slices.Equal(rep.Checkpoints, []Checkpoint{f.cp500, f.cp1000}) {
		t.Errorf("report = %+v", rep)
	}
}

func TestInclusion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	head10, err := TreeHead(ctx, f.log, testOrigin, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c   Checkpoint
		seq int64
	}{{head10, 3}, {f.cp1000, 123}, {f.cp1000, 999}, {f.cp500, 0}} {
		p, err := ProveInclusion(ctx, f.log, tc.seq, tc.c.Size)
		if err != nil {
			t.Fatal(err)
		}
		ev := f.log.rows[tc.seq]
		if err := CheckInclusion(p, tc.c, tc.seq, ev.Leaf()); err != nil {
			t.Errorf("CheckInclusion(%d in %d): %v", tc.seq, tc.c.Size, err)
		}
		ev.ActorID += "x"
		if err := CheckInclusion(p, tc.c, tc.seq, ev.Leaf()); err == nil {
			t.Errorf("CheckInclusion accepted a modified event %d", tc.seq)
		}
		if err := CheckInclusion(p, tc.c, tc.seq^1, f.log.rows[tc.seq].Leaf()); err == nil {
			t.Errorf("CheckInclusion accepted event %d at index %d", tc.seq, tc.seq^1)
		}
	}
}

func TestConsistency(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := ProveConsistency(ctx, f.log, 500, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckConsistency(p, f.cp500, f.cp1000); err != nil {
		t.Fatalf("CheckConsistency: %v", err)
	}
	forged := f.cp500
	forged.Root[5] ^= 1
	if err := CheckConsistency(p, forged, f.cp1000); err == nil {
		t.Fatal("CheckConsistency accepted a forged old root")
	}
	if err := CheckConsistency(nil, Checkpoint{Origin: testOrigin, Root: emptyRoot}, f.cp1000); err != nil {
		t.Fatalf("empty tree: %v", err)
	}
	if err := CheckConsistency(p, f.cp1000, f.cp500); err == nil {
		t.Fatal("CheckConsistency accepted new < old")
	}
}

// TestVerifyBatches runs Verify over a log of several batches, so that the
// rows, their stored hashes and the hashing meet across goroutines: the
// first bad event is still the one named, progress counts every event,
// and a storage failure or a cancelled context ends the run.
func TestVerifyBatches(t *testing.T) {
	const size = 2*verifyBatch + 100
	base := newMemLog()
	for i := range size {
		base.append(t, testEvent(i))
	}
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		tamper    func(m *memLog)
		wantKind  Kind
		wantIndex int64
	}{
		{"untouched", func(*memLog) {}, 0, 0},
		{"row changed in the second batch", func(m *memLog) { m.rows[verifyBatch+5].ActorID = "x" }, KindLeaf, verifyBatch + 5},
		{"stored hash missing in the last batch", func(m *memLog) {
			delete(m.hashes, tlog.StoredHashIndex(1, (2*verifyBatch+41)/2))
		}, KindHash, 2*verifyBatch + 41},
		{"hash changed before a missing one in the same batch", func(m *memLog) {
			corrupt(m, tlog.StoredHashIndex(0, verifyBatch+3))
			delete(m.hashes, tlog.StoredHashIndex(0, verifyBatch+9))
		}, KindLeaf, verifyBatch + 3},
		{"missing hash in the first batch, changed row in the second", func(m *memLog) {
			delete(m.hashes, tlog.StoredHashIndex(0, 700))
			m.rows[verifyBatch+1].Result = ResultDenied
		}, KindHash, 700},
		{"changed row before a gap in a later batch", func(m *memLog) {
			m.rows[3].Purpose = "other"
			m.rows = slices.Delete(m.rows, verifyBatch+7, verifyBatch+8)
		}, KindLeaf, 3},
		{"gap in the second batch", func(m *memLog) {
			m.rows = slices.Delete(m.rows, verifyBatch+7, verifyBatch+8)
		}, KindGap, verifyBatch + 7},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := base.clone()
			tt.tamper(m)
			var calls, done, total int64
			rep, err := VerifyProgress(ctx, m, nil, nil, func(d, n int64) {
				if d < done {
					t.Errorf("progress went back from %d to %d", done, d)
				}
				calls, done, total = calls+1, d, n
			})
			if tt.wantKind == 0 {
				if err != nil || rep.Size != size {
					t.Fatalf("Verify = %+v, %v", rep, err)
				}
				if calls != 3 || done != size || total != size {
					t.Errorf("progress: %d calls, last %d of %d; want 3 calls, %d of %d", calls, done, total, size, size)
				}
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Kind != tt.wantKind || ve.Index != tt.wantIndex {
				t.Fatalf("Verify = %v; want %v at index %d", err, tt.wantKind, tt.wantIndex)
			}
		})
	}

	t.Run("storage failure", func(t *testing.T) {
		broken := errors.New("disk on fire")
		_, err := Verify(ctx, failingLog{base, verifyBatch + 1, broken}, nil, nil)
		if !errors.Is(err, broken) {
			t.Fatalf("Verify = %v; want %v", err, broken)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := VerifyProgress(ctx, base, nil, nil, func(int64, int64) { cancel() })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Verify = %v; want %v", err, context.Canceled)
		}
	})
}

// failingLog fails to read any stored hash at or after index from.
type failingLog struct {
	*memLog
	from int64
	err  error
}

func (l failingLog) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	if slices.ContainsFunc(indexes, func(x int64) bool { return x >= l.from }) {
		return nil, l.err
	}
	return l.memLog.ReadHashes(ctx, indexes)
}

// TestFrontierPush checks the allocation-free hashing Verify does against
// tlog's own: the record hash and the stored hashes of every append.
func TestFrontierPush(t *testing.T) {
	var fr frontier
	var rh recordHasher
	m := newMemLog()
	for i := range 300 {
		e := testEvent(i)
		leaf := e.Leaf()
		if got, want := rh.sum(leaf), tlog.RecordHash(leaf); got != want {
			t.Fatalf("record hash of event %d = %x, want %x", i, got, want)
		}
		want, err := tlog.StoredHashes(int64(i), leaf, m.tlogReader())
		if err != nil {
			t.Fatal(err)
		}
		m.append(t, e)
		got, err := fr.push(int64(i), rh.sum(leaf), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("stored hashes of event %d = %x, want %x", i, got, want)
		}
	}
}
