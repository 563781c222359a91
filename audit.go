package fristad

import (
	"context"
	"time"
)

// AuditEvent is one entry of the audit trail: who did what to which
// record, when, why and with what result. Events hold identifiers and
// codes, never names, addresses or notes (SR-72).
type AuditEvent struct {
	Seq        int64
	Time       time.Time
	ActorID    string // a user id, "system:…" or "anonymous"
	ActorOrg   string
	ActorRole  string // the actor's roles, comma-separated
	Action     string // e.g. "authn.login", "user.create", "case.read"
	ObjectType string
	ObjectID   string
	Purpose    string
	Result     string // "ok", "denied" or "failed"
	RequestID  string
}

// AuditFilter selects audit events, newest first. Nil fields do not
// filter.
type AuditFilter struct {
	ObjectType *string
	ObjectID   *string
	ActorID    *string
	Limit      int // at most MaxAuditEvents; 0 means MaxAuditEvents
}

// MaxAuditEvents is the most events one search returns.
const MaxAuditEvents = 500

// ActionAuditRead is reading the audit trail. Only auditors may; to
// everyone else it does not exist, and every read is itself audited
// (SR-75).
const ActionAuditRead Action = "audit.read"

// AuditService reads the audit trail.
type AuditService interface {
	// FindAuditEvents returns the events matching filter, newest first.
	FindAuditEvents(ctx context.Context, filter AuditFilter) ([]*AuditEvent, error)
	// ExportAuditEvents is FindAuditEvents for taking the events out of
	// the system — for a data subject's access request, say — which needs
	// a fresh second factor (SR-13) and is audited as an export.
	ExportAuditEvents(ctx context.Context, filter AuditFilter) ([]*AuditEvent, error)
}
