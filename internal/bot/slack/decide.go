package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// roleTimeout bounds a role check (a usergroups.users.list call when the
// cache is cold) so that Slack gets its answer within 3 s.
const roleTimeout = 1500 * time.Millisecond

// Allowed reports whether user holds role; a failed lookup is an error
// naming it, never a yes.
func (b *Bot) Allowed(ctx context.Context, user string, role bot.Role) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, roleTimeout)
	defer cancel()
	return b.Slack.HasRole(ctx, user, role)
}

// Decide carries out an Approve or Reject by user on request id after
// checking the role, and returns the text to show the user. A refusal is
// audited and says why (the role needed, self-approval, already decided,
// expired); the decision's jobs are woken.
func (b *Bot) Decide(ctx context.Context, user string, id int64, approve bool) (string, error) {
	// The request's kind says which role decides it: approve_rollback, or
	// approve_promotion for a canary's promotion.
	a, err := b.Store.GetApproval(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Sprintf("There is no request #%d.", id), nil
	}
	if err != nil {
		return "", err
	}
	kind := bot.ApprovalRollback
	if a.IsPromotion() {
		kind = bot.ApprovalPromotion
	}
	verb := "reject_" + kind
	if approve {
		verb = "approve_" + kind
	}
	role := a.Role()
	ok, err := b.Allowed(ctx, user, role)
	if err != nil {
		b.audit(ctx, user, verb+"_refused", fmt.Sprintf("request %d", id), "role check failed: "+err.Error())
		return "", fmt.Errorf("check role %s of %s: %w", role, user, err)
	}
	if !ok {
		b.audit(ctx, user, verb+"_refused", fmt.Sprintf("request %d", id), fmt.Sprintf("role %s needed", role))
		return fmt.Sprintf(":no_entry: Request #%d: you need the role *%s* to decide %ss.", id, role, kind), nil
	}
	out, err := b.Store.Decide(ctx, bot.Decision{ApprovalID: id, User: user, Approve: approve, Now: b.now(),
		Rollback: forge.RollbackTask{Mode: b.Config.Rollback.Mode, JobName: b.Config.Rollback.Job}})
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Sprintf("There is no rollback request #%d.", id), nil
	}
	if err != nil {
		return "", err
	}
	b.wake()
	a = out.Approval
	switch {
	case out.Refused != "":
		return fmt.Sprintf(":no_entry: Request #%d: %s; nothing changed.", id, out.Refused), nil
	case a.IsPromotion() && a.State == bot.ApprovalApproved:
		return fmt.Sprintf(":white_check_mark: Request #%d approved: %s takes all traffic at %s's next check.", id, a.Project, a.Ref), nil
	case a.IsPromotion() && a.State == bot.ApprovalRejected:
		return fmt.Sprintf("Request #%d rejected: %s rolls %s back at its next check.", id, a.Ref, a.Project), nil
	case a.State == bot.ApprovalApproved:
		return fmt.Sprintf(":white_check_mark: Request #%d approved: rolling %s back to %s.", id, a.Model, versionText(a.Version)), nil
	case a.State == bot.ApprovalRejected:
		return fmt.Sprintf("Request #%d rejected.", id), nil
	default:
		return fmt.Sprintf("Request #%d: your approval is %d of %d.", id, len(a.Approvers), a.Needed), nil
	}
}

// Click handles a button press; the answer goes back through the
// click's response_url, by the outbox.
func (b *Bot) Click(ctx context.Context, c Click) error {
	text, err := b.Decide(ctx, c.UserID, c.ApprovalID, c.Approve)
	if err != nil {
		text = fmt.Sprintf(":warning: Request #%d: mlbot could not decide (%v); try again.", c.ApprovalID, err)
	}
	if c.ResponseURL != "" {
		if rerr := b.Respond(ctx, c.ResponseURL, "click/"+c.TriggerID, text); rerr != nil {
			return rerr
		}
	}
	return err
}

// Respond queues an ephemeral answer through response_url; key makes a
// repeated delivery of the same request answer once.
func (b *Bot) Respond(ctx context.Context, responseURL, key, text string) error {
	now := b.now()
	_, err := b.Store.EnqueueJob(ctx, bot.Job{Kind: bot.KindSlackRespond, DedupKey: "respond/" + key,
		State: bot.JobPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
		Task: bot.Task{Slack: &bot.SlackTask{ResponseURL: responseURL, Text: text}}}, nil)
	if err == nil {
		b.wake()
	}
	return err
}

func (b *Bot) audit(ctx context.Context, actor, action, subject, detail string) {
	if err := b.Store.AddAudit(ctx, bot.AuditEntry{At: b.now(), Actor: actor, Action: action, Subject: subject, Detail: detail}); err != nil {
		b.Log.Error("audit", "action", action, "actor", actor, "err", err)
	}
}

func versionText(v string) string {
	if v == "" {
		return "the last healthy version"
	}
	return v
}
