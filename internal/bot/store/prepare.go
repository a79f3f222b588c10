package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The statements of the intake's hot path, prepared once per store:
// parsing SQL was a fifth of the cost of storing an alert.
const (
	qInsertAlert = `INSERT INTO alerts (group_key, fingerprint, starts_at, status, receiver, alertname,
		labels, annotations, ends_at, generator_url, received_at, resolved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_key, fingerprint, starts_at) DO NOTHING RETURNING id`
	// qInsertAlertSQLite is qInsertAlert without RETURNING: SQLite
	// gathers RETURNING rows in a temporary table; the new id is the
	// connection's last insert rowid instead (the writer is one
	// connection).
	qInsertAlertSQLite = `INSERT INTO alerts (group_key, fingerprint, starts_at, status, receiver, alertname,
		labels, annotations, ends_at, generator_url, received_at, resolved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_key, fingerprint, starts_at) DO NOTHING`
	qInsertJob = `INSERT INTO jobs (kind, alert_id, rule, model, dedup_key, task, state,
		next_attempt_at, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedup_key) DO NOTHING`
	qInsertAudit = `INSERT INTO audit (at, actor, action, subject, detail, alert_id, job_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
)

func (d *DB) prepare(ctx context.Context) error {
	d.hot = map[string]*sql.Stmt{}
	hot := []string{qInsertAlert, qInsertJob, qInsertAudit}
	if d.dialect.name == "sqlite" {
		hot = append(hot, qInsertAlertSQLite)
	}
	for _, q := range hot {
		st, err := d.db.PrepareContext(ctx, d.q(q))
		if err != nil {
			return fmt.Errorf("prepare %.40s: %w", q, err)
		}
		d.hot[q] = st
	}
	return nil
}

// prepared returns query (with ? placeholders) prepared once per store;
// bind it to a transaction with tx.StmtContext. The worker's claims and
// finishes share the writer with the intake, so they must not parse their
// SQL every time either. Call it outside a write: on SQLite preparing
// needs the one connection, which a write holds.
func (d *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := d.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := d.db.PrepareContext(ctx, d.q(query))
	if err != nil {
		return nil, fmt.Errorf("prepare %.40s: %w", query, err)
	}
	if prev, loaded := d.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// txStmts holds a transaction's copies of the store's prepared
// statements (see inTx).
type txStmts struct {
	tx *sql.Tx
	m  map[*sql.Stmt]*sql.Stmt
}

type txStmtsKey struct{}

// withTxStmts returns ctx carrying a cache of tx's statements for inTx: a
// batch runs each of its statements once per write it holds, and binding
// one to the transaction (tx.StmtContext) allocates a statement that the
// commit closes again, hundreds of times a batch.
func withTxStmts(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, txStmtsKey{}, &txStmts{tx: tx, m: map[*sql.Stmt]*sql.Stmt{}})
}

// inTx returns st bound to tx: the copy already bound when ctx carries
// tx's cache (withTxStmts), else a new one. The cache is used by one
// goroutine at a time: a transaction's statements run one after another.
func inTx(ctx context.Context, tx *sql.Tx, st *sql.Stmt) *sql.Stmt {
	c, ok := ctx.Value(txStmtsKey{}).(*txStmts)
	if !ok || c.tx != tx {
		return tx.StmtContext(ctx, st)
	}
	s, ok := c.m[st]
	if !ok {
		s = tx.StmtContext(ctx, st)
		c.m[st] = s
	}
	return s
}
