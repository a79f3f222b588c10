package store

import (
	"context"
	"database/sql"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

func (d *DB) insertAudit(ctx context.Context, tx *sql.Tx, e bot.AuditEntry) error {
	st := d.hot[qInsertAudit]
	if tx != nil {
		st = inTx(ctx, tx, st)
	}
	_, err := st.ExecContext(ctx, ms(e.At), e.Actor, e.Action, e.Subject, e.Detail, e.AlertID, e.JobID)
	if err != nil {
		return fmt.Errorf("insert audit entry: %w", err)
	}
	return nil
}

// AddAudit appends an entry to the audit log.
func (d *DB) AddAudit(ctx context.Context, e bot.AuditEntry) error {
	return d.insertAudit(ctx, nil, e)
}

// ListAudit returns the newest entries first.
func (d *DB) ListAudit(ctx context.Context, limit int) ([]bot.AuditEntry, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT id, at, actor, action, subject, detail, alert_id, job_id
		FROM audit ORDER BY id DESC LIMIT ?`), limitOr(limit))
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []bot.AuditEntry
	for rows.Next() {
		var e bot.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.AlertID, &e.JobID); err != nil {
			return nil, fmt.Errorf("scan audit: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
