package fristad_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"unicode/utf8"

	"fristad"
)

// TestCleanFilename checks that a file name is only a label: no path, no
// control, bidirectional or zero-width characters, and not too long.
func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		"beslut.pdf":                "beslut.pdf",
		"../../etc/passwd":          "passwd",
		`..\..\x.txt`:               "x.txt",
		"C:\\Users\\anna\\foto.jpg": "foto.jpg",
		"/":                         "document",
		"..":                        "document",
		"rapport\u202efdp.exe":      "rapportfdp.exe",
		"a\x00b\x1b[2J.txt":         "ab[2J.txt",
		"  namn med\tflik.txt  ":    "namn medflik.txt",
		"\xff\xfe.txt":              ".txt",
		"zero\u200bwidth\ufeff.png": "zerowidth.png",
	} {
		if got := fristad.CleanFilename(in); got != want {
			t.Errorf("CleanFilename(%q) = %q; want %q", in, got, want)
		}
	}
	if got := fristad.CleanFilename(strings.Repeat("å", 10000) + ".pdf"); utf8.RuneCountInString(got) != fristad.MaxDocumentFilename || !utf8.ValidString(got) {
		t.Errorf("a 10,000-character name kept %d characters", utf8.RuneCountInString(got))
	}
}

// TestPrepareDocumentPolyglot checks that an image with something
// appended, such as a script for a browser that sniffs, is kept as the
// image alone.
func TestPrepareDocumentPolyglot(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	content := append(buf.Bytes(), "<html><script>alert(1)</script>"...)
	d := &fristad.Document{Filename: "a.png", Sensitivity: fristad.SensitivityTeam}
	kept, err := fristad.PrepareDocument(d, content)
	if err != nil {
		t.Fatal(err)
	}
	if d.ContentType != fristad.DocumentPNG || bytes.Contains(kept, []byte("<script")) || d.Size != int64(len(kept)) {
		t.Errorf("the polyglot kept as %q, %d bytes, script: %v", d.ContentType, d.Size, bytes.Contains(kept, []byte("<script")))
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	for _, markup := range [][]byte{svg, []byte("\xef\xbb\xbf\n  <svg onload=alert(1)>"), []byte("<x:xmpmeta>")} {
		if _, err := fristad.PrepareDocument(&fristad.Document{Filename: "a.txt", Sensitivity: fristad.SensitivityTeam}, markup); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("markup %q = %v; want EINVALID", markup, err)
		}
	}
}
