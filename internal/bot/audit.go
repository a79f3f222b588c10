package bot

import "time"

// AuditEntry is one decision: who, when, what, on what, and what it
// started.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Actor   string
	Action  string
	Subject string
	Detail  string
	AlertID int64
	JobID   int64
}

// Actors of decisions mlbot takes itself.
const (
	ActorRule   = "rule"
	ActorWorker = "worker"
)
