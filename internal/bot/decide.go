package bot

import (
	"fmt"
	"slices"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Decision is a person's Approve or Reject of a rollback proposal. The
// caller has checked the person holds approve_rollback.
type Decision struct {
	ApprovalID int64
	User       string
	Approve    bool
	// Rollback is how an approved rollback starts (mode and job name).
	Rollback forge.RollbackTask
	Now      time.Time
}

// Outcome says what a decision did.
type Outcome struct {
	// Approval is the proposal after the decision.
	Approval Approval
	// Changed is false when the decision was refused and nothing changed.
	Changed bool
	// Refused says why (self-approval, already decided, expired, a second
	// approval by the same person).
	Refused string
	// Started is true when this decision approved it and queued the
	// rollback job.
	Started bool
}

// Decide applies the approval rule to a decision on proposal a and
// returns the proposal after it. A decision is refused, and why is
// returned, when the proposal is no longer proposed (already approved,
// rejected or expired), when it has expired at d.Now (it then comes back
// expired, decided at d.Now), when the proposer approves their own
// request, or when the same person approves twice. Otherwise a rejection
// rejects it, and an approval adds d.User to the approvers and approves it
// once a.Needed distinct people have. Decide is pure: the store calls it
// inside the transaction that read a and writes the result.
func Decide(a Approval, d Decision) (Approval, string) {
	switch {
	case a.State != ApprovalProposed:
		by := a.DecidedBy
		if by == "" {
			by = "mlbot"
		}
		return a, fmt.Sprintf("already %s by %s", a.State, by)
	case a.Expired(d.Now):
		a.State, a.DecidedAt = ApprovalExpired, d.Now
		return a, "expired at " + a.ExpiresAt.Format(time.RFC3339)
	case d.Approve && d.User == a.ProposedBy:
		return a, "the proposer cannot approve their own request"
	case d.Approve && slices.Contains(a.Approvers, d.User):
		return a, "already approved by the same person; another approver is needed"
	}
	if !d.Approve {
		a.State, a.DecidedBy, a.DecidedAt = ApprovalRejected, d.User, d.Now
		return a, ""
	}
	a.Approvers = append(slices.Clone(a.Approvers), d.User)
	if len(a.Approvers) >= a.Needed {
		a.State, a.DecidedBy, a.DecidedAt = ApprovalApproved, d.User, d.Now
	}
	return a, ""
}
