package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// PromotionGate answers a promotion gate's call for a canary revision in
// one transaction. The first call for a revision stores its promotion
// request, the slack_post job that asks for it and an audit entry, and
// answers closed; later calls answer from the request's state: open once
// approved, closed while it waits, after a rejection and once it has
// expired (expiring it then, audited). Calls from several replicas at
// once create one request.
func (d *DB) PromotionGate(ctx context.Context, g bot.GateCall) (bot.Gate, error) {
	var out bot.Gate
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = bot.Gate{}
		key := g.Canary.Key()
		res, err := tx.ExecContext(ctx, d.q(`INSERT INTO promotions (canary_key, approval_id, created_at) VALUES (?, 0, ?)
			ON CONFLICT (canary_key) DO NOTHING`), key, ms(g.Now))
		if err != nil {
			return fmt.Errorf("record promotion %s: %w", key, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			a := bot.PromotionApproval(g)
			id, err := d.insertApproval(ctx, tx, a)
			if err != nil {
				return err
			}
			a.ID = id
			if _, err := tx.ExecContext(ctx, d.q(`UPDATE promotions SET approval_id = ? WHERE canary_key = ?`), id, key); err != nil {
				return fmt.Errorf("record promotion %s: %w", key, err)
			}
			out = bot.Gate{Approval: a, Created: true}
			return d.insertAudit(ctx, tx, bot.AuditEntry{At: g.Now, Actor: g.Canary.Engine, Action: "propose_promotion",
				Subject: a.Model, Detail: fmt.Sprintf("request %d: promote %s revision %s, %d approval(s) by %s needed before %s",
					id, g.Canary.Target(), g.Canary.Revision, a.Needed, bot.RoleApprovePromotion, a.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))})
		}
		a, _, err := d.promotionApproval(ctx, tx, key)
		if err != nil {
			return err
		}
		if a.Expired(g.Now) {
			if err := d.expire(ctx, tx, &a, g.Now); err != nil {
				return err
			}
		}
		out = bot.Gate{Approval: a, Open: a.State == bot.ApprovalApproved}
		return nil
	})
	if err != nil {
		return bot.Gate{}, fmt.Errorf("promotion gate: %w", err)
	}
	return out, nil
}

// promotionApproval reads the request of a canary revision and when its
// rollback was first answered; bot.ErrNotFound when there is none.
func (d *DB) promotionApproval(ctx context.Context, tx *sql.Tx, key string) (bot.Approval, int64, error) {
	var id, rollbackAt int64
	err := tx.QueryRowContext(ctx, d.q(`SELECT approval_id, rollback_at FROM promotions WHERE canary_key = ?`), key).Scan(&id, &rollbackAt)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Approval{}, 0, fmt.Errorf("promotion %s: %w", key, bot.ErrNotFound)
	}
	if err != nil {
		return bot.Approval{}, 0, fmt.Errorf("read promotion %s: %w", key, err)
	}
	lock := ""
	if d.dialect.name == "postgres" {
		lock = " FOR UPDATE"
	}
	as, err := d.queryApprovals(ctx, tx, `SELECT `+approvalCols+` FROM approvals WHERE id = ?`+lock, id)
	if err != nil {
		return bot.Approval{}, 0, err
	}
	if len(as) == 0 {
		return bot.Approval{}, 0, fmt.Errorf("promotion %s: request %d: %w", key, id, bot.ErrNotFound)
	}
	return as[0], rollbackAt, nil
}

