package portal

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"fristad/internal/render"
)

// Cache policies. Content pages may be kept for a few minutes and then
// revalidated cheaply with their ETag; the root's answer depends on the
// browser's languages.
const (
	cacheContent = "public, max-age=300"
	cacheRoot    = "public, max-age=300"
)

// nonceMark stands for the Content-Security-Policy nonce in a page
// rendered ahead of time. It has a real nonce's length and alphabet (18
// random bytes in unpadded base64url) and occurs nowhere else.
const nonceMark = "N0NCE0PLACEHOLDER0PORTAL"

// response is a page rendered once and kept in memory, ready to send with
// the response's own CSP nonce put in. The page is held split at the
// nonce's places, each piece also compressed on its own, so that a
// gzipped answer is assembled from ready pieces: the pieces' deflate
// blocks, the nonce as an uncompressed (stored) block between them, and a
// trailer whose CRC-32 is combined from the pieces' precomputed ones. No
// request compresses anything.
//
// The bytes differ only by the nonce, so the ETags are weak (RFC 9110,
// 8.8.1): the same page for revalidation, one tag per content coding.
type response struct {
	pieces  [][]byte // the page between the nonce's places
	zpieces [][]byte // each piece deflated, ending on a byte boundary; the last one ends the stream
	crcs    []uint32 // each piece's CRC-32
	shifts  []uint32 // each piece's CRC shift operator, to combine CRCs
	size    int      // the pieces' total length
	zsize   int      // the deflated pieces' total length

	// usualLength is the Content-Length, plain and gzipped, with a nonce
	// as long as the server's (and nonceMark).
	usualLength [2][]string

	plainTag, gzipTag string
	header            []headerValue // the headers both codings share
	plainHeader       []headerValue // ETag
	gzipHeader        []headerValue // ETag, Content-Encoding
}

// headerValue is a header ready to put into an http.Header: its name in
// canonical form and its value in a full slice (len == cap), so that it
// can be shared between responses: a later Add copies it first, and
// nothing writes into it.
type headerValue struct {
	name  string
	value []string
}

func header(name, value string) headerValue {
	return headerValue{http.CanonicalHeaderKey(name), []string{value}}
}

// newResponse prepares body, which carries nonceMark where the nonce
// goes, for serving with the cache policy cc. vary names the request
// headers besides Accept-Encoding that the page depends on.
func newResponse(body []byte, cc string, vary ...string) *response {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	r := &response{
		plainTag: `W/"` + tag + `"`,
		gzipTag:  `W/"` + tag + `-gz"`,
		header: []headerValue{
			header("Content-Type", "text/html; charset=utf-8"),
			header("Cache-Control", cc),
			header("Vary", strings.Join(append([]string{"Accept-Encoding"}, vary...), ", ")),
		},
	}
	r.plainHeader = []headerValue{header("ETag", r.plainTag)}
	r.gzipHeader = []headerValue{header("ETag", r.gzipTag), header("Content-Encoding", "gzip")}
	r.pieces = bytes.Split(body, []byte(nonceMark))
	zw := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(zw)
	for i, p := range r.pieces {
		var buf bytes.Buffer
		zw.Reset(&buf)
		zw.Write(p)
		if i == len(r.pieces)-1 {
			zw.Close()
		} else {
			zw.Flush() // a sync flush: the output ends on a byte boundary, the stream goes on
		}
		r.zpieces = append(r.zpieces, buf.Bytes())
		r.crcs = append(r.crcs, crc32.ChecksumIEEE(p))
		r.shifts = append(r.shifts, crcShift(len(p)))
		r.size += len(p)
		r.zsize += len(r.zpieces[i])
	}
	for gz := range 2 {
		r.usualLength[gz] = []string{strconv.Itoa(r.length(gz == 1, len(nonceMark)))}
	}
	return r
}

// length returns the length of the page as sent with a nonce of n bytes.
func (res *response) length(gzipped bool, n int) int {
	places := len(res.pieces) - 1
	if gzipped {
		return len(gzipHeader) + res.zsize + places*(5+n) + 8
	}
	return res.size + places*n
}

// deflaters keeps compressors for reuse: each holds about a megabyte.
var deflaters = sync.Pool{New: func() any {
	zw, _ := flate.NewWriter(nil, flate.BestCompression)
	return zw
}}

