package audit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// sameEvent reports whether a and b encode identically field by field.
func sameEvent(a, b *Event) bool {
	return a.Seq == b.Seq && a.Time.UnixMicro() == b.Time.UnixMicro() &&
		a.ActorID == b.ActorID && a.ActorOrg == b.ActorOrg && a.ActorRole == b.ActorRole &&
		a.Action == b.Action && a.ObjectType == b.ObjectType && a.ObjectID == b.ObjectID &&
		a.Purpose == b.Purpose && a.Result == b.Result && a.RequestID == b.RequestID &&
		bytes.Equal(a.IPHMAC, b.IPHMAC) && bytes.Equal(a.Detail, b.Detail)
}

const injection = "alice\r\n{\"action\":\"fake\"}\x1b[2J"

func TestLeafRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		e    Event
	}{
		{"minimal", Event{Time: testTime, Action: "authn.login", Result: ResultOK}},
		{"typical", testEvent(5)},
		{"injection in actor id (SR-72)", Event{
			Seq: 7, Time: testTime, ActorID: injection, Action: "authn.login", Result: ResultFailed,
		}},
		{"injection in every field", Event{
			Seq: 1<<62 + 3, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
			ActorID: injection, ActorOrg: injection, ActorRole: injection, Action: "case.read",
			ObjectType: injection, ObjectID: injection, Purpose: injection, Result: ResultDenied,
			RequestID: injection, IPHMAC: []byte(injection), Detail: []byte(injection + "\x00\xff"),
		}},
		{"non-UTC location", Event{Time: testTime.In(time.FixedZone("CET", 3600)), Action: "a", Result: ResultOK}},
		{"max lengths", Event{
			Time: testTime, Action: strings.Repeat("a", MaxFieldLen), Result: ResultOK,
			ActorID: strings.Repeat("å", MaxFieldLen/2), IPHMAC: make([]byte, MaxIPHMACLen),
			Detail: bytes.Repeat([]byte{0xAB}, MaxDetailLen),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.e.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			leaf := tt.e.Leaf()
			got, err := ParseLeaf(leaf)
			if err != nil {
				t.Fatalf("ParseLeaf: %v", err)
			}
			if !sameEvent(got, &tt.e) || !got.Time.Equal(tt.e.Time) || got.Time.Location() != time.UTC {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, tt.e)
			}
			if !bytes.Equal(got.Leaf(), leaf) {
				t.Fatal("re-encoding differs")
			}
			// Exactly one event: two concatenated leaves do not parse as one.
			if _, err := ParseLeaf(append(leaf, leaf...)); err == nil {
				t.Fatal("two concatenated leaves parsed as one event")
			}
		})
	}
}

func TestInjectionIsOneEvent(t *testing.T) {
	e := Event{Seq: 1, Time: testTime, ActorID: injection, Action: "authn.login", Result: ResultFailed}
	got, err := ParseLeaf(e.Leaf())
	if err != nil {
		t.Fatal(err)
	}
	if got.ActorID != injection || got.Action != "authn.login" || got.Result != ResultFailed {
		t.Fatalf("got %+v", got)
	}
}

func TestLeafGolden(t *testing.T) {
	// Pin the format: changing it breaks every existing log.
	e := Event{Seq: 2, Time: time.UnixMicro(3).UTC(), ActorID: "u", Action: "a.b", Result: "ok", IPHMAC: []byte{9}}
	want := []byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3,
		0, 0, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 'a', '.', 'b',
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 'o', 'k', 0, 0, 0, 0,
		0, 0, 0, 1, 9, 0, 0, 0, 0}
	if got := e.Leaf(); !bytes.Equal(got, want) {
		t.Fatalf("Leaf = %v\nwant   %v", got, want)
	}
}

