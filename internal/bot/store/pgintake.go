package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// PostgreSQL's intake. SQLite has one writer, so every write shares its
// group commit (batch.go). PostgreSQL takes many writers at once and
// groups concurrent commits' WAL flushes itself; what costs is the round
// trips and statements per alert. So on PostgreSQL:
//   - the worker's claims and finishes, Slack decisions and the other
//     small writes share the group commit's transactions (batch.go), as
//     on SQLite, but no longer with the intake: a slow claim does not
//     hold up alerts;
//   - the alert intake is batched by pgIntakeLoops loops: each takes every
//     notification waiting (up to maxBatch) and stores all their alerts
//     with one multi-row INSERT … SELECT FROM unnest(…) for the alerts and
//     one for their jobs and audit entries, in one transaction: four round
//     trips a batch (begin, two statements, commit) whatever its size,
//     instead of three an alert. While one loop commits, the other
//     gathers; more loops made smaller batches, so more commits (WAL
//     flushes), and cost PostgreSQL more CPU per alert under the bench.
//
// The rules are saveAlert's: a new firing alert's plan is stored with it
// in the same transaction, a copy already stored is a duplicate or
// resolves it (seenAlert, one statement each, in arrival order after the
// new ones). When a batch fails, each of its notifications runs again in
// a transaction of its own, one alert after another (saveAlert), so that
// a bad one fails alone.
const pgIntakeLoops = 2

type pgIntake struct {
	mu     sync.RWMutex
	closed bool
	ops    chan *pgIntakeOp
	wg     sync.WaitGroup
}

type pgIntakeOp struct {
	alerts []preparedAlert
	in     bot.Intake
	res    chan error
}

func (d *DB) startPGIntake() {
	p := &pgIntake{ops: make(chan *pgIntakeOp, maxBatch)}
	d.pg = p
	for range pgIntakeLoops {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			d.pgIntakeLoop()
		}()
	}
}

// stopPGIntake waits for the notifications queued to be stored.
func (d *DB) stopPGIntake() {
	p := d.pg
	if p == nil {
		return
	}
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.ops)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// pgSaveAlerts queues prepared for a batch and waits for its commit.
// When ctx ends first the alerts may still be stored.
func (d *DB) pgSaveAlerts(ctx context.Context, prepared []preparedAlert) (bot.Intake, error) {
	op := &pgIntakeOp{alerts: prepared, res: make(chan error, 1)}
	if len(prepared) > aloneAlerts {
		// A large notification takes a connection of its own and leaves
		// the batches to everybody else.
		d.runPGIntake(ctx, []*pgIntakeOp{op})
		return op.in, <-op.res
	}
	p := d.pg
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return bot.Intake{}, ErrClosed
	}
	select {
	case p.ops <- op:
	case <-ctx.Done():
		p.mu.RUnlock()
		return bot.Intake{}, ctx.Err()
	}
	p.mu.RUnlock()
	select {
	case err := <-op.res:
		return op.in, err
	case <-ctx.Done():
		return bot.Intake{}, ctx.Err()
	}
}

