package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
			return nil
		}
		out = &ps[0]
		if err := d.rollbackOutcome(ctx, tx, *out, e.Now); err != nil {
			return err
		}
		return d.insertAudit(ctx, tx, bot.AuditEntry{At: e.Now, Actor: e.Source, Action: "pipeline_status",
			Subject: fmt.Sprintf("%s pipeline %d", e.Backend, e.ExternalID), Detail: e.Status,
			AlertID: out.AlertID, JobID: out.JobID})
	})
	if err != nil && !errors.Is(err, bot.ErrDuplicate) {
		return nil, fmt.Errorf("pipeline event: %w", err)
	}
	return out, err
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
