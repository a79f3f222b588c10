package store

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// OpenPostgres connects to PostgreSQL at dsn (postgres://…) with pgx and
// migrates the schema; concurrent replicas migrate one at a time.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	pdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pdb.SetMaxOpenConns(16)
	// database/sql keeps 2 idle connections by default: with the intake's
	// loops and the worker's transactions using more at once, each
	// connection given back beyond 2 was closed and the next one opened
	// anew, and PostgreSQL forked a backend for it: under the bench's
	// load forking and warming backends was most of PostgreSQL's CPU.
	pdb.SetMaxIdleConns(16)
	d := &DB{db: pdb, dialect: dialect{
		name:          "postgres",
		skipLocked:    " FOR UPDATE SKIP LOCKED",
		migrationLock: "SELECT pg_advisory_xact_lock(7254012)",
		// A claim of due jobs wants the few oldest: jobs_ready walked in
		// order, stopping at the limit. When a burst has grown the jobs
		// table faster than autovacuum re-analyses it (a fresh table
		// takes thousands of jobs a second), the planner believes it
		// holds a handful of rows and picks a bitmap scan that reads and
		// sorts every pending job: 30-150 ms a claim at 15,000 pending,
		// under the row locks. Without sorts the ordered index scan is
		// the only cheap plan whatever the statistics say. Only for that
		// statement: the claim of expired leases before it sorts the few
		// running jobs (no index is ordered by locked_until), and the
		// writes sharing the transaction after it may sort too.
		dueSetup: "SET LOCAL enable_sort = off",
		dueReset: "SET LOCAL enable_sort = on",
	}}
	if err := d.Ping(ctx); err != nil {
		pdb.Close()
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		pdb.Close()
		return nil, err
	}
	if err := d.prepare(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	// The worker's claims and finishes, Slack decisions and the other
	// small writes share the group commit's transactions; the alert
	// intake has its own loops (pgintake.go).
	d.startGroupCommit()
	d.startPGIntake()
	return d, nil
}
