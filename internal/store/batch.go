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

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

// ErrClosed means the store was closed.
var ErrClosed = errors.New("store closed")

// maxBatch bounds how many writes share one transaction.
const maxBatch = 512

// groupCommit makes concurrent writes (alerts coming in, jobs being
// claimed and finished) share transactions: one goroutine takes every
// write that waited while the previous transaction committed, runs each
// inside its own savepoint, and commits them together. A commit (an
// fsync) is the cost of durability; sharing it is what lets one SQLite
// file take thousands of alerts a second without giving up
// synchronous=FULL. A write that fails rolls back to its savepoint alone;
// every caller is answered only after the commit that holds its write.
type groupCommit struct {
	mu     sync.RWMutex
	closed bool
	ops    chan *writeOp
	done   chan struct{}
}

type writeOp struct {
	fn  func(ctx context.Context, tx *sql.Tx) error
	res chan error
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
	for attempt := 1; ; attempt++ {
		err := d.writeOnce(ctx, fn)
		if err == nil || attempt == maxWriteAttempts || !retryable(err) {
			return err
		}
		// PostgreSQL chose this write as a deadlock's victim (two replicas'
		// batches lock rows in different orders) or could not serialize
		// it: its savepoint was rolled back, so it runs again in a later
		// batch. Every write function assigns its results afresh, so a
		// second run is safe.
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

func (d *DB) writeOnce(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	g := d.group
	op := &writeOp{fn: fn, res: make(chan error, 1)}
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
	for first := range d.group.ops {
		batch := []*writeOp{first}
	more:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-d.group.ops:
				if !ok {
					break more
				}
				batch = append(batch, op)
			default:
				break more
			}
		}
		d.commitBatch(batch)
	}
}

func (d *DB) commitBatch(batch []*writeOp) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := make([]error, len(batch))
	fail := func(err error) {
		for _, op := range batch {
			op.res <- err
		}
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	if len(batch) == 1 {
		if err := batch[0].fn(ctx, tx); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
	} else {
		for i, op := range batch {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
				tx.Rollback()
				fail(fmt.Errorf("savepoint: %w", err))
				return
			}
			if errs[i] = op.fn(ctx, tx); errs[i] != nil {
				if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
					tx.Rollback()
					fail(fmt.Errorf("rollback to savepoint: %w", err))
					return
				}
			}
			if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
				tx.Rollback()
				fail(fmt.Errorf("release savepoint: %w", err))
				return
			}
		}
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	for i, op := range batch {
		op.res <- errs[i]
	}
}

// SaveAlerts stores alerts and what they ask for; see saveAlert for the
// rules. It returns once the transaction holding them committed.
func (d *DB) SaveAlerts(ctx context.Context, alerts []mlbot.Alert, plan PlanFunc) (Intake, error) {
	var in Intake
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		in = Intake{}
		for _, a := range alerts {
			r, err := d.saveAlert(ctx, tx, a, plan)
			if err != nil {
				return err
			}
			in = in.Add(r)
		}
		return nil
	})
	if err != nil {
		return Intake{}, fmt.Errorf("save alerts: %w", err)
	}
	return in, nil
}
