package web

import "testing"

// TestSafeCSV checks SR-43: cells a spreadsheet would run are defused.
func TestSafeCSV(t *testing.T) {
	got := safeCSV(`=HYPERLINK("http://x","click")`, "+1", "-2", "@SUM(A1)", "\tx", "ok", "")
	want := []string{`'=HYPERLINK("http://x","click")`, "'+1", "'-2", "'@SUM(A1)", "'\tx", "ok", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %d = %q; want %q", i, got[i], want[i])
		}
	}
}
