package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// Decide applies a decision in one transaction, guarded by the state of
// the proposal: a decided proposal changes no more, so a double click, a
// retried delivery or a second replica cannot start a second rollback
// (and its rollback job has a unique dedup key besides). Every decision
// and refusal is audited; an expired proposal is marked expired.
func (d *DB) Decide(ctx context.Context, dec bot.Decision) (bot.Outcome, error) {
	var out bot.Outcome
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		lock := ""
		if d.dialect.name == "postgres" {
			lock = " FOR UPDATE"
		}
		as, err := d.queryApprovals(ctx, tx, `SELECT `+approvalCols+` FROM approvals WHERE id = ?`+lock, dec.ApprovalID)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return fmt.Errorf("approval %d: %w", dec.ApprovalID, bot.ErrNotFound)
		}
		a := as[0]
		verb := "reject_" + kindOf(a)
		if dec.Approve {
			verb = "approve_" + kindOf(a)
		}
		audit := func(action, detail string) error {
			return d.insertAudit(ctx, tx, bot.AuditEntry{At: dec.Now, Actor: dec.User, Action: action, Subject: a.Model,
				Detail: fmt.Sprintf("request %d (%s@%s to %q): %s", a.ID, a.Project, a.Ref, a.Version, detail), AlertID: a.AlertID})
		}
		refuse := func(why string) error {
			out = bot.Outcome{Approval: a, Refused: why}
			return audit(verb+"_refused", why)
		}
		next, why := bot.Decide(a, dec)
		if why != "" {
			if next.State == bot.ApprovalExpired && a.State == bot.ApprovalProposed {
				if err := d.expire(ctx, tx, &a, dec.Now); err != nil {
					return err
				}
			}
			return refuse(why)
		}
		a = next
		res, err := tx.ExecContext(ctx, d.q(`UPDATE approvals SET state = ?, decided_by = ?, decided_at = ?, approvers = ?
			WHERE id = ? AND state = ?`), string(a.State), a.DecidedBy, ms(a.DecidedAt), strings.Join(a.Approvers, ","),
			a.ID, string(bot.ApprovalProposed))
		if err != nil {
			return fmt.Errorf("decide approval %d: %w", a.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("decide approval %d: changed under the decision", a.ID)
		}
		out = bot.Outcome{Approval: a, Changed: true}
		key := fmt.Sprintf("approval/%d/update/%s/%d", a.ID, a.State, len(a.Approvers))
		if _, err := d.insertJob(ctx, tx, slackJob(a, bot.KindSlackUpdate, key, "", dec.Now)); err != nil {
			return err
		}
		detail := string(a.State)
		if a.State == bot.ApprovalProposed {
			detail = fmt.Sprintf("approval %d of %d", len(a.Approvers), a.Needed)
		}
		if a.State == bot.ApprovalApproved && a.IsPromotion() {
			detail = "approved, the gate of " + a.Project + " revision " + a.Version + " is open"
		}
		if a.State == bot.ApprovalRejected && a.IsPromotion() {
			detail = "rejected, the rollback hook of " + a.Project + " revision " + a.Version + " asks to roll back"
		}
		if a.State == bot.ApprovalApproved && !a.IsPromotion() {
			t := dec.Rollback
			t.ApprovalID, t.Project, t.Ref, t.Version, t.Model = a.ID, a.Project, a.Ref, a.Version, a.Model
			j := bot.Job{Kind: bot.KindRollback, AlertID: a.AlertID, Rule: a.Rule, Model: a.Model,
				DedupKey: fmt.Sprintf("approval/%d/rollback", a.ID), State: bot.JobPending, NextAttemptAt: dec.Now,
				CreatedAt: dec.Now, UpdatedAt: dec.Now, Task: bot.Task{Rollback: &t}}
			if out.Started, err = d.insertJob(ctx, tx, j); err != nil {
				return err
			}
			detail = "approved, rollback queued (" + t.Mode + ")"
		}
		return audit(verb, detail)
	})
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("decide: %w", err)
	}
	return out, nil
}

