package sqlstore_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// testImage is a small image with something on it.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := range 16 {
		for y := range 12 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 20), 128, 255})
		}
	}
	return img
}

// jpegWithEXIF returns a real JPEG that carries an EXIF APP1 segment
// holding marker, as a phone's photo carries where it was taken.
func jpegWithEXIF(t *testing.T, marker string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08GPS "), marker...)
	n := len(payload) + 2
	app1 := append([]byte{0xff, 0xe1, byte(n >> 8), byte(n)}, payload...)
	b := buf.Bytes()
	out := append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the test JPEG does not decode: %v", err)
	}
	return out
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDocuments checks uploads: the type is detected from the content,
// not the name; limits hold; images lose their metadata; the content,
// name and description are sealed; and every read and upload is audited.
func TestDocuments(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}

		photo := &fristad.Document{Filename: "../../IMG_0001.jpg", Description: "CANARY-DESC blåmärke", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateDocument(workerA, c.ID, photo, jpegWithEXIF(t, "GPS-CANARY-59.3293N")); err != nil {
			t.Fatal(err)
		}
		if photo.Filename != "IMG_0001.jpg" || photo.ContentType != fristad.DocumentJPEG || photo.UploadedBy != "worker-a" || photo.UploadedByOrganisation != f.orgA.ID {
			t.Errorf("the photo as kept: %+v", photo)
		}
		f.clk.Add(time.Minute)
		fake := &fristad.Document{Filename: "beslut.pdf", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateDocument(workerA, c.ID, fake, pngBytes(t)); err != nil {
			t.Fatal(err)
		}
		if fake.ContentType != fristad.DocumentPNG {
			t.Errorf("PNG bytes named .pdf kept as %q; want image/png", fake.ContentType)
		}
		f.clk.Add(time.Minute)
		text := &fristad.Document{Filename: "CANARY-NAME\u202e.txt", Sensitivity: fristad.SensitivityOrganisation}
		if err := db.CreateDocument(workerA, c.ID, text, []byte("CANARY-CONTENT Hon berättade om resan.\n")); err != nil {
			t.Fatal(err)
		}
		if text.Filename != "CANARY-NAME.txt" || text.ContentType != fristad.DocumentText {
			t.Errorf("the text as kept: %+v", text)
		}

		docs, err := db.FindDocuments(workerA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 3 || docs[0].ID != text.ID || docs[2].ID != photo.ID || docs[2].Description != photo.Description {
			t.Errorf("documents %+v", docs)
		}
		got, content, err := db.OpenDocument(workerA, c.ID, photo.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Filename != "IMG_0001.jpg" || int64(len(content)) != got.Size {
			t.Errorf("downloaded %+v, %d bytes", got, len(content))
		}
		if bytes.Contains(content, []byte("GPS-CANARY")) || bytes.Contains(content, []byte("Exif")) {
			t.Error("the photo's EXIF metadata was kept")
		}
		if _, err := jpeg.Decode(bytes.NewReader(content)); err != nil {
			t.Errorf("the kept photo does not decode: %v", err)
		}

		for name, bad := range map[string][]byte{
			"an .exe named .pdf": append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...),
			"HTML":               []byte("<!DOCTYPE html><script>alert(1)</script>"),
			"empty":              nil,
			"a broken PNG":       pngBytes(t)[:40],
			"latin-1 text":       []byte("Hej d\xe5 \xe4r h\xe4r"),
		} {
			err := db.CreateDocument(workerA, c.ID, &fristad.Document{Filename: "beslut.pdf", Sensitivity: fristad.SensitivityTeam}, bad)
			if fristad.ErrorCode(err) != fristad.EINVALID || fieldOf(err) != "file" {
				t.Errorf("%s = %v; want EINVALID on file", name, err)
			}
		}
		big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("a"), fristad.MaxDocumentSize)...)
		if err := db.CreateDocument(workerA, c.ID, &fristad.Document{Filename: "a.pdf", Sensitivity: fristad.SensitivityTeam}, big); fristad.ErrorCode(err) != fristad.ETOOLARGE {
			t.Errorf("a document over the limit = %v; want ETOOLARGE", err)
		}
		// A PNG that claims 100000 × 100000 pixels: refused before decoding.
		bomb := pngBytes(t)
		copy(bomb[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
		if err := db.CreateDocument(workerA, c.ID, &fristad.Document{Filename: "a.png", Sensitivity: fristad.SensitivityTeam}, bomb); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("a decompression bomb = %v; want EINVALID", err)
		}
		if err := db.CreateDocument(workerA, c.ID, &fristad.Document{Filename: "a.pdf", Sensitivity: "public"}, []byte("%PDF-1.7\n")); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an unknown sensitivity = %v; want EINVALID", err)
		}
		if n := len(must(db.FindDocuments(workerA, c.ID))); n != 3 {
			t.Errorf("%d documents after refused uploads; want 3", n)
		}

		if db.Engine() == sqlstore.SQLite {
			dump := sqlstoretest.DumpSQLite(t, db.DB)
			for _, canary := range []string{"CANARY-CONTENT", "CANARY-NAME", "CANARY-DESC"} {
				if strings.Contains(dump, canary) {
					t.Errorf("%s is in the database files in clear", canary)
				}
			}
		}
	})
}

