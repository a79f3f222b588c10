package bot

import (
	"slices"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	proposed := func(needed int, approvers ...string) Approval {
		return Approval{ID: 1, Model: "rec", State: ApprovalProposed, ProposedBy: "U_ENG", Needed: needed,
			Approvers: approvers, ExpiresAt: t0.Add(30 * time.Minute)}
	}
	approve := func(user string, at time.Time) Decision {
		return Decision{ApprovalID: 1, User: user, Approve: true, Now: at}
	}
	for _, tt := range []struct {
		name      string
		a         Approval
		d         Decision
		refused   string
		state     ApprovalState
		decidedBy string
		approvers []string
	}{
		{"one approval approves", proposed(1), approve("U_PO", t0), "", ApprovalApproved, "U_PO", []string{"U_PO"}},
		{"first of two stays proposed", proposed(2), approve("U_PO", t0), "", ApprovalProposed, "", []string{"U_PO"}},
		{"second of two approves", proposed(2, "U_PO"), approve("U_PO2", t0), "", ApprovalApproved, "U_PO2", []string{"U_PO", "U_PO2"}},
		{"reject", proposed(2, "U_PO"), Decision{User: "U_ENG", Now: t0}, "", ApprovalRejected, "U_ENG", []string{"U_PO"}},
		{"proposer may reject", proposed(1), Decision{User: "U_ENG", Now: t0}, "", ApprovalRejected, "U_ENG", nil},
		{"no self-approval", proposed(1), approve("U_ENG", t0),
			"the proposer cannot approve their own request", ApprovalProposed, "", nil},
		{"same approver twice", proposed(2, "U_PO"), approve("U_PO", t0),
			"already approved by the same person; another approver is needed", ApprovalProposed, "", []string{"U_PO"}},
		{"expired at its expiry", proposed(1), approve("U_PO", t0.Add(30*time.Minute)),
			"expired at 2025-03-01T12:30:00Z", ApprovalExpired, "", nil},
		{"a rejection after expiry is refused too", proposed(1), Decision{User: "U_PO", Now: t0.Add(time.Hour)},
			"expired at 2025-03-01T12:30:00Z", ApprovalExpired, "", nil},
		{"already approved", Approval{State: ApprovalApproved, DecidedBy: "U_PO", Needed: 1}, approve("U_PO2", t0),
			"already approved by U_PO", ApprovalApproved, "U_PO", nil},
		{"expired by the sweep", Approval{State: ApprovalExpired, Needed: 1}, approve("U_PO", t0),
			"already expired by mlbot", ApprovalExpired, "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.a.Approvers)
			got, why := Decide(tt.a, tt.d)
			if why != tt.refused || got.State != tt.state || got.DecidedBy != tt.decidedBy || !slices.Equal(got.Approvers, tt.approvers) {
				t.Errorf("Decide = %s by %q, approvers %v, refused %q; want %s by %q, %v, %q",
					got.State, got.DecidedBy, got.Approvers, why, tt.state, tt.decidedBy, tt.approvers, tt.refused)
			}
			if got.State != tt.a.State && got.DecidedAt != tt.d.Now {
				t.Errorf("decided at %v, want %v", got.DecidedAt, tt.d.Now)
			}
			if !slices.Equal(tt.a.Approvers, before) {
				t.Errorf("the caller's approvers changed to %v", tt.a.Approvers)
			}
		})
	}
}
