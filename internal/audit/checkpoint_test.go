package audit

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func testKeys(t *testing.T, name string) (note.Signer, note.Verifiers) {
	t.Helper()
	skey, vkey, err := NewKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, note.VerifierList(v)
}

func TestCheckpointSignOpen(t *testing.T) {
	signer, verifiers := testKeys(t, testOrigin)
	root := tlog.RecordHash([]byte("x"))
	c := Checkpoint{Origin: testOrigin, Size: 1000, Root: root}
	msg, err := c.Sign(signer)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := testOrigin + "\n1000\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n\n— "
	if !strings.HasPrefix(string(msg), wantBody) {
		t.Fatalf("note = %q, want C2SP body prefix %q", msg, wantBody)
	}
	got, err := OpenCheckpoint(msg, verifiers)
	if err != nil || got != c {
		t.Fatalf("OpenCheckpoint = %+v, %v; want %+v", got, err, c)
	}

	// A checkpoint signed by another key (even with the same name) is rejected.
	other, _ := testKeys(t, testOrigin)
	forged, err := c.Sign(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(forged, verifiers); err == nil {
		t.Fatal("OpenCheckpoint accepted a checkpoint signed by another key")
	}
	otherName, _ := testKeys(t, "evil.example/audit")
	forged, _ = c.Sign(otherName)
	if _, err := OpenCheckpoint(forged, verifiers); err == nil {
		t.Fatal("OpenCheckpoint accepted a checkpoint signed by an unknown key")
	}
	// A witness cosignature by an unknown key alongside ours is fine.
	both, err := note.Sign(&note.Note{Text: strings.SplitN(string(msg), "\n\n", 2)[0] + "\n"}, signer, otherName)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OpenCheckpoint(both, verifiers); err != nil || got != c {
		t.Fatalf("OpenCheckpoint(cosigned) = %+v, %v", got, err)
	}
}

func TestCheckpointMalformed(t *testing.T) {
	signer, verifiers := testKeys(t, testOrigin)
	root := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for name, text := range map[string]string{
		"extension line":  testOrigin + "\n5\n" + root + "\nextra\n",
		"two lines":       testOrigin + "\n5\n",
		"leading zero":    testOrigin + "\n05\n" + root + "\n",
		"plus sign":       testOrigin + "\n+5\n" + root + "\n",
		"negative":        testOrigin + "\n-5\n" + root + "\n",
		"short root":      testOrigin + "\n5\n" + base64.StdEncoding.EncodeToString(make([]byte, 31)) + "\n",
		"unpadded root":   testOrigin + "\n5\n" + strings.TrimRight(root, "=") + "\n",
		"empty origin":    "\n5\n" + root + "\n",
		"CR in size line": testOrigin + "\n5\r\n" + root + "\n",
	} {
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			continue // note itself refuses it; fine
		}
		if c, err := OpenCheckpoint(msg, verifiers); err == nil {
			t.Errorf("%s: OpenCheckpoint accepted %q as %+v", name, text, c)
		}
	}
	for _, c := range []Checkpoint{{Origin: "", Size: 1}, {Origin: "a\nb", Size: 1}, {Origin: "a", Size: -1}} {
		if _, err := c.Sign(signer); err == nil {
			t.Errorf("Sign(%+v) succeeded", c)
		}
	}
}

func TestSigner(t *testing.T) {
	key, verifiers := testKeys(t, testOrigin)
	h := func(s string) tlog.Hash { return tlog.RecordHash([]byte(s)) }
	cp := func(size int64, root string) Checkpoint {
		return Checkpoint{Origin: testOrigin, Size: size, Root: h(root)}
	}
	var persisted []int64
	fail := false
	s := NewSigner(key, nil, func(c Checkpoint) error {
		if fail {
			return errors.New("disk full")
		}
		persisted = append(persisted, c.Size)
		return nil
	})
	steps := []struct {
		c       Checkpoint
		fail    bool
		wantErr error // nil: must sign
	}{
		{c: cp(10, "a")},
		{c: cp(10, "a")}, // re-sign the same head
		{c: cp(20, "b")},
		{c: cp(19, "x"), wantErr: ErrRollback},
		{c: cp(0, "x"), wantErr: ErrRollback},
		{c: cp(20, "c"), wantErr: ErrFork},
		{c: Checkpoint{Origin: "other", Size: 30}, wantErr: ErrFork},
		{c: cp(30, "d"), fail: true, wantErr: errors.New("persist")},
		{c: cp(25, "e")}, // 30 was not persisted, so 25 is still allowed
	}
	for i, st := range steps {
		fail = st.fail
		msg, err := s.Sign(st.c)
		switch {
		case st.wantErr == nil && err != nil:
			t.Fatalf("step %d: Sign(%d) = %v", i, st.c.Size, err)
		case st.wantErr == nil:
			if got, err := OpenCheckpoint(msg, verifiers); err != nil || got != st.c {
				t.Fatalf("step %d: signed note opens as %+v, %v", i, got, err)
			}
		case err == nil:
			t.Fatalf("step %d: Sign(%d) succeeded, want %v", i, st.c.Size, st.wantErr)
		case st.wantErr == ErrRollback || st.wantErr == ErrFork:
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("step %d: Sign(%d) = %v, want %v", i, st.c.Size, err, st.wantErr)
			}
		}
	}
	if want := []int64{10, 10, 20, 25}; len(persisted) != len(want) || persisted[3] != 25 {
		t.Fatalf("persisted %v, want %v", persisted, want)
	}
	if last, ok := s.Last(); !ok || last != cp(25, "e") {
		t.Fatalf("Last = %+v, %v", last, ok)
	}

	// State restored after a restart is honoured.
	last := cp(1000, "z")
	s2 := NewSigner(key, &last, nil)
	if _, err := s2.Sign(cp(500, "y")); !errors.Is(err, ErrRollback) {
		t.Fatalf("restored signer: Sign(500) = %v, want ErrRollback", err)
	}
	if _, err := s2.Sign(cp(1001, "y")); err != nil {
		t.Fatal(err)
	}
}
