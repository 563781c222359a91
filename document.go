package fristad

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a case document.
const (
	// MaxDocumentSize is the largest document, in bytes.
	MaxDocumentSize = 10 << 20
	// MaxDocumentUpload is the largest request that uploads a document:
	// the file and the form around it.
	MaxDocumentUpload = MaxDocumentSize + 1<<20
	// MaxDocumentFilename is the longest file name, in characters.
	MaxDocumentFilename = 200
	// MaxDocumentDescription is the longest description, in characters.
	MaxDocumentDescription = 2000
	// MaxDocumentPixels is the largest image, in pixels: decoding a
	// larger one could take more memory than the server has (a
	// decompression bomb fits in a few kilobytes).
	MaxDocumentPixels = 40_000_000
	// MaxCaseDocuments is the most a case keeps in documents, in bytes:
	// enough for a few hundred scans, and a bound on what one account,
	// taken over or careless, can fill the database with.
	MaxCaseDocuments = 250 << 20
)

// ErrCaseDocumentsFull is the answer to an upload that would take a
// case's documents over MaxCaseDocuments.
func ErrCaseDocumentsFull() error {
	return &Error{Code: ETOOLARGE, Field: "file", Key: "document.case.full", Message: "the case's documents would take more than 250 MiB"}
}

// The types of document kept, as detected from the content, never from
// the file name or what the client claims.
const (
	DocumentPDF  = "application/pdf"
	DocumentJPEG = "image/jpeg"
	DocumentPNG  = "image/png"
	DocumentText = "text/plain; charset=utf-8"
)

// DocumentTypes lists the types of document kept.
var DocumentTypes = []string{DocumentPDF, DocumentJPEG, DocumentPNG, DocumentText}

// Document is a file kept on a case, such as a scanned decision or a
// photo of an injury. Its content, file name and description are sealed
// under the person's data key; who may read it follows the same rules as
// a journal note of its sensitivity (see NoteAccess). A document is never
// changed once uploaded.
type Document struct {
	ID                     string
	CaseID                 string
	Filename               string // a label only: never a path
	ContentType            string // one of DocumentTypes
	Size                   int64  // of the content as kept
	Description            string
	Sensitivity            string // one of Sensitivities
	UploadedBy             string
	UploadedByOrganisation string
	CreatedAt              time.Time
}

// CleanFilename turns a file name as sent into a label: only what
// follows the last path separator, without control, bidirectional or
// zero-width characters, at most MaxDocumentFilename characters, and
// "document" when nothing is left.
func CleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	n := 0
	for _, r := range name {
		if r == '\t' || r == '\n' || !IsCleanText(string(r)) {
			continue
		}
		if n == MaxDocumentFilename {
			break
		}
		b.WriteRune(r)
		n++
	}
	name = strings.TrimSpace(b.String())
	if strings.Trim(name, ".") == "" {
		return "document"
	}
	return name
}

// PrepareDocument checks a new document and its content, normalises the
// document in place and returns the content to keep. The type is
// detected from the content; images are decoded and encoded again, which
// drops their metadata (EXIF, such as where a photo was taken).
func PrepareDocument(d *Document, content []byte) ([]byte, error) {
	d.Filename = CleanFilename(d.Filename)
	if err := checkText("description", "document.description.invalid", &d.Description, MaxDocumentDescription); err != nil {
		return nil, err
	}
	if !slices.Contains(Sensitivities, d.Sensitivity) {
		return nil, invalid("sensitivity", "document.sensitivity.invalid", "choose who may read the document: team or organisation")
	}
	if len(content) == 0 {
		return nil, invalid("file", "document.file.required", "choose a file to upload")
	}
	if len(content) > MaxDocumentSize {
		return nil, &Error{Code: ETOOLARGE, Field: "file", Key: "document.file.too_large", Message: "the file is larger than 10 MiB"}
	}
	kind := http.DetectContentType(content)
	switch {
	case kind == DocumentPDF && bytes.HasPrefix(content, []byte("%PDF-")):
	case kind == DocumentJPEG, kind == DocumentPNG:
		var err error
		if content, err = cleanImage(kind, content); err != nil {
			return nil, err
		}
	case kind == DocumentText && utf8.Valid(content) && !bytes.ContainsRune(content, 0) && !isMarkup(content):
	default:
		return nil, invalid("file", "document.file.type", "the file is not a PDF, JPEG, PNG or plain text file")
	}
	d.ContentType, d.Size = kind, int64(len(content))
	return content, nil
}