func (d *DB) pgIntakeLoop() {
	for first := range d.pg.ops {
		batch := []*pgIntakeOp{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-d.pg.ops:
				if !ok {
					break gather
				}
				batch = append(batch, op)
			default:
				break gather
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		d.runPGIntake(ctx, batch)
		cancel()
	}
}

// runPGIntake stores batch and answers each of its notifications: in one
// transaction, or when that fails (or loses a deadlock too often), each
// in a transaction of its own.
func (d *DB) runPGIntake(ctx context.Context, batch []*pgIntakeOp) {
	var err error
	for attempt := 1; attempt <= maxWriteAttempts; attempt++ {
		err = d.tx(ctx, func(tx *sql.Tx) error { return d.bulkSaveAlerts(ctx, tx, batch) })
		if err == nil || !retryable(err) {
			break
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
	if err == nil {
		for _, op := range batch {
			op.res <- nil
		}
		return
	}
	for _, op := range batch {
		op.res <- d.writeAs(ctx, func(ctx context.Context, tx *sql.Tx) error {
			op.in = bot.Intake{}
			for _, p := range op.alerts {
				r, err := d.saveAlert(ctx, tx, p)
				if err != nil {
					return err
				}
				op.in = op.in.Add(r)
			}
			return nil
		}, true, true)
	}
}

// alertRef is batch[op].alerts[i].
type alertRef struct{ op, i int }

// alertKey is the alerts table's unique key.
type alertKey struct {
	groupKey, fingerprint string
	startsAt              int64
}

// The multi-row statements: each column is one array parameter.
const (
	qBulkAlerts = `INSERT INTO alerts (group_key, fingerprint, starts_at, status, receiver, alertname,
		labels, annotations, ends_at, generator_url, received_at, resolved_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
			$7::text[], $8::text[], $9::bigint[], $10::text[], $11::bigint[], $12::bigint[])
		ON CONFLICT (group_key, fingerprint, starts_at) DO NOTHING
		RETURNING id, group_key, fingerprint, starts_at`
	qBulkJobsAudit = `WITH audit_rows AS (
		INSERT INTO audit (at, actor, action, subject, detail, alert_id, job_id)
		SELECT * FROM unnest($12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[], $18::bigint[]))
		INSERT INTO jobs (kind, alert_id, rule, model, dedup_key, task, state, next_attempt_at, last_error, created_at, updated_at)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::bigint[], $9::text[], $10::bigint[], $11::bigint[])
		ON CONFLICT (dedup_key) DO NOTHING
		RETURNING dedup_key`
)

// bulkSaveAlerts stores the alerts of batch in tx and sets each op's
// intake; see pgIntake.
func (d *DB) bulkSaveAlerts(ctx context.Context, tx *sql.Tx, batch []*pgIntakeOp) error {
	var (
		first = map[alertKey]bool{}
		fresh []alertRef // the first copy of each key in the batch
		seen  []alertRef // later copies: duplicates or resolutions
		// alert columns
		gk, fp, status, recv, name, labels, ann, gen []string
		starts, ends, received, resolved             []int64
	)
	for o, op := range batch {
		op.in = bot.Intake{}
		for i, p := range op.alerts {
			a := p.alert
			k := alertKey{a.GroupKey, a.Fingerprint, ms(a.StartsAt)}
			if first[k] {
				seen = append(seen, alertRef{o, i})
				continue
			}
			first[k] = true
			fresh = append(fresh, alertRef{o, i})
			res := int64(0)
			if !a.Firing() {
				res = ms(a.ReceivedAt)
			}
			gk, fp, starts, status = append(gk, a.GroupKey), append(fp, a.Fingerprint), append(starts, k.startsAt), append(status, a.Status)
			recv, name, labels, ann = append(recv, a.Receiver), append(name, a.Name()), append(labels, p.labels), append(ann, p.ann)
			ends, gen, received, resolved = append(ends, ms(a.EndsAt)), append(gen, a.GeneratorURL), append(received, ms(a.ReceivedAt)), append(resolved, res)
		}
	}
	ids := make(map[alertKey]int64, len(fresh))
	rows, err := tx.QueryContext(ctx, qBulkAlerts, gk, fp, starts, status, recv, name, labels, ann, ends, gen, received, resolved)
	if err != nil {
		return fmt.Errorf("insert alerts: %w", err)
	}
	for rows.Next() {
		var k alertKey
		var id int64
		if err := rows.Scan(&id, &k.groupKey, &k.fingerprint, &k.startsAt); err != nil {
			rows.Close()
			return fmt.Errorf("insert alerts: %w", err)
		}
		ids[k] = id
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("insert alerts: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert alerts: %w", err)
	}

	// The plans of the alerts stored now: jobs and audit entries in one
	// statement, approvals (rare; each has its Slack job) one by one.
	var (
		jkind, jrule, jmodel, jkey, jtask, jstate, jerr []string
		jalert, jnext, jcreated, jupdated               []int64
		jowner                                          = map[string]int{} // dedup key -> op
		aat, aalert, ajob                               []int64
		aactor, aaction, asubject, adetail              []string
	)
	for _, r := range fresh {
		op := batch[r.op]
		p := op.alerts[r.i]
		a := p.alert
		id, ok := ids[alertKey{a.GroupKey, a.Fingerprint, ms(a.StartsAt)}]
		if !ok {
			seen = append(seen, r) // stored before this batch
			continue
		}
		op.in.New++
		if len(p.plan.Jobs) > 0 || len(p.plan.Approvals) > 0 {
			op.in.Matched++
		}
		for i, j := range p.plan.Jobs {
			key := strconv.FormatInt(id, 10) + "/" + j.DedupKey
			if _, dup := jowner[key]; !dup {
				jowner[key] = r.op
			}
			jkind, jalert, jrule, jmodel, jkey = append(jkind, j.Kind), append(jalert, id), append(jrule, j.Rule), append(jmodel, j.Model), append(jkey, key)
			jtask, jstate, jnext, jerr = append(jtask, p.tasks[i]), append(jstate, string(j.State)), append(jnext, ms(j.NextAttemptAt)), append(jerr, j.LastError)
			jcreated, jupdated = append(jcreated, ms(j.CreatedAt)), append(jupdated, ms(j.UpdatedAt))
		}
		for _, ap := range p.plan.Approvals {
			ap.AlertID = id
			if _, err := d.insertApproval(ctx, tx, ap); err != nil {
				return err
			}
		}
		for _, e := range p.plan.Audit {
			aat, aactor, aaction, asubject = append(aat, ms(e.At)), append(aactor, e.Actor), append(aaction, e.Action), append(asubject, e.Subject)
			adetail, aalert, ajob = append(adetail, e.Detail), append(aalert, id), append(ajob, e.JobID)
		}
	}
	if len(jkey) > 0 || len(aat) > 0 {
		rows, err := tx.QueryContext(ctx, qBulkJobsAudit, jkind, jalert, jrule, jmodel, jkey, jtask, jstate, jnext, jerr,
			jcreated, jupdated, aat, aactor, aaction, asubject, adetail, aalert, ajob)
		if err != nil {
			return fmt.Errorf("insert jobs: %w", err)
		}
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				rows.Close()
				return fmt.Errorf("insert jobs: %w", err)
			}
			batch[jowner[key]].in.Jobs++
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("insert jobs: %w", err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert jobs: %w", err)
		}
	}

	// Copies of alerts stored before, in arrival order.
	slices.SortFunc(seen, func(a, b alertRef) int { return cmp.Or(a.op-b.op, a.i-b.i) })
	for _, r := range seen {
		op := batch[r.op]
		in, err := d.seenAlert(ctx, tx, op.alerts[r.i].alert)
		if err != nil {
			return err
		}
		op.in = op.in.Add(in)
	}
	return nil
}
