package fristad

import "context"

type contextKey int

const requestIDContextKey contextKey = iota

// NewContextWithRequestID returns a copy of ctx that carries the id of the
// request being served. It ties log lines, error pages and audit events of
// one request together.
func NewContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDContextKey, id)
}

// RequestIDFromContext returns the request id carried by ctx, or "".
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDContextKey).(string)
	return id
}
