package fristad

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Every failure a user or an API client can act on carries one
// of them; anything else is EINTERNAL and its details stay in the log.
const (
	EINVALID        = "invalid"          // the input is malformed or breaks a rule
	EUNAUTHORIZED   = "unauthorized"     // not logged in, or the credentials are wrong
	EFORBIDDEN      = "forbidden"        // logged in, but not allowed to do this
	ESTEPUP         = "step_up_required" // allowed after confirming a second factor again (SR-13)
	ENOTFOUND       = "not_found"        // no such record, or one the actor may not see
	ECONFLICT       = "conflict"         // the record changed or already exists
	ETOOLARGE       = "too_large"        // the request body is over its limit
	ERATELIMIT      = "rate_limited"     // too many attempts; try again later
	EUNAVAILABLE    = "unavailable"      // the service cannot answer now (database down, schema out of date)
	ENOTIMPLEMENTED = "not_implemented"  // the feature is not built yet
	EINTERNAL       = "internal"         // a bug or an unexpected failure
)

// ErrorCodes lists every error code, for the tests that check each has a
// translated message.
var ErrorCodes = []string{
	EINVALID, EUNAUTHORIZED, EFORBIDDEN, ESTEPUP, ENOTFOUND, ECONFLICT, ETOOLARGE,
	ERATELIMIT, EUNAVAILABLE, ENOTIMPLEMENTED, EINTERNAL,
}

// Error is a failure the caller can be told about. Message is plain English
// for logs, the command line and developers; Key, when set, names the
// message-catalog entry shown to users (with Args filled in), so the same
// error reads well in every language. Field names the form field or JSON
// member the error belongs to, if any.
//
// Messages must never carry personal data: they end up in logs.
type Error struct {
	Code    string
	Message string
	Key     string
	Args    map[string]any
	Field   string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("fristad error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Localized returns an *Error that users see through the catalog key.
func Localized(code, key string, args map[string]any, message string) *Error {
	return &Error{Code: code, Key: key, Args: args, Message: message}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL when there is none. A nil error has no code.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// a generic text for internal errors, whose details are never shown.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Internal error."
}

// ErrorStatus maps an error to its HTTP status code. The codes and the
// statuses correspond one to one, so the table sits beside the codes.
func ErrorStatus(err error) int {
	switch ErrorCode(err) {
	case "":
		return http.StatusOK
	case EINVALID:
		return http.StatusBadRequest
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN, ESTEPUP:
		return http.StatusForbidden
	case ENOTFOUND:
		return http.StatusNotFound
	case ECONFLICT:
		return http.StatusConflict
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case ERATELIMIT:
		return http.StatusTooManyRequests
	case EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case ENOTIMPLEMENTED:
		return http.StatusNotImplemented
	default:
		return http.StatusInternalServerError
	}
}
