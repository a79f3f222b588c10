package mlbot

import "time"

// ApprovalState is where a rollback proposal stands.
type ApprovalState string

// The approval states.
const (
	ApprovalProposed ApprovalState = "proposed"
	ApprovalApproved ApprovalState = "approved"
	ApprovalRejected ApprovalState = "rejected"
	ApprovalExpired  ApprovalState = "expired"
)

// Approval is a proposed rollback waiting for a named person's decision.
type Approval struct {
	ID         int64
	AlertID    int64
	Rule       string
	Model      string
	Project    string
	Ref        string
	Version    string
	State      ApprovalState
	ProposedBy string
	DecidedBy  string
	ExpiresAt  time.Time
	CreatedAt  time.Time
}

// Expired reports whether the proposal can no longer be decided at now.
func (a Approval) Expired(now time.Time) bool {
	return a.State == ApprovalProposed && !now.Before(a.ExpiresAt)
}
