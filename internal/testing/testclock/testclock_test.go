package testclock

import (
	"testing"
	"time"
)

func TestClockStandsStillUntilAdvanced(t *testing.T) {
	before := time.Now().Add(-time.Second)
	c := New()
	start := c.Now()
	if start.Before(before) || start.After(time.Now()) || start.Location() != time.UTC {
		t.Fatalf("New() is at %v; want about the current time, in UTC", start)
	}
	if got := c.Now(); !got.Equal(start) {
		t.Errorf("the clock moved by itself, from %v to %v", start, got)
	}
	c.Advance(30 * time.Second)
	if got, want := c.Now(), start.Add(30*time.Second); !got.Equal(want) {
		t.Errorf("after Advance(30s) Now() = %v, want %v", got, want)
	}
}
