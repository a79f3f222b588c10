package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// ErrClosed means the store was closed.
var ErrClosed = errors.New("store closed")

// maxBatch bounds how many writes share one transaction.
const maxBatch = 512

// aloneAlerts is the size above which a notification's alerts are stored
// in a transaction of their own, in one piece: on SQLite the writes that
// wait meanwhile commit together right after it rather than wait for it
// inside it (and do not run twice when it fails); on PostgreSQL it takes a
// connection of its own and the shared transactions go on beside it. 500
// alerts take about as long to store as a full batch of small writes.
const aloneAlerts = 500

// groupCommit makes concurrent writes (alerts coming in, jobs being
// claimed and finished) share transactions: one goroutine takes every
// write that waited while the previous transaction committed (see
// gather), runs them one after another, and commits them together. A commit (an
// fsync) is the cost of durability; sharing it is what lets one SQLite
// file take thousands of alerts a second without giving up
// synchronous=FULL. A write that fails makes the batch run again with a
// savepoint around each write, so that it rolls back alone; every caller
// is answered only after the commit that holds its write.
type groupCommit struct {
	mu     sync.RWMutex
	closed bool
	ops    chan *writeOp
	done   chan struct{}
}

type writeOp struct {
	fn  func(ctx context.Context, tx *sql.Tx) error
	res chan error
	// intake marks an alert intake's write: its caller (a webhook
	// sender) usually writes again as soon as it is answered.
	intake bool
	// alone marks a large write (see aloneAlerts) that runs in a
	// transaction of its own.
	alone bool
}

func (d *DB) startGroupCommit() {
	d.group = &groupCommit{ops: make(chan *writeOp, maxBatch), done: make(chan struct{})}
	go d.commitLoop()
}

func (d *DB) stopGroupCommit() {
	g := d.group
	if g == nil {
		return
	}
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.ops)
	}
	g.mu.Unlock()
	<-g.done
}

// write runs fn in a shared transaction and returns fn's error, or the
// commit's. When ctx ends first the write may still commit.
func (d *DB) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return d.writeAs(ctx, fn, false, false)
}

