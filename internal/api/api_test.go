package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"fristad/internal/api"
)

func TestErrors(t *testing.T) {
	mux := http.NewServeMux()
	api.New().Register(mux)
	for _, tt := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/v1/no-such-thing", 404, "not_found"},
		{"DELETE", "/api/v1/cases/1", 404, "not_found"},
		{"GET", "/api/v1/openapi.json", 200, ""},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s = %d %q", tt.method, tt.path, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		var body struct {
			Error   *api.ErrorDetail `json:"error"`
			OpenAPI string           `json:"openapi"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		if tt.code == "" {
			if body.OpenAPI == "" {
				t.Error("openapi.json is not an OpenAPI document")
			}
			continue
		}
		if body.Error == nil || body.Error.Code != tt.code || body.Error.Message == "" {
			t.Errorf("%s %s: body %s", tt.method, tt.path, rec.Body)
		}
	}
}