// gzipHeader is a gzip member header without a name, time or extra
// fields, from an unknown operating system (RFC 1952).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ServeHTTP sends the page with the response's nonce: gzipped when the
// client accepts it, and only "304 Not Modified" when the client already
// has the page.
func (res *response) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	gz := acceptsGzip(r)
	tag, coding := res.plainTag, res.plainHeader
	if gz {
		tag, coding = res.gzipTag, res.gzipHeader
	}
	h := w.Header()
	for _, hv := range res.header {
		h[hv.name] = hv.value
	}
	for _, hv := range coding {
		h[hv.name] = hv.value
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, tag) {
		delete(h, "Content-Encoding")
		// The browser keeps its copy and takes this answer's headers for
		// it. A new policy would carry a nonce that the copy lacks.
		delete(h, "Content-Security-Policy")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	nonce := render.NonceFromContext(r.Context())
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if gz {
		res.writeGzip(buf, nonce)
	} else {
		for i, p := range res.pieces {
			if i > 0 {
				buf.WriteString(nonce)
			}
			buf.Write(p)
		}
	}
	if len(nonce) == len(nonceMark) {
		h["Content-Length"] = res.usualLength[boolIndex(gz)]
	} else {
		h["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeGzip writes the page as one gzip member: the pieces' deflate
// blocks with the nonce between them in stored blocks, then the CRC-32 and
// length of the whole.
func (res *response) writeGzip(buf *bytes.Buffer, nonce string) {
	buf.Write(gzipHeader)
	crc := res.crcs[0]
	for i, z := range res.zpieces {
		if i > 0 {
			n := len(nonce)
			buf.Write([]byte{0, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)}) // BFINAL 0, BTYPE 00, LEN, NLEN
			buf.WriteString(nonce)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(nonce))
			crc = crcCombine(crc, res.crcs[i], res.shifts[i])
		}
		buf.Write(z)
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(res.size+(len(res.pieces)-1)*len(nonce)))
	buf.Write(trailer[:])
}

// acceptsGzip is render.AcceptsGzip, without its allocations for the
// common headers: "gzip, deflate, br, zstd" and the like.
func acceptsGzip(r *http.Request) bool {
	ae := r.Header.Get("Accept-Encoding")
	if !strings.Contains(ae, ";") {
		for part := range strings.SplitSeq(ae, ",") {
			if strings.EqualFold(strings.TrimSpace(part), "gzip") {
				return true
			}
		}
		return false
	}
	return render.AcceptsGzip(r)
}

// etagMatches reports whether the If-None-Match header value inm names
// etag, by the weak comparison that If-None-Match calls for (RFC 9110,
// 13.1.2): W/"x" matches "x" and the other way round, and * matches any.
func etagMatches(inm, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for part := range strings.SplitSeq(inm, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

// CRC-32 arithmetic to combine the checksums of two pieces of data into
// the checksum of both, as zlib's crc32_combine does: CRC(a‖b) =
// x^(8·len(b))·CRC(a) + CRC(b), modulo the CRC polynomial. Polynomials are
// in the reflected bit order of hash/crc32.

const crcPoly = 0xedb88320 // the IEEE polynomial, reflected

// crcPow2 holds x^(2^k) modulo the polynomial, for k = 0…31.
var crcPow2 = func() (t [32]uint32) {
	t[0] = 1 << 30 // x^1
	for k := 1; k < len(t); k++ {
		t[k] = crcMul(t[k-1], t[k-1])
	}
	return t
}()

// crcMul returns a·b modulo the polynomial; a must not be zero.
func crcMul(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; ; m >>= 1 {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				return p
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
}

// crcShift returns x^(8n) modulo the polynomial: what carries a checksum
// past n more bytes.
func crcShift(n int) uint32 {
	p := uint32(1) << 31 // x^0
	for k := 3; n > 0; n, k = n>>1, k+1 {
		if n&1 != 0 {
			p = crcMul(crcPow2[k&31], p)
		}
	}
	return p
}

// crcCombine returns the CRC-32 of a‖b from crcA, crcB and b's shift
// operator, crcShift(len(b)).
func crcCombine(crcA, crcB, shiftB uint32) uint32 {
	return crcMul(shiftB, crcA) ^ crcB
}
