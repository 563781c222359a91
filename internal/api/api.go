// Package api is the JSON API under /api/v1 on the staff listener. It
// answers with the same access policy as the staff workspace, and every
// failure as {"error":{"code":…,"message":…}} with a precise status.
package api

import (
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"fristad"
)

//go:embed openapi.json
var openapi []byte

// Prefix is where the API lives.
const Prefix = "/api/v1/"

// Handler serves the API.
type Handler struct{}

// New returns the API's handler.
func New() *Handler { return &Handler{} }

// Register adds the API's routes to mux. Every route of the API is listed
// here and in openapi.json.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET "+Prefix+"openapi.json", handle(h.handleOpenAPI))
	for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		mux.Handle(method+" "+Prefix, handle(h.handleNotFound))
	}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns a handlerFunc into an http.Handler that writes any error
// it returns as JSON.
func handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			Error(w, r, err)
		}
	})
}

// ErrorBody is the JSON form of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable machine-readable code (one of
// fristad's error codes), an English message, the field it concerns and,
// for internal errors, the request id to quote to support.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// Error writes err as JSON with the status its code maps to. Internal
// errors are logged and answered with a generic message.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	status := fristad.ErrorStatus(err)
	body := ErrorBody{Error: ErrorDetail{
		Code:    fristad.ErrorCode(err),
		Message: fristad.ErrorMessage(err),
	}}
	if fe, ok := errors.AsType[*fristad.Error](err); ok {
		body.Error.Field = fe.Field
	}
	if status >= 500 {
		id := fristad.RequestIDFromContext(r.Context())
		body.Error.RequestID = id
		slog.ErrorContext(r.Context(), "api request failed", "code", body.Error.Code, "err", err,
			"request_id", id, "method", r.Method, "pattern", r.Pattern)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		buf = []byte(`{"error":{"code":"internal","message":"Internal error."}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(buf, '\n'))
}

func (h *Handler) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapi)
	return nil
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "no API endpoint %s %s", r.Method, r.URL.Path)
}
