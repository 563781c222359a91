package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress shows how far a long command has come. On a terminal it is a
// bar redrawn in place a few times a second; anywhere else (a log file, a
// pipe, a test) a plain line every ten seconds, so a command that ends
// sooner prints nothing. Add may be called from any goroutine.
type progress struct {
	w        io.Writer
	label    string
	total    int64 // 0 when unknown
	terminal bool
	every    time.Duration

	mu      sync.Mutex
	done    int64
	start   time.Time
	shown   time.Time // when the last line or bar was written
	written bool
}

// newProgress starts showing progress towards total (0 if unknown) on w,
// under label.
func newProgress(w io.Writer, total int64, label string) *progress {
	p := &progress{w: w, label: label, total: total, every: 10 * time.Second, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal, p.every = true, 200*time.Millisecond
		}
	}
	p.shown = p.start
	return p
}

// Add counts n more done.
func (p *progress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if now := time.Now(); now.Sub(p.shown) >= p.every {
		p.show(now, false)
	}
}

// Done shows the final count and ends the bar's line. On anything but a
// terminal it writes a last line only if it wrote any before.
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal || p.written {
		p.show(time.Now(), true)
	}
}

func (p *progress) show(now time.Time, final bool) {
	p.shown, p.written = now, true
	elapsed := now.Sub(p.start)
	rate := ""
	if s := elapsed.Seconds(); s > 0 {
		rate = shortCount(int64(float64(p.done)/s)) + "/s"
	}
	var b strings.Builder
	if p.terminal {
		b.WriteByte('\r')
	}
	b.WriteString(p.label)
	if p.total > 0 {
		frac := min(float64(p.done)/float64(p.total), 1)
		if p.terminal {
			const width = 30
			filled := int(frac * width)
			fmt.Fprintf(&b, " [%s%s]", strings.Repeat("#", filled), strings.Repeat(".", width-filled))
		} else {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, " %3.0f%% %s of %s, %s", 100*frac, shortCount(p.done), shortCount(p.total), rate)
		if !final && p.done > 0 && p.done < p.total {
			left := time.Duration(float64(elapsed) * float64(p.total-p.done) / float64(p.done))
			fmt.Fprintf(&b, ", %s left", left.Round(time.Second))
		}
	} else {
		fmt.Fprintf(&b, ": %s, %s", shortCount(p.done), rate)
	}
	if final {
		fmt.Fprintf(&b, " in %s", elapsed.Round(time.Millisecond))
	}
	if p.terminal {
		b.WriteString("\x1b[K") // clear what a longer bar left
	}
	if final || !p.terminal {
		b.WriteByte('\n')
	}
	io.WriteString(p.w, b.String())
}

// shortCount writes n short: 950, 12.3k, 4.56M.
func shortCount(n int64) string {
	switch {
	case n < 10_000:
		return fmt.Sprint(n)
	case n < 1_000_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	default:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	}
}
