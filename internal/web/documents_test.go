package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

// photoWithGPS returns a JPEG photo whose EXIF segment holds marker, as a
// phone's photo holds where it was taken.
func photoWithGPS(t *testing.T, marker string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08GPS "), marker...)
	n := len(payload) + 2
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(out, 0xff, 0xe1, byte(n>>8), byte(n))
	out = append(append(out, payload...), b[2:]...)
	return out
}

// TestDocumentsPages uploads and downloads documents in the workspace
// and the API: a photo loses its location, a renamed program is refused
// with a message and what was typed, the form token is checked on an
// upload, a file over the limit is refused, and a partner or another
// organisation gets no further than the policy lets them.
func TestDocumentsPages(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		s := sitetest.StartOn(t, db)
		orgs := sitetest.MustOrgs(t, db, "Socialtjänsten A", "Kvinnojouren B")
		worker := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "worker@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", fristad.RoleCaseWorker)
		partner := sitetest.MustStaff(t, db, s.StaffURL(), orgs[0], "partner@example.org", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", fristad.RolePartner)
		other := sitetest.MustStaff(t, db, s.StaffURL(), orgs[1], "other@example.org", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", fristad.RoleCaseWorker)
		caseID := sitetest.MustOpenCase(t, worker, "Ana", "25-34")
		path := "/cases/" + caseID + "/documents"

		resp, body := worker.Get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `<a href="`+path+`" aria-current="page">`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("the documents page: %d\n%s", resp.StatusCode, body)
		}

		// A renamed program comes back with a message and the text typed.
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)
		resp, body = worker.Upload(path, url.Values{"description": {"Beslut CANARY"}, "sensitivity": {"team"}}, "beslut.pdf", exe)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Filen är inte en PDF") || !strings.Contains(body, "Beslut CANARY</textarea>") || !strings.Contains(body, `href="#file"`) {
			t.Errorf("a renamed program: %d; want 400 with the message\n%s", resp.StatusCode, body)
		}
		resp, _ = worker.Upload(path, url.Values{"sensitivity": {"team"}}, "", nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("no file: %d; want 400", resp.StatusCode)
		}
		saved := worker.CSRF
		worker.CSRF = ""
		resp, _ = worker.Upload(path, url.Values{"sensitivity": {"team"}}, "forged.txt", []byte("FORGED"))
		worker.CSRF = saved
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("an upload without the form token: %d; want 403", resp.StatusCode)
		}
		big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("a"), fristad.MaxDocumentSize)...)
		resp, body = worker.Upload(path, url.Values{"sensitivity": {"team"}}, "big.pdf", big)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Filen är större än 10 MB.") {
			t.Errorf("a file over the limit: %d; want 413 with the message", resp.StatusCode)
		}
		huge := bytes.Repeat([]byte("a"), fristad.MaxDocumentUpload+1)
		if resp, _ = worker.Upload(path, url.Values{"sensitivity": {"team"}}, "huge.txt", huge); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a body over the upload limit: %d; want 413", resp.StatusCode)
		}
		if resp, _ = worker.Post("/cases/"+caseID+"/notes", url.Values{"body": {strings.Repeat("a", 2<<20)}, "sensitivity": {"team"}}); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a note of 2 MiB: %d; want 413, other forms keep their limit", resp.StatusCode)
		}

		// A photo: kept without its location.
		resp, _ = worker.Upload(path, url.Values{"description": {"Blåmärke på armen"}, "sensitivity": {"organisation"}}, "IMG_0001.jpg", photoWithGPS(t, "GPS-CANARY-55.60N"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
			t.Fatalf("uploading a photo: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		body = worker.MustGet(path)
		m := regexp.MustCompile(`href="` + regexp.QuoteMeta(path) + `/([A-Z2-7]+)" download`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "IMG_0001.jpg") || !strings.Contains(body, "Blåmärke på armen") || !strings.Contains(body, "JPEG-bild") {
			t.Fatalf("the documents after the upload:\n%s", body)
		}
		download := path + "/" + m[1]
		resp, body = worker.Get(download)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Disposition") != `attachment; filename=IMG_0001.jpg` {
			t.Errorf("the download: %d %v", resp.StatusCode, resp.Header)
		}
		if strings.Contains(body, "GPS-CANARY") || strings.Contains(body, "Exif") {
			t.Error("the downloaded photo still holds its EXIF metadata")
		}
		if _, err := jpeg.Decode(strings.NewReader(body)); err != nil {
			t.Errorf("the downloaded photo: %v", err)
		}

		if body = worker.MustGet(strings.TrimSuffix(path, "/documents") + "/timeline"); !strings.Contains(body, "IMG_0001.jpg tillagt av") {
			t.Errorf("the timeline does not tell of the photo:\n%s", body)
		}

		// A partner reads the page but uploads nothing; another
		// organisation finds no such case.
		if body = partner.MustGet(path); strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "IMG_0001.jpg") {
			t.Errorf("the partner's documents page:\n%s", body)
		}
		if resp, _ = partner.Upload(path, url.Values{"sensitivity": {"team"}}, "a.txt", []byte("hej")); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a partner uploading: %d; want 403", resp.StatusCode)
		}
		if resp, _ = other.Get(download); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation downloading: %d; want 404", resp.StatusCode)
		}

		// The API answers from the same service.
		api := "/api/v1" + path
		resp, body = sitetest.APIUpload(t, s, worker.Token, api, url.Values{"description": {"Via API"}, "sensitivity": {"team"}}, "c:\\temp\\anteckning.txt", []byte("Hej från API:t.\n"))
		var created struct {
			ID, Filename string
			ContentType  string `json:"content_type"`
		}
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil || created.Filename != "anteckning.txt" || created.ContentType != "text/plain; charset=utf-8" {
			t.Fatalf("an upload through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIUpload(t, s, worker.Token, api, url.Values{"sensitivity": {"team"}}, "beslut.pdf", exe)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"file"`) {
			t.Errorf("a renamed program through the API: %d %s; want 422 naming the field", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", api, "")
		if resp.StatusCode != 200 || strings.Count(body, `"id"`) != 2 || strings.Contains(body, "Hej från") {
			t.Errorf("the documents through the API: %d %s", resp.StatusCode, body)
		}
		resp, body = sitetest.APIDo(t, s, worker.Token, "GET", api+"/"+created.ID, "")
		if resp.StatusCode != 200 || body != "Hej från API:t.\n" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("a download through the API: %d %q %v", resp.StatusCode, body, resp.Header)
		}
		if resp, _ = sitetest.APIDo(t, s, other.Token, "GET", api+"/"+created.ID, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation downloading through the API: %d; want 404", resp.StatusCode)
		}
	})
}