// writeAs is write; intake marks the alert intake's writes (see gather),
// alone a large one that runs in a transaction of its own.
func (d *DB) writeAs(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error, intake, alone bool) error {
	for attempt := 1; ; attempt++ {
		var err error
		if alone && d.dialect.name == "postgres" {
			// PostgreSQL has no single writer: a large write takes a
			// connection of the pool and leaves the shared transactions
			// to everybody else.
			err = d.tx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
		} else {
			err = d.writeOnce(ctx, &writeOp{fn: fn, res: make(chan error, 1), intake: intake, alone: alone})
		}
		if err == nil || attempt == maxWriteAttempts || !retryable(err) {
			return err
		}
		// PostgreSQL chose this write as a deadlock's victim (two replicas'
		// batches lock rows in different orders) or could not serialize
		// it: its changes were rolled back, so it runs again in a later
		// batch. Every write function assigns its results afresh, so a
		// second run is safe (commitBatch relies on that too).
		wait := time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.Int64N(int64(5*time.Millisecond)))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// maxWriteAttempts bounds the runs of a write that keeps losing deadlocks.
const maxWriteAttempts = 5

// retryable reports whether err is PostgreSQL's deadlock_detected (40P01)
// or serialization_failure (40001): the write itself was sound and may run
// again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func (d *DB) writeOnce(ctx context.Context, op *writeOp) error {
	g := d.group
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrClosed
	}
	select {
	case g.ops <- op:
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	g.mu.RUnlock()
	select {
	case err := <-op.res:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (d *DB) commitLoop() {
	defer close(d.group.done)
	var last batchStats
	var held *writeOp // a large write that gather kept for a batch of its own
	for open := true; open || held != nil; {
		first := held
		if first == nil {
			if first, open = <-d.group.ops; !open {
				return
			}
		}
		var batch []*writeOp
		batch, held, open = d.gather(first, last, open)
		t := time.Now()
		queued := d.commitBatch(batch)
		last = batchStats{size: len(batch), took: time.Since(t), queued: queued}
		for _, op := range batch {
			if op.intake {
				last.intake++
			}
		}
	}
}

// commitBatch runs and commits batch, then answers its writers; it
// returns how many writes were waiting just before they were answered.
func (d *DB) commitBatch(batch []*writeOp) (queued int) {
	ctx, cancel := d.batchContext()
	defer cancel()
	errs, err := d.runBatch(ctx, batch, false)
	if errors.Is(err, errWriteFailed) {
		// One write failed (a lost lease, a missing row, a deadlock): its
		// changes cannot be told apart from the others', so the whole
		// transaction was rolled back and every write runs again, each in
		// its own savepoint.
		errs, err = d.runBatch(ctx, batch, true)
	}
	queued = len(d.group.ops)
	for i, op := range batch {
		if err != nil {
			op.res <- err
			continue
		}
		op.res <- errs[i]
	}
	return queued
}

// batchContext returns the context a batch runs in. On PostgreSQL it
// ends after 30 s: a statement can wait on another session's lock, and a
// batch must not hold its writers forever. On SQLite it never ends: the
// store is a local file on one connection whose lock waits end after the
// busy timeout, and a context that can end costs every statement a
// goroutine watching it (the driver's interrupt on cancel) on the one
// writer, a tenth of a queued alert's write.
func (d *DB) batchContext() (context.Context, context.CancelFunc) {
	if d.dialect.name == "sqlite" {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// errWriteFailed stops a batch run without savepoints at its first failed
// write.
var errWriteFailed = errors.New("a write in the batch failed")

// runBatch runs the writes of a batch in one transaction and commits it.
// Without savepoints (the common case: two statements fewer per write) the
// first failed write rolls everything back and returns errWriteFailed;
// with them, a failed write rolls back alone and its error is returned in
// errs. err is set when the transaction itself failed.
func (d *DB) runBatch(ctx context.Context, batch []*writeOp, savepoints bool) (errs []error, err error) {
	errs = make([]error, len(batch))
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	ctx = withTxStmts(ctx, tx)
	savepoints = savepoints && len(batch) > 1
	exec := func(stmt string) error {
		_, err := tx.ExecContext(ctx, stmt)
		return err
	}
	for i, op := range batch {
		if !savepoints {
			if errs[i] = op.fn(ctx, tx); errs[i] != nil {
				tx.Rollback()
				if len(batch) == 1 {
					return errs, nil
				}
				return nil, errWriteFailed
			}
			continue
		}
		if err := exec("SAVEPOINT w"); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("savepoint: %w", err)
		}
		if errs[i] = op.fn(ctx, tx); errs[i] != nil {
			if err := exec("ROLLBACK TO SAVEPOINT w"); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("rollback to savepoint: %w", err)
			}
		}
		if err := exec("RELEASE SAVEPOINT w"); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("release savepoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return errs, nil
}

// SaveAlerts stores alerts and what they ask for; see saveAlert for the
// rules. Encoding and planning happen here, in the caller's goroutine; the
// shared transaction only runs the statements. It returns once the
// transaction holding them committed.
func (d *DB) SaveAlerts(ctx context.Context, alerts []bot.Alert, plan bot.PlanFunc) (bot.Intake, error) {
	prepared := make([]preparedAlert, len(alerts))
	for i, a := range alerts {
		p, err := prepareAlert(a, plan)
		if err != nil {
			return bot.Intake{}, fmt.Errorf("save alerts: %w", err)
		}
		prepared[i] = p
	}
	if d.pg != nil {
		in, err := d.pgSaveAlerts(ctx, prepared)
		if err != nil {
			return bot.Intake{}, fmt.Errorf("save alerts: %w", err)
		}
		return in, nil
	}
	var in bot.Intake
	err := d.writeAs(ctx, func(ctx context.Context, tx *sql.Tx) error {
		in = bot.Intake{}
		for _, p := range prepared {
			r, err := d.saveAlert(ctx, tx, p)
			if err != nil {
				return err
			}
			in = in.Add(r)
		}
		return nil
	}, true, len(alerts) > aloneAlerts)
	if err != nil {
		return bot.Intake{}, fmt.Errorf("save alerts: %w", err)
	}
	return in, nil
}
