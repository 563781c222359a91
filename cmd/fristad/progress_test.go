package main

import (
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	t.Run("quiet when quick", func(t *testing.T) {
		var b strings.Builder
		p := newProgress(&b, 100, "verifying")
		p.Add(60)
		p.Add(40)
		p.Done()
		if b.Len() != 0 {
			t.Errorf("a quick run off a terminal wrote %q", b.String())
		}
	})
	t.Run("plain lines", func(t *testing.T) {
		var b strings.Builder
		p := newProgress(&b, 2_000_000, "seeding")
		p.every = time.Nanosecond
		p.Add(500_000)
		p.Add(1_500_000)
		p.Done()
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "seeding:  25% 500.0k of 2.00M, ") ||
			!strings.Contains(lines[0], " left") || !strings.HasPrefix(lines[2], "seeding: 100% 2.00M of 2.00M, ") ||
			!strings.Contains(lines[2], "/s in ") || strings.ContainsAny(b.String(), "\r\x1b") {
			t.Errorf("lines = %q", lines)
		}
	})
	t.Run("bar on a terminal", func(t *testing.T) {
		var b strings.Builder
		p := newProgress(&b, 10, "verifying")
		p.terminal, p.every = true, time.Nanosecond
		p.Add(5)
		p.Add(5)
		p.Done()
		out := b.String()
		if !strings.HasPrefix(out, "\rverifying [###############...............]  50% 5 of 10, ") ||
			!strings.Contains(out, "\rverifying [##############################] 100% 10 of 10, ") ||
			!strings.HasSuffix(out, "\x1b[K\n") || strings.Count(out, "\n") != 1 {
			t.Errorf("bar = %q", out)
		}
	})
	t.Run("unknown total", func(t *testing.T) {
		var b strings.Builder
		p := newProgress(&b, 0, "copying")
		p.every = time.Nanosecond
		p.Add(12_345)
		if got := b.String(); !strings.HasPrefix(got, "copying: 12.3k, ") {
			t.Errorf("line = %q", got)
		}
	})
}