// TestDocumentAccess checks who reads, downloads and uploads documents:
// the rules of journal notes, answered as a missing case or document, and
// audited.
func TestDocumentAccess(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		orgC := mustCreateOrg(t, db, "Polisen Region Syd", "police")
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		team := &fristad.Document{Filename: "beslut.pdf", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateDocument(workerA, c.ID, team, []byte("%PDF-1.7\nteam")); err != nil {
			t.Fatal(err)
		}
		therapy := &fristad.Document{Filename: "samtal.txt", Sensitivity: fristad.SensitivityOrganisation}
		if err := db.CreateDocument(workerA, c.ID, therapy, []byte("samtal")); err != nil {
			t.Fatal(err)
		}

		// Another organisation, not on the team: no such case.
		workerB := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		_, missingErr := db.FindDocuments(workerA, "NO-SUCH-CASE")
		if _, err := db.FindDocuments(workerB, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND || !sqlstoretest.SameRefusal(err, missingErr) {
			t.Errorf("another organisation lists = %v; want %v", err, missingErr)
		}
		if _, _, err := db.OpenDocument(workerB, c.ID, team.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation downloads = %v; want ENOTFOUND", err)
		}
		if err := db.CreateDocument(workerB, c.ID, &fristad.Document{Filename: "x.txt", Sensitivity: fristad.SensitivityTeam}, []byte("x")); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation uploads = %v; want ENOTFOUND", err)
		}
		if _, _, err := db.OpenDocument(workerA, c.ID, "NO-SUCH-DOCUMENT"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a missing document = %v; want ENOTFOUND", err)
		}

		// A police liaison on the team sees the team's documents only.
		addTeamMember(t, db, c.ID, orgC.ID)
		addTeamMember(t, db, c.ID, f.orgB.ID)
		police := f.actor(t, orgC, "police-c", false, fristad.RolePoliceLiaison)
		docs, err := db.FindDocuments(police, c.ID)
		if err != nil || len(docs) != 1 || docs[0].ID != team.ID {
			t.Errorf("a police liaison lists %v, %v; want the team's document only", docs, err)
		}
		if _, _, err := db.OpenDocument(police, c.ID, therapy.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a police liaison downloads an organisation's document = %v; want ENOTFOUND", err)
		}
		policeA := f.actor(t, f.orgA, "police-a", false, fristad.RolePoliceLiaison, fristad.RoleCaseWorker)
		if _, _, err := db.OpenDocument(policeA, c.ID, therapy.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a police liaison of the uploader's organisation downloads its document = %v; want ENOTFOUND", err)
		}
		if err := db.CreateDocument(policeA, c.ID, &fristad.Document{Filename: "x.txt", Sensitivity: fristad.SensitivityOrganisation}, []byte("x")); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a police liaison keeping a document to the organisation = %v; want EFORBIDDEN", err)
		}
		if _, _, err := db.OpenDocument(workerB, c.ID, therapy.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another team organisation downloads an organisation's document = %v; want ENOTFOUND", err)
		}
		if _, _, err := db.OpenDocument(workerB, c.ID, team.ID); err != nil {
			t.Errorf("another team organisation downloads the team's document: %v", err)
		}
		partnerB := f.actor(t, f.orgB, "partner-b", false, fristad.RolePartner)
		if err := db.CreateDocument(partnerB, c.ID, &fristad.Document{Filename: "x.txt", Sensitivity: fristad.SensitivityTeam}, []byte("x")); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner uploads = %v; want EFORBIDDEN", err)
		}
		reader := fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "token-a", OrganisationID: f.orgA.ID, Roles: []fristad.Role{fristad.RoleCaseWorker}, TokenScope: fristad.ScopeRead})
		if _, err := db.FindDocuments(reader, c.ID); err != nil {
			t.Errorf("a read-scoped token lists documents: %v", err)
		}
		if err := db.CreateDocument(reader, c.ID, &fristad.Document{Filename: "x.txt", Sensitivity: fristad.SensitivityTeam}, []byte("x")); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a read-scoped token uploads = %v; want EFORBIDDEN", err)
		}

		events, err := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &c.ID})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range events {
			count[e.Action+"/"+e.Result]++
		}
		for key, want := range map[string]int{"document.create/ok": 2, "document.create/denied": 1, "document.list/ok": 2, "document.download/ok": 1, "document.download/denied": 4} {
			if count[key] != want {
				t.Errorf("%d %s events; want %d (all: %v)", count[key], key, want, count)
			}
		}
	})
}

// TestDocumentQuota checks that a case keeps at most its quota of
// documents: the upload that would pass it is refused, nothing of it is
// kept, and another case is not held back.
func TestDocumentQuota(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		full, other := newCase("Maria", "", "", ""), newCase("Elena", "", "", "")
		for _, c := range []*fristad.Case{full, other} {
			if err := db.CreateCase(worker, c); err != nil {
				t.Fatal(err)
			}
		}
		db.SetDocumentQuota(1000)
		upload := func(c *fristad.Case, n int) error {
			d := &fristad.Document{Filename: "scan.txt", Sensitivity: fristad.SensitivityTeam}
			return db.CreateDocument(worker, c.ID, d, []byte(strings.Repeat("a", n-1)+"\n"))
		}
		if err := upload(full, 600); err != nil {
			t.Fatal(err)
		}
		if err := upload(full, 400); err != nil {
			t.Fatalf("up to the quota: %v", err)
		}
		err := upload(full, 1)
		if e, ok := errors.AsType[*fristad.Error](err); !ok || e.Code != fristad.ETOOLARGE || e.Key != "document.case.full" || e.Field != "file" {
			t.Fatalf("past the quota: %v; want too large on the file", err)
		}
		if docs, err := db.FindDocuments(worker, full.ID); err != nil || len(docs) != 2 {
			t.Errorf("after the refusal the case has %d documents, %v; want 2", len(docs), err)
		}
		if err := upload(other, 1000); err != nil {
			t.Errorf("another case: %v", err)
		}
	})
}
