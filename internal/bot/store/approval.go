package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

const approvalCols = `id, alert_id, rule, model, project, ref, version, state, proposed_by, decided_by, expires_at,
	created_at, reason, needed, approvers, decided_at, channel, ts, pipeline_url, kind, rollback_job`

// insertApproval stores a proposal and the slack_post job that announces
// it (it waits in the outbox while no Slack adapter is configured).
func (d *DB) insertApproval(ctx context.Context, tx *sql.Tx, a bot.Approval) (int64, error) {
	if a.Needed < 1 {
		a.Needed = 1
	}
	if a.Kind == "" {
		a.Kind = bot.ApprovalRollback
	}
	var id int64
	err := tx.QueryRowContext(ctx, d.q(`INSERT INTO approvals (alert_id, rule, model, project, ref, version, state,
		proposed_by, decided_by, expires_at, created_at, reason, needed, approvers, decided_at, channel, ts, pipeline_url, kind)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.AlertID, a.Rule, a.Model, a.Project, a.Ref, a.Version, string(a.State), a.ProposedBy, a.DecidedBy,
		ms(a.ExpiresAt), ms(a.CreatedAt), a.Reason, a.Needed, strings.Join(a.Approvers, ","), ms(a.DecidedAt),
		a.Channel, a.TS, a.PipelineURL, a.Kind).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert approval: %w", err)
	}
	a.ID = id
	_, err = d.insertJob(ctx, tx, slackJob(a, bot.KindSlackPost, fmt.Sprintf("approval/%d/post", id), "", a.CreatedAt))
	return id, err
}

// slackJob is a Slack job about approval a.
func slackJob(a bot.Approval, kind, key, text string, now time.Time) bot.Job {
	return bot.Job{Kind: kind, AlertID: a.AlertID, Rule: a.Rule, Model: a.Model, DedupKey: key,
		State: bot.JobPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
		Task: bot.Task{Slack: &bot.SlackTask{ApprovalID: a.ID, Text: text}}}
}

// ProposeRollback stores a proposal made by a person (/mlops rollback),
// its slack_post job and an audit entry, and returns it with its ID.
func (d *DB) ProposeRollback(ctx context.Context, a bot.Approval) (bot.Approval, error) {
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		id, err := d.insertApproval(ctx, tx, a)
		if err != nil {
			return err
		}
		a.ID = id
		return d.insertAudit(ctx, tx, bot.AuditEntry{At: a.CreatedAt, Actor: a.ProposedBy, Action: "propose_rollback",
			Subject: a.Model, Detail: fmt.Sprintf("request %d: roll %s@%s back to %q: %s", id, a.Project, a.Ref, a.Version, a.Reason),
			AlertID: a.AlertID})
	})
	if err != nil {
		return bot.Approval{}, fmt.Errorf("propose rollback: %w", err)
	}
	return a, nil
}

// GetApproval returns one proposal.
func (d *DB) GetApproval(ctx context.Context, id int64) (bot.Approval, error) {
	as, err := d.queryApprovals(ctx, d.db, `SELECT `+approvalCols+` FROM approvals WHERE id = ?`, id)
	if err != nil {
		return bot.Approval{}, err
	}
	if len(as) == 0 {
		return bot.Approval{}, fmt.Errorf("approval %d: %w", id, bot.ErrNotFound)
	}
	return as[0], nil
}

// ListApprovals returns the newest rollback proposals first.
func (d *DB) ListApprovals(ctx context.Context, limit int) ([]bot.Approval, error) {
	return d.queryApprovals(ctx, d.db, `SELECT `+approvalCols+` FROM approvals ORDER BY id DESC LIMIT ?`, limitOr(limit))
}

// SetApprovalMessage records where a proposal's Slack message is.
func (d *DB) SetApprovalMessage(ctx context.Context, id int64, channel, ts string) error {
	return d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, d.q(`UPDATE approvals SET channel = ?, ts = ? WHERE id = ?`), channel, ts, id)
		if err != nil {
			return fmt.Errorf("set message of approval %d: %w", id, err)
		}
		return nil
	})
}

// ChooseRollbackJob records jobID as the GitLab job approval id's
// rollback plays, unless an earlier attempt recorded one; it returns the
// job recorded, so an attempt that lost the race plays (or adopts) the
// other attempt's job instead of its own choice. When another approval of
// the same project recorded jobID (two rollbacks approved at about the
// same time found the same manual job), nothing is recorded and the error
// is a *forge.JobTaken naming that approval: a job is played once.
func (d *DB) ChooseRollbackJob(ctx context.Context, id, jobID int64) (int64, error) {
	var chosen int64
	var taken *forge.JobTaken
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		chosen, taken = 0, nil
		if d.dialect.name == "postgres" {
			// Two replicas' transactions would each miss the other's
			// choice; SQLite has one writer.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7254014, ($1::bigint % 2147483647)::int)`, jobID); err != nil {
				return fmt.Errorf("lock rollback job %d: %w", jobID, err)
			}
		}
		var project string
		err := tx.QueryRowContext(ctx, d.q(`SELECT project, rollback_job FROM approvals WHERE id = ?`), id).Scan(&project, &chosen)
		if err == sql.ErrNoRows {
			return fmt.Errorf("approval %d: %w", id, bot.ErrNotFound)
		}
		if err != nil || chosen != 0 {
			return err
		}
		t := forge.JobTaken{Job: jobID}
		err = tx.QueryRowContext(ctx, d.q(`SELECT id, model, version FROM approvals
			WHERE project = ? AND rollback_job = ? AND id <> ? ORDER BY id LIMIT 1`), project, jobID, id).
			Scan(&t.Approval, &t.Model, &t.Version)
		if err == nil {
			taken = &t
			return nil
		}
		if err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, d.q(`UPDATE approvals SET rollback_job = ? WHERE id = ?`), jobID, id); err != nil {
			return fmt.Errorf("record rollback job of approval %d: %w", id, err)
		}
		chosen = jobID
		return nil
	})
	if err != nil {
		return 0, err
	}
	if taken != nil {
		return 0, taken
	}
	return chosen, nil
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *DB) queryApprovals(ctx context.Context, q queryer, query string, args ...any) ([]bot.Approval, error) {
	rows, err := q.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	defer rows.Close()
	var out []bot.Approval
	for rows.Next() {
		var a bot.Approval
		var state, approvers string
		var exp, created, decided int64
		if err := rows.Scan(&a.ID, &a.AlertID, &a.Rule, &a.Model, &a.Project, &a.Ref, &a.Version, &state,
			&a.ProposedBy, &a.DecidedBy, &exp, &created, &a.Reason, &a.Needed, &approvers, &decided,
			&a.Channel, &a.TS, &a.PipelineURL, &a.Kind, &a.RollbackJob); err != nil {
			return nil, fmt.Errorf("scan approval: %w", err)
		}
		a.State, a.ExpiresAt, a.CreatedAt, a.DecidedAt = bot.ApprovalState(state), fromMS(exp), fromMS(created), fromMS(decided)
		if approvers != "" {
			a.Approvers = strings.Split(approvers, ",")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	return out, nil
}
