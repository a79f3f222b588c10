package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

const pipelineCols = `id, job_id, alert_id, backend, project, external_id, ref, web_url, status, created_at, updated_at`

// PipelineEvent records a pipeline status webhook once per delivery key:
// a key seen before returns ErrDuplicate. It updates the pipeline mlbot
// started with that id and returns it (linked to its job and alert), or
// nil when the pipeline is not one of mlbot's.
func (d *DB) PipelineEvent(ctx context.Context, e bot.PipelineEvent) (*bot.Pipeline, error) {
	var out *bot.Pipeline
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if err := d.lockPipeline(ctx, tx, e.ExternalID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, d.q(`INSERT INTO deliveries (source, key, received_at) VALUES (?, ?, ?)
			ON CONFLICT (source, key) DO NOTHING`), e.Source, e.DeliveryKey, ms(e.Now))
		if err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return bot.ErrDuplicate
		}
		rows, err := tx.QueryContext(ctx, d.q(`UPDATE pipelines SET status = ?, updated_at = ?
			WHERE backend = ? AND external_id = ? RETURNING `+pipelineCols), e.Status, ms(e.Now), e.Backend, e.ExternalID)
		if err != nil {
			return fmt.Errorf("update pipeline %d: %w", e.ExternalID, err)
		}
		ps, err := scanPipelines(rows)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return d.keepEarlyStatus(ctx, tx, e)
		}
		out = &ps[0]
		return d.statusChanged(ctx, tx, *out, e.Source, e.Now)
	})
	if err != nil && !errors.Is(err, bot.ErrDuplicate) {
		return nil, fmt.Errorf("pipeline event: %w", err)
	}
	return out, err
}

// statusChanged queues a rollback's outcome reply and audits the new
// status of pipeline p.
func (d *DB) statusChanged(ctx context.Context, tx *sql.Tx, p bot.Pipeline, source string, now time.Time) error {
	if err := d.rollbackOutcome(ctx, tx, p, now); err != nil {
		return err
	}
	return d.insertAudit(ctx, tx, bot.AuditEntry{At: now, Actor: source, Action: "pipeline_status",
		Subject: fmt.Sprintf("%s pipeline %d", p.Backend, p.ExternalID), Detail: p.Status,
		AlertID: p.AlertID, JobID: p.JobID})
}

// lockPipeline serializes, on PostgreSQL, a pipeline's hook with the
// record of the pipeline: without it a hook could miss the pipeline being
// recorded (not committed yet) and keep its status as early while the
// record misses the early status (not committed yet either), and the
// status would be lost. It is the first statement of the hook's
// transaction, so the hook waits holding nothing. SQLite has one writer.
func (d *DB) lockPipeline(ctx context.Context, tx *sql.Tx, externalID int64) error {
	if d.dialect.name != "postgres" {
		return nil
	}
	// The two-key form keeps these locks apart from the migrations' lock.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7254013, ($1::bigint % 2147483647)::int)`, externalID); err != nil {
		return fmt.Errorf("lock pipeline %d: %w", externalID, err)
	}
	return nil
}

// earlyStatusTTL is how long a status hook of a pipeline mlbot has not
// recorded is kept for it.
const earlyStatusTTL = 24 * time.Hour

// keepEarlyStatus keeps the status hook of a pipeline not recorded (yet)
// for recordPipeline: the job that started it may be between GitLab's
// answer and its record (or killed there, until its retry adopts it). A
// final status is not replaced by a non-final one delivered later.
func (d *DB) keepEarlyStatus(ctx context.Context, tx *sql.Tx, e bot.PipelineEvent) error {
	_, err := tx.ExecContext(ctx, d.q(`INSERT INTO early_statuses (backend, external_id, status, received_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (backend, external_id) DO UPDATE SET status = excluded.status, received_at = excluded.received_at
		WHERE early_statuses.status NOT IN ('success', 'failed', 'canceled', 'skipped')`),
		e.Backend, e.ExternalID, e.Status, ms(e.Now))
	if err != nil {
		return fmt.Errorf("keep status of pipeline %d: %w", e.ExternalID, err)
	}
	if _, err := tx.ExecContext(ctx, d.q(`DELETE FROM early_statuses WHERE received_at < ?`), ms(e.Now.Add(-earlyStatusTTL))); err != nil {
		return fmt.Errorf("prune early statuses: %w", err)
	}
	return nil
}

// recordPipeline stores the pipeline a job started and applies a status
// hook that arrived before it.
func (d *DB) recordPipeline(ctx context.Context, tx *sql.Tx, st finishStmts, p bot.Pipeline, now time.Time) error {
	if err := d.lockPipeline(ctx, tx, p.ExternalID); err != nil {
		return err
	}
	res, err := inTx(ctx, tx, st.ins).ExecContext(ctx, p.JobID, p.AlertID, p.Backend, p.Project, p.ExternalID,
		p.Ref, p.WebURL, p.Status, ms(now), ms(now))
	if err != nil {
		return fmt.Errorf("insert pipeline of job %d: %w", p.JobID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil
	}
	var status string
	// A status that came first is rare: it is looked up, and deleted
	// only when there (SQLite's DELETE … RETURNING sets up a temporary
	// table for its rows even when there are none).
	err = inTx(ctx, tx, st.early).QueryRowContext(ctx, p.Backend, p.ExternalID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read early status of pipeline %d: %w", p.ExternalID, err)
	}
	if _, err := tx.ExecContext(ctx, d.q(`DELETE FROM early_statuses WHERE backend = ? AND external_id = ?`),
		p.Backend, p.ExternalID); err != nil {
		return fmt.Errorf("delete early status of pipeline %d: %w", p.ExternalID, err)
	}
	_, err = tx.ExecContext(ctx, d.q(`UPDATE pipelines SET status = ? WHERE backend = ? AND external_id = ?`),
		status, p.Backend, p.ExternalID)
	if err != nil {
		return fmt.Errorf("update pipeline %d: %w", p.ExternalID, err)
	}
	p.Status = status
	return d.statusChanged(ctx, tx, p, p.Backend, now)
}

// ListPipelines returns the newest pipelines first.
func (d *DB) ListPipelines(ctx context.Context, limit int) ([]bot.Pipeline, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT `+pipelineCols+` FROM pipelines ORDER BY id DESC LIMIT ?`), limitOr(limit))
	if err != nil {
		return nil, fmt.Errorf("list pipelines: %w", err)
	}
	return scanPipelines(rows)
}

func scanPipelines(rows *sql.Rows) ([]bot.Pipeline, error) {
	defer rows.Close()
	var out []bot.Pipeline
	for rows.Next() {
		var p bot.Pipeline
		var c, u int64
		if err := rows.Scan(&p.ID, &p.JobID, &p.AlertID, &p.Backend, &p.Project, &p.ExternalID, &p.Ref, &p.WebURL,
			&p.Status, &c, &u); err != nil {
			return nil, fmt.Errorf("scan pipeline: %w", err)
		}
		p.CreatedAt, p.UpdatedAt = fromMS(c), fromMS(u)
		out = append(out, p)
	}
	return out, rows.Err()
}

func limitOr(n int) int {
	if n <= 0 {
		return 100
	}
	return n
}
