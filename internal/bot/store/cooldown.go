package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// TakeCooldown makes jobID the holder of model's cooldown until until,
// unless another job holds a cooldown that has not ended at now. It is one
// statement, so two replicas cannot both take it. A job that already holds
// it (a retry) takes it again.
func (d *DB) TakeCooldown(ctx context.Context, model string, jobID int64, until, now time.Time) (bot.Cooldown, error) {
	var holder int64
	err := d.db.QueryRowContext(ctx, d.q(`INSERT INTO cooldowns (model, job_id, until) VALUES (?, ?, ?)
		ON CONFLICT (model) DO UPDATE SET job_id = excluded.job_id, until = excluded.until
		WHERE cooldowns.until <= ? OR cooldowns.job_id = excluded.job_id
		RETURNING job_id`), model, jobID, ms(until), ms(now)).Scan(&holder)
	if err == nil {
		return bot.Cooldown{Taken: true, HolderJob: jobID, Until: until}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return bot.Cooldown{}, fmt.Errorf("take cooldown of %s: %w", model, err)
	}
	var u int64
	err = d.db.QueryRowContext(ctx, d.q(`SELECT job_id, until FROM cooldowns WHERE model = ?`), model).Scan(&holder, &u)
	if err != nil {
		return bot.Cooldown{}, fmt.Errorf("read cooldown of %s: %w", model, err)
	}
	return bot.Cooldown{HolderJob: holder, Until: fromMS(u)}, nil
}

// OverrideCooldown makes jobID the holder of model's cooldown until until
// whichever job holds it (a forced retraining).
func (d *DB) OverrideCooldown(ctx context.Context, model string, jobID int64, until time.Time) error {
	_, err := d.db.ExecContext(ctx, d.q(`INSERT INTO cooldowns (model, job_id, until) VALUES (?, ?, ?)
		ON CONFLICT (model) DO UPDATE SET job_id = excluded.job_id, until = excluded.until`), model, jobID, ms(until))
	if err != nil {
		return fmt.Errorf("override cooldown of %s: %w", model, err)
	}
	return nil
}

// ReleaseCooldown gives up jobID's cooldown of model (its retraining did
// not start), so the next alert may retrain.
func (d *DB) ReleaseCooldown(ctx context.Context, model string, jobID int64) error {
	_, err := d.db.ExecContext(ctx, d.q(`DELETE FROM cooldowns WHERE model = ? AND job_id = ?`), model, jobID)
	if err != nil {
		return fmt.Errorf("release cooldown of %s: %w", model, err)
	}
	return nil
}
