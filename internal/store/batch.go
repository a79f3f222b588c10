package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

// ErrClosed means the store was closed.
var ErrClosed = errors.New("store closed")

// maxBatch bounds how many SaveAlerts calls share one transaction.
const maxBatch = 512

// groupCommit makes concurrent SaveAlerts calls share transactions: one
// goroutine takes every call waiting while the previous transaction
// committed, stores them all in one transaction and answers each with its
// own counts. A commit (an fsync) is the cost of durability; sharing it
// is what lets a single SQLite file take thousands of alerts a second
// without giving up synchronous=FULL. Every caller is answered only after
// the commit that holds its alerts.
type groupCommit struct {
	mu     sync.RWMutex
	closed bool
	reqs   chan *saveReq
	done   chan struct{}
}

type saveReq struct {
	alerts []mlbot.Alert
	plan   PlanFunc
	res    chan saveRes
}

type saveRes struct {
	in  Intake
	err error
}

func (d *DB) startGroupCommit() {
	d.group = &groupCommit{reqs: make(chan *saveReq, maxBatch), done: make(chan struct{})}
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
		close(g.reqs)
	}
	g.mu.Unlock()
	<-g.done
}

// SaveAlerts stores alerts and what they ask for; see saveAlert for the
// rules. It returns once the transaction holding them committed.
func (d *DB) SaveAlerts(ctx context.Context, alerts []mlbot.Alert, plan PlanFunc) (Intake, error) {
	g := d.group
	r := &saveReq{alerts: alerts, plan: plan, res: make(chan saveRes, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return Intake{}, fmt.Errorf("save alerts: %w", ErrClosed)
	}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		g.mu.RUnlock()
		return Intake{}, fmt.Errorf("save alerts: %w", ctx.Err())
	}
	g.mu.RUnlock()
	select {
	case res := <-r.res:
		return res.in, res.err
	case <-ctx.Done():
		// The alerts may still commit; a retry is then a duplicate.
		return Intake{}, fmt.Errorf("save alerts: %w", ctx.Err())
	}
}

func (d *DB) commitLoop() {
	defer close(d.group.done)
	for first := range d.group.reqs {
		batch := []*saveReq{first}
	more:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-d.group.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		d.commitBatch(batch)
	}
}

func (d *DB) commitBatch(batch []*saveReq) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	results := make([]Intake, len(batch))
	err := d.tx(ctx, func(tx *sql.Tx) error {
		for i, r := range batch {
			results[i] = Intake{}
			for _, a := range r.alerts {
				in, err := d.saveAlert(ctx, tx, a, r.plan)
				if err != nil {
					return err
				}
				results[i] = results[i].Add(in)
			}
		}
		return nil
	})
	if err != nil {
		err = fmt.Errorf("save alerts: %w", err)
	}
	for i, r := range batch {
		if err != nil {
			r.res <- saveRes{err: err}
			continue
		}
		r.res <- saveRes{in: results[i]}
	}
}
