package bot

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Approval kinds: what an approved request does.
const (
	// ApprovalRollback rolls a model back (the default, and every request
	// made before promotions existed).
	ApprovalRollback = "rollback"
	// ApprovalPromotion lets a canary take all traffic: Flagger's
	// confirm-promotion gate or an Argo Rollouts analysis opens once it is
	// approved. Rejecting it asks the engine to roll the canary back.
	ApprovalPromotion = "promotion"
)

// Progressive-delivery engines that call mlbot's promotion gate.
const (
	EngineFlagger = "flagger"
	EngineArgo    = "argo-rollouts"
)

// Canary names one revision of a progressive delivery: a Flagger Canary
// or an Argo Rollout, in its namespace, at a revision (Flagger's checksum
// of the canary's spec and tracked configs, Argo's pod-template hash). It
// is the idempotency key of every promotion webhook: the same revision
// gets one request, however often the engine calls.
type Canary struct {
	Engine    string
	Namespace string
	Name      string
	Revision  string
}

// Key is the canary's idempotency key.
func (c Canary) Key() string {
	return c.Engine + "/" + c.Namespace + "/" + c.Name + "/" + c.Revision
}

// Target is how requests and messages name the canary.
func (c Canary) Target() string { return c.Namespace + "/" + c.Name }

// dnsLabel is a Kubernetes object name or namespace (RFC 1123 subdomain).
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)

// revisionRE is what a revision may hold: a hash, a short tag.
var revisionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// Validate returns an error naming the field that is missing or not what
// Kubernetes or the engine would send.
func (c Canary) Validate() error {
	switch {
	case c.Name == "":
		return errors.New("name: missing, expected the Canary's or Rollout's name")
	case !dnsLabel.MatchString(c.Name):
		return fmt.Errorf("name: %q, expected a Kubernetes object name", c.Name)
	case c.Namespace == "":
		return errors.New("namespace: missing, expected the Canary's or Rollout's namespace")
	case !dnsLabel.MatchString(c.Namespace):
		return fmt.Errorf("namespace: %q, expected a Kubernetes namespace", c.Namespace)
	case c.Revision == "":
		return errors.New("checksum: missing, expected the canary revision")
	case !revisionRE.MatchString(c.Revision):
		return fmt.Errorf("checksum: %q, expected letters, digits, '.', '_' or '-' (at most 128)", c.Revision)
	}
	return nil
}

// GateCall is one call of a promotion gate by an engine.
type GateCall struct {
	Canary Canary
	// Model names the model in the request (default: the canary's name).
	Model string
	// ProposedBy is the Slack user who shipped the candidate, when the
	// canary's webhook metadata names one: they cannot approve it.
	ProposedBy string
	// Phase is the engine's phase of the canary (Flagger: Promoting, …).
	Phase   string
	Expires time.Duration
	Needed  int
	Now     time.Time
}

// Gate is the answer of a promotion gate: open or closed, and why.
type Gate struct {
	Open bool
	// Approval is the revision's promotion request.
	Approval Approval
	// Created is true on the call that created the request (and queued
	// its Slack message).
	Created bool
}

// Reason says why the gate is open or closed, for the engine's log.
func (g Gate) Reason() string {
	a := g.Approval
	switch a.State {
	case ApprovalApproved:
		return fmt.Sprintf("promotion request %d approved by %s", a.ID, a.DecidedBy)
	case ApprovalRejected:
		return fmt.Sprintf("promotion request %d rejected by %s: roll back", a.ID, a.DecidedBy)
	case ApprovalExpired:
		return fmt.Sprintf("promotion request %d expired at %s without approval", a.ID, a.ExpiresAt.Format(time.RFC3339))
	}
	return fmt.Sprintf("promotion request %d waits for %d approval(s) in Slack (%d so far), expires %s",
		a.ID, a.Needed, len(a.Approvers), a.ExpiresAt.Format(time.RFC3339))
}

// PromotionApproval is the request a gate call creates.
func PromotionApproval(g GateCall) Approval {
	model := g.Model
	if model == "" {
		model = g.Canary.Name
	}
	proposer := g.ProposedBy
	if proposer == "" {
		proposer = g.Canary.Engine
	}
	needed := max(g.Needed, 1)
	return Approval{Kind: ApprovalPromotion, Rule: g.Canary.Engine, Model: model, Project: g.Canary.Target(),
		Ref: g.Canary.Engine, Version: g.Canary.Revision, State: ApprovalProposed, ProposedBy: proposer,
		ExpiresAt: g.Now.Add(g.Expires), CreatedAt: g.Now, Needed: needed,
		Reason: fmt.Sprintf("%s canary %s revision %s asks to take all traffic (phase %s)", g.Canary.Engine,
			g.Canary.Target(), g.Canary.Revision, g.Phase)}
}

// CanaryEvent is an engine's event about a canary (Flagger's event
// webhook, its rollback hook's call).
type CanaryEvent struct {
	Canary  Canary
	Phase   string
	Type    string
	Message string
	Now     time.Time
}

// PromotionConfig is the promotion section of slack in mlbot.yml.
type PromotionConfig struct {
	// Expires is how long a promotion request can be decided (default
	// 2h); an expired request keeps the gate closed.
	Expires time.Duration `yaml:"expires"`
	// Approvals is how many distinct approvers a promotion needs
	// (default 1).
	Approvals int `yaml:"approvals"`
}
