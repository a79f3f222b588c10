package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// EnqueueJob stores one job (a person's /mlops retrain, a Slack answer)
// with its audit entry; it returns false when a job with the same dedup
// key exists already.
func (d *DB) EnqueueJob(ctx context.Context, j bot.Job, audit *bot.AuditEntry) (bool, error) {
	var ok bool
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if ok, err = d.insertJob(ctx, tx, j); err != nil || !ok || audit == nil {
			return err
		}
		return d.insertAudit(ctx, tx, *audit)
	})
	if err != nil {
		return false, fmt.Errorf("enqueue %s job: %w", j.Kind, err)
	}
	return ok, nil
}

// ListCooldowns returns the cooldowns still running at now.
func (d *DB) ListCooldowns(ctx context.Context, now time.Time) ([]bot.ActiveCooldown, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT model, job_id, until FROM cooldowns WHERE until > ? ORDER BY model`), ms(now))
	if err != nil {
		return nil, fmt.Errorf("list cooldowns: %w", err)
	}
	defer rows.Close()
	var out []bot.ActiveCooldown
	for rows.Next() {
		var c bot.ActiveCooldown
		var u int64
		if err := rows.Scan(&c.Model, &c.JobID, &u); err != nil {
			return nil, fmt.Errorf("list cooldowns: %w", err)
		}
		c.Until = fromMS(u)
		out = append(out, c)
	}
	return out, rows.Err()
}