// isMarkup reports whether text begins like markup (HTML, SVG, XML) that
// http.DetectContentType does not know, such as "<svg": such a file is
// not plain text, and a browser might run what it holds.
func isMarkup(content []byte) bool {
	text := bytes.TrimLeft(bytes.TrimPrefix(content, []byte("\xef\xbb\xbf")), " \t\r\n\f")
	return bytes.HasPrefix(text, []byte("<"))
}

// cleanImage decodes an image and encodes it again, without its
// metadata. An image too large to decode safely, or that does not
// decode, is EINVALID.
func cleanImage(kind string, content []byte) ([]byte, error) {
	decodeConfig, decode := png.DecodeConfig, png.Decode
	if kind == DocumentJPEG {
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	}
	cfg, err := decodeConfig(bytes.NewReader(content))
	if err != nil {
		return nil, invalid("file", "document.file.broken", "the image cannot be read")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxDocumentPixels {
		return nil, invalid("file", "document.file.pixels", "the image has more than 40 megapixels")
	}
	img, err := decode(bytes.NewReader(content))
	if err != nil {
		return nil, invalid("file", "document.file.broken", "the image cannot be read")
	}
	if kind == DocumentJPEG {
		// The metadata goes, so the way up it gives goes into the pixels:
		// a phone's photo of a passport stays upright.
		img = orient(img, jpegOrientation(content))
	}
	var out bytes.Buffer
	if kind == DocumentJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&out, img)
	}
	if err != nil {
		return nil, err
	}
	if out.Len() > MaxDocumentSize {
		return nil, &Error{Code: ETOOLARGE, Field: "file", Key: "document.file.too_large", Message: "the file is larger than 10 MiB"}
	}
	return out.Bytes(), nil
}

// jpegOrientation returns the EXIF orientation of a JPEG (1 to 8, as
// TIFF tag 0x0112 gives it), or 1 when it has none or it cannot be read.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // the image data begins, or ends
			return 1
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		if seg := b[i+4 : i+2+n]; marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads the orientation tag of a TIFF header's first
// directory, as EXIF holds it.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	dir := int(order.Uint32(t[4:]))
	if dir < 8 || dir+2 > len(t) {
		return 1
	}
	for k := range int(order.Uint16(t[dir:])) {
		e := dir + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 { // orientation, a SHORT
			if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient turns img the way EXIF orientation o says it is to be shown:
// 2 mirrored, 3 turned half round, 4 upside down mirrored, 5 and 7
// turned a quarter and mirrored, 6 a quarter clockwise, 8 a quarter
// counter-clockwise.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[dst.PixOffset(x, y):dst.PixOffset(x, y)+4], src.Pix[src.PixOffset(sx, sy):src.PixOffset(sx, sy)+4])
		}
	}
	return dst
}

// DocumentService keeps the documents of a case. Reading them follows
// reading the case, and uploading one changing it (case workers); each
// document reaches only those a journal note of its sensitivity would
// (NoteAccess). A case the actor may not read is ENOTFOUND (SR-21);
// every read, download and upload is audited.
type DocumentService interface {
	// FindDocuments returns the documents of a case the actor may read,
	// newest first, without their content.
	FindDocuments(ctx context.Context, caseID string) ([]*Document, error)
	// CreateDocument checks and keeps a document on a case, uploaded by
	// the actor (see PrepareDocument). It is EFORBIDDEN for a role that
	// does not change the case, or a sensitivity the actor could not
	// read.
	CreateDocument(ctx context.Context, caseID string, d *Document, content []byte) error
	// OpenDocument returns a document of a case and its content, for
	// download. A document the actor may not read is ENOTFOUND.
	OpenDocument(ctx context.Context, caseID, docID string) (*Document, []byte, error)
}
