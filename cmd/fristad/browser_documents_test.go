package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
)

// TestBrowserDocuments uploads documents in the browser: a program
// renamed as a PDF first, which the server refuses with a message and
// what was typed kept, then a photo, which is listed for download. Every
// page passes axe-core and the HTML checker.
func TestBrowserDocuments(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	signInAs(t, b, staff, "handlaggare@demo.fristad.invalid")

	dir := t.TempDir()
	renamed := filepath.Join(dir, "beslut.pdf")
	if err := os.WriteFile(renamed, append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...), 0o600); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 20, 20))
	for i := range 20 {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(dir, "arm.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	b.Navigate(staff + "/cases")
	href := evalString(b, `document.querySelector("main tbody tr a").getAttribute("href")`)
	b.Navigate(staff + href)
	b.ClickAndWait(`.case-nav a[href$="/documents"]`)
	b.Check()

	b.Run(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{renamed}))
	b.SendKeys("#description", "Beslut om betänketid")
	b.Click("#sensitivity-team")
	b.ClickAndWait(`form[action$="/documents"] button[type=submit]`)
	b.Check()
	if !strings.Contains(b.Text(".error-summary"), "not a PDF") || b.Value("#description") != "Beslut om betänketid" ||
		evalString(b, `String(document.querySelector("#sensitivity-team").checked)`) != "true" {
		t.Errorf("a renamed program did not come back with a message and what was typed: %q", b.Text("main"))
	}

	b.Run(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{photo}))
	b.ClickAndWait(`form[action$="/documents"] button[type=submit]`)
	b.Check()
	row := b.Text("#documents + table tbody tr:first-child")
	if !strings.Contains(row, "arm.png") || !strings.Contains(row, "PNG image") || !strings.Contains(row, "Beslut om betänketid") {
		t.Errorf("the photo is not listed: %q", b.Text("main"))
	}
	if dl := b.Attr("#documents + table tbody tr:first-child a", "href"); !strings.HasPrefix(dl, href+"/documents/") {
		t.Errorf("the download link: %q", dl)
	}
}