// PromotionRollback answers a rollback hook's call for a canary revision:
// true only when a person rejected its promotion request in Slack (asked
// for the rollback). The first such answer records it, audits it and
// replies in the request's thread; a revision without a request, or whose
// request waits, was approved or expired, answers false: mlbot never
// rolls back on its own, the engine's metric checks do.
func (d *DB) PromotionRollback(ctx context.Context, e bot.CanaryEvent) (bool, bot.Approval, error) {
	var yes bool
	var out bot.Approval
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		yes, out = false, bot.Approval{}
		key := e.Canary.Key()
		a, rollbackAt, err := d.promotionApproval(ctx, tx, key)
		if errors.Is(err, bot.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out = a
		if a.State != bot.ApprovalRejected {
			return nil
		}
		yes = true
		if rollbackAt != 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, d.q(`UPDATE promotions SET rollback_at = ? WHERE canary_key = ?`), ms(e.Now), key); err != nil {
			return fmt.Errorf("record rollback of %s: %w", key, err)
		}
		text := fmt.Sprintf(":leftwards_arrow_with_hook: %s rolls %s revision %s back, as %s asked.", e.Canary.Engine,
			e.Canary.Target(), e.Canary.Revision, mention(a.DecidedBy))
		if _, err := d.insertJob(ctx, tx, slackJob(a, bot.KindSlackReply, fmt.Sprintf("approval/%d/rollback-answered", a.ID), text, e.Now)); err != nil {
			return err
		}
		return d.insertAudit(ctx, tx, bot.AuditEntry{At: e.Now, Actor: "mlbot", Action: "promotion_rollback_answered",
			Subject: a.Model, Detail: fmt.Sprintf("request %d: told %s to roll %s revision %s back (phase %s)", a.ID,
				e.Canary.Engine, e.Canary.Target(), e.Canary.Revision, e.Phase)})
	})
	if err != nil {
		return false, bot.Approval{}, fmt.Errorf("promotion rollback: %w", err)
	}
	return yes, out, nil
}

// CanaryEvent records an engine's event about a canary revision once per
// revision, type and message (a repeat returns bot.ErrDuplicate) and
// queues its Slack message: a reply in the thread of the revision's
// promotion request when there is one, else a message in the channel for
// a Warning (a failed check, a rollback), else nothing. It reports
// whether a message was queued.
func (d *DB) CanaryEvent(ctx context.Context, e bot.CanaryEvent) (bool, error) {
	var queued bool
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		queued = false
		key := e.Canary.Key()
		sum := sha256.Sum256([]byte(e.Type + "\x00" + e.Message))
		delivery := key + "/" + hex.EncodeToString(sum[:12])
		res, err := tx.ExecContext(ctx, d.q(`INSERT INTO deliveries (source, key, received_at) VALUES (?, ?, ?)
			ON CONFLICT (source, key) DO NOTHING`), e.Canary.Engine+"-event", delivery, ms(e.Now))
		if err != nil {
			return fmt.Errorf("record event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return bot.ErrDuplicate
		}
		text := fmt.Sprintf("%s %s revision %s, %s: %s", eventMark(e.Type), e.Canary.Target(), e.Canary.Revision, e.Phase, e.Message)
		a, _, err := d.promotionApproval(ctx, tx, key)
		switch {
		case err == nil:
			queued, err = d.insertJob(ctx, tx, slackJob(a, bot.KindSlackReply, "event/"+delivery, text, e.Now))
			return err
		case !errors.Is(err, bot.ErrNotFound):
			return err
		case e.Type != "Warning":
			return nil
		}
		now := e.Now
		queued, err = d.insertJob(ctx, tx, bot.Job{Kind: bot.KindNotify, Rule: e.Canary.Engine, Model: e.Canary.Name,
			DedupKey: "event/" + delivery, State: bot.JobPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
			Task: bot.Task{Notify: &bot.NotifyTask{Text: text}}})
		return err
	})
	if err != nil && !errors.Is(err, bot.ErrDuplicate) {
		return false, fmt.Errorf("canary event: %w", err)
	}
	return queued, err
}

func eventMark(typ string) string {
	if typ == "Warning" {
		return ":warning:"
	}
	return ":information_source:"
}

// mention renders a Slack user ID as a mention.
func mention(user string) string {
	if user == "" {
		return "a person"
	}
	return "<@" + user + ">"
}
