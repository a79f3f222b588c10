package store

import (
	"context"
	"database/sql"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

func (d *DB) insertApproval(ctx context.Context, tx *sql.Tx, a mlbot.Approval) error {
	_, err := tx.ExecContext(ctx, d.q(`INSERT INTO approvals (alert_id, rule, model, project, ref, version, state,
		proposed_by, decided_by, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		a.AlertID, a.Rule, a.Model, a.Project, a.Ref, a.Version, string(a.State), a.ProposedBy, a.DecidedBy,
		ms(a.ExpiresAt), ms(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert approval: %w", err)
	}
	return nil
}

// ListApprovals returns the newest rollback proposals first.
func (d *DB) ListApprovals(ctx context.Context, limit int) ([]mlbot.Approval, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT id, alert_id, rule, model, project, ref, version, state,
		proposed_by, decided_by, expires_at, created_at FROM approvals ORDER BY id DESC LIMIT ?`), limitOr(limit))
	if err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	defer rows.Close()
	var out []mlbot.Approval
	for rows.Next() {
		var a mlbot.Approval
		var state string
		var exp, created int64
		if err := rows.Scan(&a.ID, &a.AlertID, &a.Rule, &a.Model, &a.Project, &a.Ref, &a.Version, &state,
			&a.ProposedBy, &a.DecidedBy, &exp, &created); err != nil {
			return nil, fmt.Errorf("scan approval: %w", err)
		}
		a.State, a.ExpiresAt, a.CreatedAt = mlbot.ApprovalState(state), fromMS(exp), fromMS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}
