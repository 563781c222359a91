package portal

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"fristad/internal/render"
)

// Cache policies. Content pages may be kept for a few minutes, by the
// browser and by shared caches on the way, and then revalidated cheaply
// with their ETag; the root's answer depends on the browser's languages.
// A page is the same bytes for every visitor (no nonce, no request id,
// nothing about the visitor), so a shared cache that keeps it gives
// nobody anything that is not public.
const (
	cacheContent = "public, max-age=300"
	cacheRoot    = "public, max-age=300"
)

// response is a page rendered once and kept in memory, in both codings,
// with every header of each computed when it was rendered: a request
// only picks a coding, puts ready headers into the answer and writes
// ready bytes. No request compresses, formats or hashes anything.
//
// The bytes never change for the life of the response, so the ETags are
// strong (RFC 9110, 8.8.1), one per content coding.
type response struct {
	codings [2]coding // plain, gzip
}

// coding is a page in one content coding, ready to send.
type coding struct {
	body        []byte
	tag         string        // the ETag, for If-None-Match
	header      []headerValue // the headers of a 200
	notModified []headerValue // the headers of a 304: the same, without Content-Length and Content-Encoding
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

// newResponse prepares body for serving with the cache policy cc, plain
// and gzipped at best compression. vary names the request headers besides
// Accept-Encoding that the page depends on.
func newResponse(body []byte, cc string, vary ...string) *response {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	shared := []headerValue{
		header("Content-Type", "text/html; charset=utf-8"),
		header("Cache-Control", cc),
		header("Vary", strings.Join(append([]string{"Accept-Encoding"}, vary...), ", ")),
	}
	res := &response{}
	for i, c := range []struct {
		body     []byte
		tag      string
		encoding []headerValue
	}{
		{body, `"` + tag + `"`, nil},
		{gzipped(body), `"` + tag + `-gz"`, []headerValue{header("Content-Encoding", "gzip")}},
	} {
		etag := header("ETag", c.tag)
		res.codings[i] = coding{
			body:        c.body,
			tag:         c.tag,
			notModified: append(append([]headerValue{}, shared...), etag),
			header:      append(append(append([]headerValue{}, shared...), etag, header("Content-Length", strconv.Itoa(len(c.body)))), c.encoding...),
		}
	}
	return res
}

// gzipped returns body compressed as one gzip member at best compression.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

// gzipWriters keeps compressors for reuse: each holds about a megabyte.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return zw
}}

// ServeHTTP sends the page: gzipped when the client accepts it, and only
// "304 Not Modified" when the client already has it.
func (res *response) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &res.codings[0]
	if acceptsGzip(r) {
		c = &res.codings[1]
	}
	h := w.Header()
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, c.tag) {
		for _, hv := range c.notModified {
			h[hv.name] = hv.value
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for _, hv := range c.header {
		h[hv.name] = hv.value
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(c.body)
	}
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