// ExpireApprovals marks every proposal past its expiry expired, queues
// the update of its message and audits it; it returns how many expired.
func (d *DB) ExpireApprovals(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		as, err := d.queryApprovals(ctx, tx, `SELECT `+approvalCols+` FROM approvals WHERE state = ? AND expires_at <= ?`,
			string(bot.ApprovalProposed), ms(now))
		if err != nil {
			return err
		}
		for i := range as {
			if err := d.expire(ctx, tx, &as[i], now); err != nil {
				return err
			}
		}
		n = len(as)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire approvals: %w", err)
	}
	return n, nil
}

func (d *DB) expire(ctx context.Context, tx *sql.Tx, a *bot.Approval, now time.Time) error {
	a.State, a.DecidedAt = bot.ApprovalExpired, now
	_, err := tx.ExecContext(ctx, d.q(`UPDATE approvals SET state = ?, decided_at = ? WHERE id = ? AND state = ?`),
		string(a.State), ms(now), a.ID, string(bot.ApprovalProposed))
	if err != nil {
		return fmt.Errorf("expire approval %d: %w", a.ID, err)
	}
	if _, err := d.insertJob(ctx, tx, slackJob(*a, bot.KindSlackUpdate, fmt.Sprintf("approval/%d/update/expired", a.ID), "", now)); err != nil {
		return err
	}
	return d.insertAudit(ctx, tx, bot.AuditEntry{At: now, Actor: "mlbot", Action: kindOf(*a) + "_expired", Subject: a.Model,
		Detail: fmt.Sprintf("request %d (%s@%s to %q) expired with %d of %d approvals", a.ID, a.Project, a.Ref, a.Version,
			len(a.Approvers), a.Needed), AlertID: a.AlertID})
}

// RollbackStarted records the pipeline an approved rollback started and
// queues the update of its message.
func (d *DB) RollbackStarted(ctx context.Context, approvalID int64, pipelineURL string, now time.Time) error {
	return d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		as, err := d.queryApprovals(ctx, tx, `SELECT `+approvalCols+` FROM approvals WHERE id = ?`, approvalID)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return fmt.Errorf("approval %d: %w", approvalID, bot.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, d.q(`UPDATE approvals SET pipeline_url = ? WHERE id = ?`), pipelineURL, approvalID); err != nil {
			return fmt.Errorf("record rollback pipeline of approval %d: %w", approvalID, err)
		}
		_, err = d.insertJob(ctx, tx, slackJob(as[0], bot.KindSlackUpdate, fmt.Sprintf("approval/%d/update/pipeline", approvalID), "", now))
		return err
	})
}

// rollbackOutcome queues a thread reply with a rollback pipeline's final
// status (called inside PipelineEvent's transaction).
func (d *DB) rollbackOutcome(ctx context.Context, tx *sql.Tx, p bot.Pipeline, now time.Time) error {
	switch p.Status {
	case "success", "failed", "canceled", "skipped":
	default:
		return nil
	}
	var kind, task string
	err := tx.QueryRowContext(ctx, d.q(`SELECT kind, task FROM jobs WHERE id = ?`), p.JobID).Scan(&kind, &task)
	if err == sql.ErrNoRows || (err == nil && kind != bot.KindRollback) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read job %d: %w", p.JobID, err)
	}
	var t bot.Task
	if err := unmarshalTask(task, &t); err != nil || t.Rollback == nil {
		return err
	}
	a := bot.Approval{ID: t.Rollback.ApprovalID, AlertID: p.AlertID, Model: t.Rollback.Model}
	text := fmt.Sprintf("Rollback pipeline %d of %s to %q finished: *%s* %s", p.ExternalID, t.Rollback.Model,
		t.Rollback.Version, p.Status, p.WebURL)
	_, err = d.insertJob(ctx, tx, slackJob(a, bot.KindSlackReply, fmt.Sprintf("approval/%d/outcome/%d/%s", a.ID, p.ExternalID, p.Status), text, now))
	return err
}

// kindOf names a request's kind in audit actions.
func kindOf(a bot.Approval) string {
	if a.IsPromotion() {
		return bot.ApprovalPromotion
	}
	return bot.ApprovalRollback
}
