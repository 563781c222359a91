package fristad

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// The corners of the test photo: red at the top left, blue at the top
// right, green at the bottom left, white at the bottom right.
var (
	red   = color.RGBA{R: 255, A: 255}
	blue  = color.RGBA{B: 255, A: 255}
	green = color.RGBA{G: 255, A: 255}
	white = color.RGBA{R: 255, G: 255, B: 255, A: 255}
)

// jpegOriented returns a 64×32 JPEG in four colours, that says in EXIF
// it is to be shown with orientation o.
func jpegOriented(t *testing.T, o uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := range 32 {
		for x := range 64 {
			c := [2][2]color.RGBA{{red, blue}, {green, white}}[y/16][x/32]
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// A big-endian TIFF header with one directory entry: orientation.
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
	out := append([]byte{0xFF, 0xD8}, app1...)
	return append(out, buf.Bytes()[2:]...)
}

// near reports whether two colours are alike, after JPEG's losses.
func near(a color.Color, b color.RGBA) bool {
	r, g, bl, _ := a.RGBA()
	d := func(x uint32, y uint8) bool { return x>>8+60 >= uint32(y) && x>>8 <= uint32(y)+60 }
	return d(r, b.R) && d(g, b.G) && d(bl, b.B)
}

// TestPrepareDocumentOrientation checks that a photo whose EXIF says to
// turn it is kept turned, since its metadata is dropped: a phone's photo
// of a passport stays upright.
func TestPrepareDocumentOrientation(t *testing.T) {
	for _, tc := range []struct {
		o       uint16
		w, h    int
		topLeft color.RGBA
	}{
		{1, 64, 32, red},
		{2, 64, 32, blue},  // mirrored
		{3, 64, 32, white}, // half round
		{4, 64, 32, green}, // upside down, mirrored
		{5, 32, 64, red},   // transposed
		{6, 32, 64, green}, // a quarter clockwise
		{7, 32, 64, white}, // transverse
		{8, 32, 64, blue},  // a quarter counter-clockwise
	} {
		raw := jpegOriented(t, tc.o)
		if got := jpegOrientation(raw); got != int(tc.o) {
			t.Fatalf("orientation %d read as %d", tc.o, got)
		}
		d := &Document{Filename: "pass.jpg", Sensitivity: SensitivityTeam}
		out, err := PrepareDocument(d, raw)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(out, []byte("Exif")) {
			t.Errorf("orientation %d: the EXIF is kept", tc.o)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != tc.w || b.Dy() != tc.h || !near(img.At(4, 4), tc.topLeft) {
			t.Errorf("orientation %d: %dx%d with %v at the top left; want %dx%d with %v", tc.o, b.Dx(), b.Dy(), img.At(4, 4), tc.w, tc.h, tc.topLeft)
		}
	}
	if got := jpegOrientation([]byte("not a jpeg")); got != 1 {
		t.Errorf("no JPEG: orientation %d", got)
	}
}

// BenchmarkOrient measures turning a 12-megapixel photo a quarter round,
// as a phone's portrait photo is.
func BenchmarkOrient(b *testing.B) {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for b.Loop() {
		orient(img, 6)
	}
}
