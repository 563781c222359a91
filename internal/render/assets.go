package render

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var static embed.FS

// Assets serves the embedded static files at URLs that carry a hash of
// their content (/static/style.3f2a9c1b.css), so browsers may cache them
// for a year and a new build is never served a stale file.
type Assets struct {
	urls  map[string]string // name → hashed URL
	files map[string]*asset // hashed URL path → file
}

type asset struct {
	body, gzipped []byte
	contentType   string
	etag          string
}

// StaticPrefix is the path under which assets are served.
const StaticPrefix = "/static/"

// NewAssets loads the embedded static files.
func NewAssets() (*Assets, error) {
	a := &Assets{urls: map[string]string{}, files: map[string]*asset{}}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(name)
		url := StaticPrefix + strings.TrimSuffix(name, ext) + "." + hash + ext
		f := &asset{body: body, contentType: mime.TypeByExtension(ext), etag: `"` + hash + `"`}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			f.gzipped = buf.Bytes()
		}
		a.urls[name] = url
		a.files[url] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("render: assets: %w", err)
	}
	return a, nil
}

// URL returns the hashed URL of the static file name ("style.css"). It
// panics for an unknown name, which the template tests catch.
func (a *Assets) URL(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic(fmt.Sprintf("render: no static file %q", name))
	}
	return u
}

// Size returns the size of a static file as served: gzipped when that is
// smaller and gzip is accepted.
func (a *Assets) Size(name string, gzipOK bool) int {
	f := a.files[a.urls[name]]
	if f == nil {
		return 0
	}
	if gzipOK && f.gzipped != nil {
		return len(f.gzipped)
	}
	return len(f.body)
}

// ServeHTTP serves a static file by its hashed URL.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	h.Add("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gzipped != nil && AcceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// AcceptsGzip reports whether the request accepts a gzip-encoded answer.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q, _ = strconv.ParseFloat(v, 64)
		}
		return q > 0
	}
	return false
}
