package audit

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memLog is an in-memory Log that mimics the SQL tables of design §(c.1):
// rows holds audit_log (the Seq field is the seq column; rows are returned
// re-encoded from their "columns"), hashes holds audit_hashes and cps holds
// audit_checkpoints. Tests tamper with these fields directly, like an
// attacker with raw SQL access.
type memLog struct {
	rows   []Event
	hashes map[int64]tlog.Hash
	cps    []SignedCheckpoint
}

func newMemLog() *memLog { return &memLog{hashes: make(map[int64]tlog.Hash)} }

func (m *memLog) clone() *memLog {
	c := &memLog{hashes: maps.Clone(m.hashes), cps: slices.Clone(m.cps)}
	for _, e := range m.rows {
		e.IPHMAC = slices.Clone(e.IPHMAC)
		e.Detail = slices.Clone(e.Detail)
		c.rows = append(c.rows, e)
	}
	return c
}

func (m *memLog) ReadHashes(_ context.Context, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := m.hashes[x]
		if !ok {
			return nil, fmt.Errorf("%w: stored hash %d", ErrNotFound, x)
		}
		out[i] = h
	}
	return out, nil
}

// tlogReader is the HashReader the storage layer would pass to Append.
func (m *memLog) tlogReader() tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return m.ReadHashes(context.Background(), indexes)
	})
}

func (m *memLog) Size(context.Context) (int64, error) {
	var size int64
	for _, e := range m.rows {
		size = max(size, e.Seq+1)
	}
	return size, nil
}

func (m *memLog) Leaves(_ context.Context, start int64, limit int) ([]Row, error) {
	sorted := slices.Clone(m.rows)
	slices.SortStableFunc(sorted, func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) })
	var out []Row
	for _, e := range sorted {
		if e.Seq >= start && len(out) < limit {
			out = append(out, Row{Seq: e.Seq, Leaf: e.Leaf()})
		}
	}
	return out, nil
}

func (m *memLog) Checkpoints(context.Context) ([]SignedCheckpoint, error) {
	return slices.Clone(m.cps), nil
}

// append does what the storage layer does inside the business transaction.
func (m *memLog) append(t testing.TB, e Event) {
	t.Helper()
	e.Seq = int64(len(m.rows))
	hs, err := Append(e.Seq, e.Leaf(), m.tlogReader())
	if err != nil {
		t.Fatal(err)
	}
	base := tlog.StoredHashIndex(0, e.Seq)
	for i, h := range hs {
		m.hashes[base+int64(i)] = h
	}
	m.rows = append(m.rows, e)
}

// rehash recomputes the whole stored-hash table from the rows, as an
// attacker without the signing key would after editing rows.
func (m *memLog) rehash(t testing.TB) {
	t.Helper()
	rows := slices.Clone(m.rows)
	slices.SortFunc(rows, func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) })
	m.hashes = make(map[int64]tlog.Hash)
	m.rows = nil
	for _, e := range rows {
		m.append(t, e)
	}
}

// checkpoint signs the current head with s and stores it.
func (m *memLog) checkpoint(t testing.TB, s interface {
	Sign(Checkpoint) ([]byte, error)
}) Checkpoint {
	t.Helper()
	c, err := TreeHead(context.Background(), m, testOrigin, int64(len(m.rows)))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	m.cps = append(m.cps, SignedCheckpoint{Size: c.Size, Root: c.Root, Note: msg})
	return c
}

// renumber sets every row's seq to its position in m.rows.
func (m *memLog) renumber() {
	for i := range m.rows {
		m.rows[i].Seq = int64(i)
	}
}

// noteSigner adapts a note.Signer to the checkpoint method signature, i.e.
// signing without the rollback guard (what an attacker holding the key does).
type noteSigner struct{ note.Signer }

func (s noteSigner) Sign(c Checkpoint) ([]byte, error) { return c.Sign(s.Signer) }

const testOrigin = "fristad.test/audit"

var testTime = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// testEvent returns a deterministic, valid event number i.
func testEvent(i int) Event {
	e := Event{
		Seq:        int64(i),
		Time:       testTime.Add(time.Duration(i) * 1234567 * time.Microsecond),
		ActorID:    fmt.Sprintf("user-%d", i%17),
		ActorOrg:   fmt.Sprintf("org-%d", i%3),
		ActorRole:  []string{"caseworker", "auditor", "admin"}[i%3],
		Action:     []string{"authn.login", "case.read", "case.update", "note.create"}[i%4],
		ObjectType: "case",
		ObjectID:   fmt.Sprintf("case-%d", i%101),
		Purpose:    "support",
		Result:     []string{ResultOK, ResultOK, ResultDenied, ResultFailed}[i%4],
		RequestID:  fmt.Sprintf("req-%06d", i),
		IPHMAC:     []byte(fmt.Sprintf("hmac-%027d", i%29)),
	}
	if i%5 == 0 {
		e.Detail = []byte(fmt.Sprintf("\x01ciphertext-%d\x00\xff", i))
	}
	return e
}

type fixture struct {
	log       *memLog
	key       note.Signer // the real signing key
	verifiers note.Verifiers
	cp500     Checkpoint
	cp1000    Checkpoint
}

// newFixture builds the tamper-suite log of design §(c.1): 1,000 events with
// signed checkpoints at 500 and 1,000.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	skey, vkey, err := NewKey(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{log: newMemLog(), key: signer, verifiers: note.VerifierList(verifier)}
	oracle := NewSigner(signer, nil, nil)
	for i := range 1000 {
		f.log.append(t, testEvent(i))
		switch len(f.log.rows) {
		case 500:
			f.cp500 = f.log.checkpoint(t, oracle)
		case 1000:
			f.cp1000 = f.log.checkpoint(t, oracle)
		}
	}
	return f
}
