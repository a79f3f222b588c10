package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// preparedAlert is an alert ready to store: its labels and annotations
// encoded, its plan rendered and the plan's tasks encoded.
type preparedAlert struct {
	alert       bot.Alert
	labels, ann string
	plan        bot.Plan
	tasks       []string // JSON of plan.Jobs[i].Task
}

func prepareAlert(a bot.Alert, plan bot.PlanFunc) (preparedAlert, error) {
	if a.ReceivedAt.IsZero() {
		a.ReceivedAt = time.Now()
	}
	// The same alert on both stores: PostgreSQL's text refuses NUL.
	a.ScrubNUL()
	labels, _ := json.Marshal(a.Labels)
	ann, _ := json.Marshal(a.Annotations)
	p := preparedAlert{alert: a, labels: string(labels), ann: string(ann)}
	if !a.Firing() || plan == nil {
		return p, nil
	}
	a.ID = 0
	p.plan = plan(a)
	for _, j := range p.plan.Jobs {
		task, err := json.Marshal(j.Task)
		if err != nil {
			return p, fmt.Errorf("encode job task: %w", err)
		}
		p.tasks = append(p.tasks, string(task))
	}
	return p, nil
}

// saveAlert stores one alert. An alert already stored (same group key,
// fingerprint and startsAt) is a duplicate, unless it now arrives
// resolved: then it resolves the stored firing. Only a newly stored firing
// alert's plan is stored, so Alertmanager's repeats and an HA pair's
// second copy never queue a second job.
func (d *DB) saveAlert(ctx context.Context, tx *sql.Tx, p preparedAlert) (bot.Intake, error) {
	a := p.alert
	resolvedAt := int64(0)
	if !a.Firing() {
		resolvedAt = ms(a.ReceivedAt)
	}
	args := []any{a.GroupKey, a.Fingerprint, ms(a.StartsAt), a.Status, a.Receiver, a.Name(),
		p.labels, p.ann, ms(a.EndsAt), a.GeneratorURL, ms(a.ReceivedAt), resolvedAt}
	var err error
	if st := d.hot[qInsertAlertSQLite]; st != nil {
		var res sql.Result
		if res, err = inTx(ctx, tx, st).ExecContext(ctx, args...); err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = sql.ErrNoRows
			} else {
				a.ID, err = res.LastInsertId()
			}
		}
	} else {
		err = inTx(ctx, tx, d.hot[qInsertAlert]).QueryRowContext(ctx, args...).Scan(&a.ID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return d.seenAlert(ctx, tx, a)
	}
	if err != nil {
		return bot.Intake{}, fmt.Errorf("insert alert %s: %w", a.Fingerprint, err)
	}
	in := bot.Intake{New: 1}
	if len(p.plan.Jobs) > 0 || len(p.plan.Approvals) > 0 {
		in.Matched = 1
	}
	for i, j := range p.plan.Jobs {
		j.AlertID = a.ID
		j.DedupKey = strconv.FormatInt(a.ID, 10) + "/" + j.DedupKey
		ok, err := d.insertJobTask(ctx, tx, j, p.tasks[i])
		if err != nil {
			return bot.Intake{}, err
		}
		if ok {
			in.Jobs++
		}
	}
	for _, ap := range p.plan.Approvals {
		ap.AlertID = a.ID
		if _, err := d.insertApproval(ctx, tx, ap); err != nil {
			return bot.Intake{}, err
		}
	}
	for _, e := range p.plan.Audit {
		e.AlertID = a.ID
		if err := d.insertAudit(ctx, tx, e); err != nil {
			return bot.Intake{}, err
		}
	}
	return in, nil
}

// seenAlert handles an alert already stored: a resolved copy of a stored
// firing alert resolves it; anything else is a duplicate.
func (d *DB) seenAlert(ctx context.Context, tx *sql.Tx, a bot.Alert) (bot.Intake, error) {
	if a.Firing() {
		return bot.Intake{Duplicate: 1}, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, d.q(`UPDATE alerts SET status = ?, ends_at = ?, resolved_at = ?
		WHERE group_key = ? AND fingerprint = ? AND starts_at = ? AND status = ? RETURNING id`),
		bot.StatusResolved, ms(a.EndsAt), ms(a.ReceivedAt), a.GroupKey, a.Fingerprint, ms(a.StartsAt), bot.StatusFiring).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Intake{Duplicate: 1}, nil
	}
	if err != nil {
		return bot.Intake{}, fmt.Errorf("resolve alert %s: %w", a.Fingerprint, err)
	}
	e := bot.AuditEntry{At: a.ReceivedAt, Actor: "alertmanager", Action: "resolved", Subject: a.Name(),
		Detail: "alert " + a.Fingerprint + " resolved", AlertID: id}
	if err := d.insertAudit(ctx, tx, e); err != nil {
		return bot.Intake{}, err
	}
	return bot.Intake{Resolved: 1}, nil
}

// GetAlert returns the stored alert with id.
func (d *DB) GetAlert(ctx context.Context, id int64) (bot.Alert, error) {
	var a bot.Alert
	var labels, ann string
	var starts, ends, recv int64
	err := d.db.QueryRowContext(ctx, d.q(`SELECT id, group_key, fingerprint, starts_at, status, receiver, labels, annotations,
		ends_at, generator_url, received_at FROM alerts WHERE id = ?`), id).
		Scan(&a.ID, &a.GroupKey, &a.Fingerprint, &starts, &a.Status, &a.Receiver, &labels, &ann, &ends, &a.GeneratorURL, &recv)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("alert %d: %w", id, bot.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("get alert %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
		return a, fmt.Errorf("alert %d labels: %w", id, err)
	}
	if err := json.Unmarshal([]byte(ann), &a.Annotations); err != nil {
		return a, fmt.Errorf("alert %d annotations: %w", id, err)
	}
	a.StartsAt, a.EndsAt, a.ReceivedAt = fromMS(starts), fromMS(ends), fromMS(recv)
	return a, nil
}
