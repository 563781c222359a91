package sqlstore

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fristad/internal/audit"
)

// TestParseDriverTime checks the one-form time parser of Leaves against
// time.Parse with the driver's layout: whatever it accepts is the same
// instant, and what the driver writes it accepts.
func TestParseDriverTime(t *testing.T) {
	const layout = "2006-01-02 15:04:05.999999999-07:00"
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		t.Helper()
		got, ok := parseDriverTime(s)
		if !ok {
			return
		}
		want, err := time.Parse(layout, s)
		if err != nil {
			t.Fatalf("parseDriverTime(%q) accepted what time.Parse rejects: %v", s, err)
		}
		if !got.Equal(want) {
			t.Fatalf("parseDriverTime(%q) = %v, time.Parse = %v", s, got, want)
		}
	}
	for range 20000 {
		tm := time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(48)-24)*900))
		if rng.IntN(3) == 0 {
			tm = tm.Truncate(time.Second)
		}
		s := tm.Format(layout)
		if _, ok := parseDriverTime(s); !ok {
			t.Fatalf("parseDriverTime(%q) refused what the driver writes", s)
		}
		check(s)
		// The same text with one byte changed, or cut short.
		b := []byte(s)
		b[rng.IntN(len(b))] = "0123456789:-+. TZx"[rng.IntN(18)]
		check(string(b))
		check(s[:rng.IntN(len(s))])
	}
	for _, s := range []string{
		"2025-02-29 10:00:00+00:00", "2024-02-29 10:00:00+00:00", "2025-04-31 10:00:00+00:00",
		"2025-01-01 24:00:00+00:00", "2025-01-01 10:60:00+00:00", "2025-01-01 10:00:60+00:00",
		"2025-01-01 10:00:00.+00:00", "2025-01-01 10:00:00.1234567890+00:00", "2025-01-01T10:00:00+00:00",
		"2025-01-01 10:00:00Z", "2025-01-01 10:00:00+0000", "2025-01-01 10:00:00+00:00Z", "+025-01-01 10:00:00+00:00",
		"2025-01-01 10:00:00 +0000 UTC", "2025-13-01 10:00:00+00:00", "2025-00-01 10:00:00+00:00",
	} {
		check(s)
	}
	if _, ok := parseDriverTime("2025-02-29 10:00:00+00:00"); ok {
		t.Error("parseDriverTime accepted 29 February 2025")
	}
}

// TestSplitJoined checks that the joined column gives the row's values,
// and is refused whenever it cannot: a NUL inside a value, a time in
// another form.
func TestSplitJoined(t *testing.T) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
	fields := []string{"user", "org", "case_worker", "case.read", "case", "c-1", "", "ok", "req"}
	join := func(parts ...string) string {
		s := parts[0]
		for _, p := range parts[1:] {
			s += "\x00" + p
		}
		return s
	}
	var e audit.Event
	if !splitJoined(join(append([]string{at.Format("2006-01-02 15:04:05.999999999-07:00")}, fields...)...), &e) {
		t.Fatal("splitJoined refused a plain row")
	}
	got := []string{e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.ObjectType, e.ObjectID, e.Purpose, e.Result, e.RequestID}
	if fmt.Sprint(got) != fmt.Sprint(fields) || !e.Time.Equal(at) {
		t.Errorf("splitJoined = %q at %v; want %q at %v", got, e.Time, fields, at)
	}
	for _, s := range []string{
		join(append([]string{"2026-03-01T08:00:00Z"}, fields...)...),
		join(append([]string{at.Format("2006-01-02 15:04:05.999999999-07:00"), "us\x00er"}, fields[1:]...)...),
		join(append([]string{at.Format("2006-01-02 15:04:05.999999999-07:00")}, fields[:8]...)...),
	} {
		if splitJoined(s, &e) {
			t.Errorf("splitJoined(%q) accepted it", s)
		}
	}
}
