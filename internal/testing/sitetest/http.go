package sitetest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fristad/internal/server"
)

// Client is the HTTP client of the helpers here. It does not follow
// redirects, so tests see them.
var Client = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// Do sends a request with the headers in header and returns the
// response with its body, read to the end.
func Do(tb testing.TB, method, url string, body io.Reader, header map[string]string) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := Client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

// FormToken fetches a page to get the workspace's form token cookie and
// returns headers and a form prefix that carry it.
func FormToken(tb testing.TB, s *server.Server) (header map[string]string, field string) {
	tb.Helper()
	resp, _ := Do(tb, "GET", s.StaffURL()+"/", nil, nil)
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-fristad-csrf" {
			return map[string]string{
				"Content-Type": "application/x-www-form-urlencoded",
				"Cookie":       c.Name + "=" + c.Value,
			}, "csrf=" + c.Value + "&"
		}
	}
	tb.Fatal("no form token cookie")
	return nil, ""
}

// APIDo sends a request to the API of s with a bearer token and, when
// body is not "", a JSON body.
func APIDo(tb testing.TB, s *server.Server, token, method, path, body string) (*http.Response, string) {
	tb.Helper()
	var h = map[string]string{"Authorization": "Bearer " + token}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return Do(tb, method, s.StaffURL()+path, strings.NewReader(body), h)
}

// APIUpload posts a multipart form with a file to the API of s.
func APIUpload(tb testing.TB, s *server.Server, token, path string, fields url.Values, filename string, content []byte) (*http.Response, string) {
	tb.Helper()
	contentType, body := multipartBody(tb, fields, filename, content)
	return Do(tb, "POST", s.StaffURL()+path, body, map[string]string{"Authorization": "Bearer " + token, "Content-Type": contentType})
}

// multipartBody returns a multipart/form-data body of fields and, when
// filename is not "", a file in the field "file".
func multipartBody(tb testing.TB, fields url.Values, filename string, content []byte) (string, *bytes.Buffer) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			tb.Fatal(err)
		}
		fw.Write(content)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}
