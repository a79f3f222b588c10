package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

const jobCols = `id, kind, alert_id, rule, model, dedup_key, task, state, attempts, next_attempt_at,
	locked_until, lease, last_error, result, created_at, updated_at`

func (d *DB) insertJob(ctx context.Context, tx *sql.Tx, j bot.Job) (bool, error) {
	task, err := json.Marshal(j.Task)
	if err != nil {
		return false, fmt.Errorf("encode job task: %w", err)
	}
	return d.insertJobTask(ctx, tx, j, string(task))
}

// insertJobTask stores j with its task already encoded; false means a job
// with its dedup key exists.
func (d *DB) insertJobTask(ctx context.Context, tx *sql.Tx, j bot.Job, task string) (bool, error) {
	res, err := inTx(ctx, tx, d.hot[qInsertJob]).ExecContext(ctx,
		j.Kind, j.AlertID, j.Rule, j.Model, j.DedupKey, task, string(j.State),
		ms(j.NextAttemptAt), j.LastError, ms(j.CreatedAt), ms(j.UpdatedAt))
	if err != nil {
		return false, fmt.Errorf("insert job %s: %w", j.DedupKey, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ClaimJobs leases up to c.N jobs: first running ones whose lease ended
// (their worker died; skipped when c.DueOnly), then pending ones that are
// due, oldest first. Each part is one statement on its own index. On
// PostgreSQL concurrent claimers skip each other's rows (FOR UPDATE SKIP
// LOCKED); SQLite has one writer. Each claim counts as an attempt.
func (d *DB) ClaimJobs(ctx context.Context, c bot.Claim) ([]bot.Job, error) {
	if len(c.Kinds) == 0 || c.N <= 0 {
		return nil, nil
	}
	jobs, _, err := d.FinishJobs(ctx, nil, c)
	return jobs, err
}

// FinishJob records a job's outcome if f.Lease still holds it, with the
// pipeline and audit entry, in one transaction.
func (d *DB) FinishJob(ctx context.Context, f bot.Finish) error {
	_, errs, err := d.FinishJobs(ctx, []bot.Finish{f}, bot.Claim{})
	if err != nil {
		return err
	}
	return errs[0]
}

// FinishJobs records the outcomes fs, each with its pipeline and audit
// entry if its lease still holds the job, then claims up to next.N jobs
// (see ClaimJobs), all in one write: a worker records the jobs that ended
// and refills their slots with one turn of the writer instead of one
// each. errs[i] is fs[i]'s own failure (bot.ErrLeaseLost: the job was
// taken over, nothing of fs[i] was stored); err means nothing was stored.
func (d *DB) FinishJobs(ctx context.Context, fs []bot.Finish, next bot.Claim) (jobs []bot.Job, errs []error, err error) {
	var st claimStmts
	if len(next.Kinds) > 0 && next.N > 0 {
		if st, err = d.claimStmts(ctx, len(next.Kinds), next.N, next.DueOnly); err != nil {
			return nil, nil, fmt.Errorf("claim jobs: %w", err)
		}
	}
	if st.due == nil && len(fs) == 0 {
		return nil, nil, nil
	}
	var fst finishStmts
	if len(fs) > 0 {
		if fst, err = d.finishStmts(ctx); err != nil {
			return nil, nil, fmt.Errorf("finish jobs: %w", err)
		}
	}
	err = d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// A batch that failed runs again: results are assigned afresh.
		jobs, errs = nil, make([]error, len(fs))
		for i, f := range fs {
			ok, err := d.finishJob(ctx, tx, fst, f)
			if err != nil {
				return err
			}
			if !ok {
				errs[i] = fmt.Errorf("finish job %d: %w", f.ID, bot.ErrLeaseLost)
			}
		}
		if st.due == nil {
			return nil
		}
		var err error
		jobs, err = d.claim(ctx, tx, st, next)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		return nil
	})
	if err != nil {
		if len(fs) == 0 {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("finish %d job(s): %w", len(fs), err)
	}
	return jobs, errs, nil
}

// finishStmts are the statements recording a job's outcome: the job's
// update, its pipeline's insert and the look-up of the pipeline's early
// status (see recordPipeline).
type finishStmts struct{ upd, ins, early *sql.Stmt }

// finishStmts returns the statements recording outcomes, prepared once per
// store.
func (d *DB) finishStmts(ctx context.Context) (st finishStmts, err error) {
	if st.upd, err = d.prepared(ctx, qFinishJob); err != nil {
		return st, err
	}
	if st.ins, err = d.prepared(ctx, qInsertPipeline); err != nil {
		return st, err
	}
	st.early, err = d.prepared(ctx, qEarlyStatus)
	return st, err
}

// finishJob records f; false means f.Lease no longer holds the job.
func (d *DB) finishJob(ctx context.Context, tx *sql.Tx, st finishStmts, f bot.Finish) (bool, error) {
	res, err := inTx(ctx, tx, st.upd).ExecContext(ctx, string(f.State), f.Result, f.Error, ms(f.NextAttemptAt),
		ms(f.Now), f.ID, f.Lease, string(bot.JobRunning))
	if err != nil {
		return false, fmt.Errorf("finish job %d: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if p := f.Pipeline; p != nil {
		if err := d.recordPipeline(ctx, tx, st, *p, f.Now); err != nil {
			return false, err
		}
	}
	if f.Audit != nil {
		if err := d.insertAudit(ctx, tx, *f.Audit); err != nil {
			return false, err
		}
	}
	return true, nil
}

const (
	qFinishJob = `UPDATE jobs SET state = ?, result = ?, last_error = ?, next_attempt_at = ?,
		locked_until = 0, lease = '', updated_at = ? WHERE id = ? AND lease = ? AND state = ?`
	qInsertPipeline = `INSERT INTO pipelines (job_id, alert_id, backend, project, external_id, ref,
		web_url, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (backend, external_id) DO NOTHING`
	qEarlyStatus = `SELECT status FROM early_statuses WHERE backend = ? AND external_id = ?`
)

// claimStmts are a claim's statements: expired (nil when the claim is
// due-only) takes running jobs whose lease ended, due pending jobs; on
// SQLite they only choose the jobs, and lease leases each (see
// claimQuery).
type claimStmts struct{ expired, due, lease *sql.Stmt }

// claimStmts returns the statements claiming up to n jobs of a number of
// kinds, prepared once per store for each n (at most a worker's slots).
func (d *DB) claimStmts(ctx context.Context, kinds, n int, dueOnly bool) (claimStmts, error) {
	var st claimStmts
	var err error
	if st.due, err = d.prepared(ctx, claimQuery(d.dialect, "next_attempt_at", kinds, n)); err != nil {
		return st, err
	}
	if !dueOnly {
		if st.expired, err = d.prepared(ctx, claimQuery(d.dialect, "locked_until", kinds, n)); err != nil {
			return st, err
		}
	}
	if d.dialect.name == "sqlite" {
		st.lease, err = d.prepared(ctx, qLeaseJob)
	}
	return st, err
}

// qLeaseJob leases one job chosen by a claim on SQLite.
const qLeaseJob = `UPDATE jobs SET state = ?, attempts = attempts + 1, locked_until = ?, lease = ?, updated_at = ? WHERE id = ?`

// claimQuery chooses up to n of the oldest jobs of a state by timeCol.
//
// On PostgreSQL it also leases them: the jobs to take are chosen in a
// subquery, skipping those other claimers have locked, and joined by id.
// On SQLite it is a plain SELECT and each job chosen is leased by
// qLeaseJob in the same transaction: the claim runs in a write, which
// holds the one writer, so nobody takes the jobs in between; the one
// statement form cost SQLite two temporary tables a claim (the IN list
// and the RETURNING rows), more than the claim's work.
//
// The limit is written in the query, not bound: SQLite plans a LIMIT with
// the value bound to it and re-prepares the statement whenever another
// value is bound (that was half the cost of a claim, on the writer), and
// a worker claims as many jobs as slots are free, a different number from
// one claim to the next.
func claimQuery(dia dialect, timeCol string, kinds, n int) string {
	choose := `SELECT %s FROM jobs WHERE state = ? AND ` + timeCol + ` <= ? AND kind IN (?` + strings.Repeat(", ?", kinds-1) + `)
		ORDER BY ` + timeCol + `, id LIMIT ` + strconv.Itoa(n)
	if dia.name == "sqlite" {
		return fmt.Sprintf(choose, jobCols)
	}
	return `UPDATE jobs SET state = ?, attempts = attempts + 1, locked_until = ?, lease = ?, updated_at = ?
		WHERE id IN (` + fmt.Sprintf(choose, "id") + dia.skipLocked + `) RETURNING ` + jobCols
}

// claim runs a claim's statements in tx.
func (d *DB) claim(ctx context.Context, tx *sql.Tx, st claimStmts, c bot.Claim) ([]bot.Job, error) {
	now := ms(c.Now)
	lockedUntil := now + c.Lease.Milliseconds()
	// run runs st, or query when st is nil.
	run := func(st *sql.Stmt, query string, state bot.JobState) ([]bot.Job, error) {
		args := make([]any, 0, 6+len(c.Kinds))
		if d.dialect.name != "sqlite" {
			args = append(args, string(bot.JobRunning), lockedUntil, c.Token, now)
		}
		args = append(args, string(state), now)
		for _, k := range c.Kinds {
			args = append(args, k)
		}
		var rows *sql.Rows
		var err error
		if st != nil {
			rows, err = inTx(ctx, tx, st).QueryContext(ctx, args...)
		} else {
			rows, err = tx.QueryContext(ctx, d.q(query), args...)
		}
		if err != nil {
			return nil, err
		}
		return scanJobs(rows)
	}
	lease := func(jobs []bot.Job, err error) ([]bot.Job, error) {
		if err != nil || d.dialect.name != "sqlite" {
			return jobs, err
		}
		for i := range jobs {
			j := &jobs[i]
			if _, err := inTx(ctx, tx, st.lease).ExecContext(ctx, string(bot.JobRunning), lockedUntil, c.Token, now, j.ID); err != nil {
				return nil, fmt.Errorf("lease job %d: %w", j.ID, err)
			}
			// The row as the lease left it (what RETURNING gives).
			j.State, j.Attempts, j.Lease = bot.JobRunning, j.Attempts+1, c.Token
			j.LockedUntil, j.UpdatedAt = fromMS(lockedUntil), fromMS(now)
		}
		return jobs, nil
	}
	var jobs []bot.Job
	if st.expired != nil {
		var err error
		if jobs, err = lease(run(st.expired, "", bot.JobRunning)); err != nil || len(jobs) == c.N {
			return jobs, err
		}
	}
	// The due claim fills the slots left. When expired leases took some
	// (rare: a worker died holding jobs) its limit is another one, and
	// its statement is parsed here: a statement cannot be prepared for
	// the store during a write (on SQLite the write holds the one
	// connection).
	due, dueQuery := st.due, ""
	if len(jobs) > 0 {
		due, dueQuery = nil, claimQuery(d.dialect, "next_attempt_at", len(c.Kinds), c.N-len(jobs))
	}
	// PostgreSQL: the due-jobs claim walks jobs_ready in order instead of
	// sorting every pending job when a burst has left statistics stale.
	if d.dialect.dueSetup != "" {
		if _, err := tx.ExecContext(ctx, d.dialect.dueSetup); err != nil {
			return jobs, err
		}
	}
	more, err := lease(run(due, dueQuery, bot.JobPending))
	jobs = append(jobs, more...)
	if err == nil && d.dialect.dueReset != "" {
		_, err = tx.ExecContext(ctx, d.dialect.dueReset)
	}
	return jobs, err
}

// RetryJob sends a failed, dead or skipped job back to pending now.
func (d *DB) RetryJob(ctx context.Context, id int64, actor string, now time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, d.q(`SELECT state FROM jobs WHERE id = ?`), id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("job %d: %w", id, bot.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read job %d: %w", id, err)
		}
		switch bot.JobState(state) {
		case bot.JobFailed, bot.JobDead, bot.JobSkipped:
		default:
			return fmt.Errorf("job %d is %s: only failed, dead or skipped jobs are retried", id, state)
		}
		_, err = tx.ExecContext(ctx, d.q(`UPDATE jobs SET state = ?, attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?`),
			string(bot.JobPending), ms(now), ms(now), id)
		if err != nil {
			return fmt.Errorf("retry job %d: %w", id, err)
		}
		return d.insertAudit(ctx, tx, bot.AuditEntry{At: now, Actor: actor, Action: "retry",
			Subject: fmt.Sprintf("job %d", id), Detail: "was " + state, JobID: id})
	})
}

// ListJobs returns jobs, newest first.
func (d *DB) ListJobs(ctx context.Context, f bot.JobFilter) ([]bot.Job, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	query := `SELECT ` + jobCols + ` FROM jobs`
	var args []any
	if f.State != "" {
		query += ` WHERE state = ?`
		args = append(args, string(f.State))
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return scanJobs(rows)
}

// CountJobs returns the number of jobs in each state.
func (d *DB) CountJobs(ctx context.Context) (map[bot.JobState]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := map[bot.JobState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		out[bot.JobState(s)] = n
	}
	return out, rows.Err()
}

func unmarshalTask(s string, t *bot.Task) error {
	if err := json.Unmarshal([]byte(s), t); err != nil {
		return fmt.Errorf("decode job task: %w", err)
	}
	return nil
}

func scanJobs(rows *sql.Rows) ([]bot.Job, error) {
	defer rows.Close()
	var out []bot.Job
	for rows.Next() {
		var j bot.Job
		var task, state string
		var next, locked, created, updated int64
		if err := rows.Scan(&j.ID, &j.Kind, &j.AlertID, &j.Rule, &j.Model, &j.DedupKey, &task, &state, &j.Attempts,
			&next, &locked, &j.Lease, &j.LastError, &j.Result, &created, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(task), &j.Task); err != nil {
			return nil, fmt.Errorf("job %d task: %w", j.ID, err)
		}
		j.State = bot.JobState(state)
		j.NextAttemptAt, j.LockedUntil, j.CreatedAt, j.UpdatedAt = fromMS(next), fromMS(locked), fromMS(created), fromMS(updated)
		out = append(out, j)
	}
	return out, rows.Err()
}