func TestParseLeafRejects(t *testing.T) {
	ev := testEvent(10) // has Detail
	leaf := ev.Leaf()
	for n := range len(leaf) {
		if _, err := ParseLeaf(leaf[:n]); !errors.Is(err, ErrMalformedLeaf) {
			t.Fatalf("ParseLeaf(truncated to %d) = %v, want ErrMalformedLeaf", n, err)
		}
	}
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(leaf)) }
	for name, b := range map[string][]byte{
		"trailing byte":  append(bytes.Clone(leaf), 0),
		"version 0":      mod(func(b []byte) []byte { b[0] = 0; return b }),
		"version 2":      mod(func(b []byte) []byte { b[0] = 2; return b }),
		"negative seq":   mod(func(b []byte) []byte { b[1] = 0x80; return b }),
		"huge length":    mod(func(b []byte) []byte { binary.BigEndian.PutUint32(b[17:], 0xFFFFFFFF); return b }),
		"length too big": mod(func(b []byte) []byte { b[20]++; return b }),
		"empty":          nil,
	} {
		if _, err := ParseLeaf(b); !errors.Is(err, ErrMalformedLeaf) {
			t.Errorf("%s: ParseLeaf = %v, want ErrMalformedLeaf", name, err)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := func(f func(e *Event)) Event {
		e := Event{Seq: 1, Time: testTime, Action: "case.read", Result: ResultOK}
		f(&e)
		return e
	}
	tests := []struct {
		name string
		e    Event
		want string // "" = valid
	}{
		{"valid", ok(func(*Event) {}), ""},
		{"valid control chars", ok(func(e *Event) { e.ActorID = injection }), ""},
		{"negative seq", ok(func(e *Event) { e.Seq = -1 }), "negative seq"},
		{"zero time", ok(func(e *Event) { e.Time = time.Time{} }), "Time not set"},
		{"nanoseconds", ok(func(e *Event) { e.Time = e.Time.Add(1) }), "sub-microsecond"},
		{"year 1969", ok(func(e *Event) { e.Time = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }), "year"},
		{"year 10000", ok(func(e *Event) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), "year"},
		{"no action", ok(func(e *Event) { e.Action = "" }), "Action is required"},
		{"action charset", ok(func(e *Event) { e.Action = "case.read\n" }), "Action"},
		{"action upper", ok(func(e *Event) { e.Action = "Case.Read" }), "Action"},
		{"no result", ok(func(e *Event) { e.Result = "" }), "Result is required"},
		{"bad result", ok(func(e *Event) { e.Result = "success" }), "unknown Result"},
		{"long actor", ok(func(e *Event) { e.ActorID = strings.Repeat("x", MaxFieldLen+1) }), "ActorID longer"},
		{"long request id", ok(func(e *Event) { e.RequestID = strings.Repeat("x", MaxFieldLen+1) }), "RequestID longer"},
		{"invalid utf8", ok(func(e *Event) { e.ObjectID = "\xff" }), "ObjectID is not valid UTF-8"},
		{"nul", ok(func(e *Event) { e.Purpose = "a\x00b" }), "Purpose contains NUL"},
		{"long hmac", ok(func(e *Event) { e.IPHMAC = make([]byte, MaxIPHMACLen+1) }), "IPHMAC"},
		{"long detail", ok(func(e *Event) { e.Detail = make([]byte, MaxDetailLen+1) }), "Detail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestAppendIndexContract(t *testing.T) {
	m := newMemLog()
	for n := int64(0); n < 300; n++ {
		if tlog.StoredHashIndex(0, n) != tlog.StoredHashCount(n) {
			t.Fatalf("StoredHashIndex(0, %d) != StoredHashCount(%d)", n, n)
		}
		e := testEvent(int(n))
		hs, err := Append(n, e.Leaf(), m.tlogReader())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := int64(len(hs)), tlog.StoredHashCount(n+1)-tlog.StoredHashCount(n); got != want {
			t.Fatalf("Append(%d) returned %d hashes, want %d", n, got, want)
		}
		if hs[0] != tlog.RecordHash(e.Leaf()) {
			t.Fatalf("Append(%d)[0] is not the record hash", n)
		}
		for i, h := range hs {
			m.hashes[tlog.StoredHashIndex(0, n)+int64(i)] = h
		}
		m.rows = append(m.rows, e)
	}
	if int64(len(m.hashes)) != tlog.StoredHashCount(300) {
		t.Fatalf("%d hashes stored, want %d", len(m.hashes), tlog.StoredHashCount(300))
	}
	if _, err := Verify(t.Context(), m, nil, nil); err != nil {
		t.Fatal(err)
	}

	bad := testEvent(300)
	if _, err := Append(301, bad.Leaf(), m.tlogReader()); err == nil {
		t.Error("Append accepted a leaf whose seq differs")
	}
	bad.Result = "maybe"
	if _, err := Append(300, bad.Leaf(), m.tlogReader()); err == nil {
		t.Error("Append accepted an invalid event")
	}
	if _, err := Append(300, []byte("garbage"), m.tlogReader()); err == nil {
		t.Error("Append accepted a malformed leaf")
	}
	if _, err := Append(-1, bad.Leaf(), m.tlogReader()); err == nil {
		t.Error("Append accepted a negative seq")
	}
}

func FuzzLeaf(f *testing.F) {
	for _, e := range []Event{
		testEvent(0), testEvent(5),
		{Seq: 7, Time: testTime, ActorID: injection, Action: "authn.login", Result: ResultFailed},
		{},
	} {
		f.Add(e.Leaf())
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseLeaf(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedLeaf) {
				t.Fatalf("error %v does not wrap ErrMalformedLeaf", err)
			}
			return
		}
		leaf := e.Leaf()
		if !bytes.Equal(leaf, b) {
			t.Fatalf("Leaf(ParseLeaf(b)) != b\n b = %x\ngot %x", b, leaf)
		}
		e2, err := ParseLeaf(leaf)
		if err != nil || !sameEvent(e, e2) {
			t.Fatalf("second round trip: %v", err)
		}
		_ = e.Validate() // must not panic
	})
}

func FuzzEventLeaf(f *testing.F) {
	f.Add(int64(0), int64(0), "", "", "", []byte(nil))
	f.Add(int64(123), testTime.UnixMicro(), injection, "case.read", "ok", []byte("ct"))
	f.Fuzz(func(t *testing.T, seq, usec int64, actor, action, result string, detail []byte) {
		if seq < 0 {
			seq = -(seq + 1)
		}
		e := Event{Seq: seq, Time: time.UnixMicro(usec), ActorID: actor, ObjectID: actor + "\n",
			Action: action, Result: result, IPHMAC: detail, Detail: detail}
		got, err := ParseLeaf(e.Leaf())
		if err != nil {
			t.Fatal(err)
		}
		if !sameEvent(got, &e) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, e)
		}
	})
}

// TestAppendLeaf checks that leaves appended one after another into one
// buffer are each the event's leaf.
func TestAppendLeaf(t *testing.T) {
	var buf []byte
	var ends []int
	for i := range 20 {
		e := testEvent(i)
		buf = e.AppendLeaf(buf)
		ends = append(ends, len(buf))
	}
	start := 0
	for i, end := range ends {
		e := testEvent(i)
		if !bytes.Equal(buf[start:end], e.Leaf()) {
			t.Errorf("appended leaf %d differs from Leaf()", i)
		}
		start = end
	}
}
