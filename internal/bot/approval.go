package bot

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

// Approval is a proposed rollback, or a canary's promotion, waiting for a
// named person's decision. For a promotion (Kind ApprovalPromotion),
// Project is the canary's namespace/name, Ref its engine, Version its
// revision and Rule the engine too.
type Approval struct {
	ID int64
	// Kind is ApprovalRollback (also when empty) or ApprovalPromotion.
	Kind       string
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
	// Reason says why the rollback is proposed (the alert, a user's words).
	Reason string
	// Needed is how many distinct approvers it takes (at least 1).
	Needed int
	// Approvers approved so far, in order.
	Approvers []string
	// DecidedAt is when it was approved, rejected or expired.
	DecidedAt time.Time
	// Channel and TS locate its Slack message once posted.
	Channel, TS string
	// PipelineURL is the rollback pipeline once started.
	PipelineURL string
	// RollbackJob is the GitLab job the rollback plays (play mode),
	// recorded before it is played; 0 until chosen.
	RollbackJob int64
}

// Expired reports whether the proposal can no longer be decided at now.
func (a Approval) Expired(now time.Time) bool {
	return a.State == ApprovalProposed && !now.Before(a.ExpiresAt)
}

// IsPromotion reports whether the request gates a canary's promotion.
func (a Approval) IsPromotion() bool { return a.Kind == ApprovalPromotion }

// Role is who may decide the request: approve_promotion for a
// promotion, approve_rollback otherwise.
func (a Approval) Role() Role {
	if a.IsPromotion() {
		return RoleApprovePromotion
	}
	return RoleApproveRollback
}
