package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DB keeps the bot's state over database/sql for one dialect; its methods
// satisfy the narrow interfaces the bot's packages declare. They return a
// wrapped driver error when the database fails, bot.ErrNotFound when a
// named row does not exist and bot.ErrLeaseLost when a job's claim was
// taken over.
type DB struct {
	db      *sql.DB
	dialect dialect
	group   *groupCommit
	pg      *pgIntake // PostgreSQL's batched intake (pgintake.go)
	hot     map[string]*sql.Stmt
	// stmts holds the other statements prepared on first use, by query.
	stmts sync.Map
}

type dialect struct {
	name string
	// skipLocked is appended to the job-claiming subquery.
	skipLocked string
	// migrationLock serialises concurrent migrations (PostgreSQL).
	migrationLock string
	// dueSetup runs in a claim's transaction before the claim of due
	// pending jobs and dueReset after it (PostgreSQL: see OpenPostgres).
	dueSetup, dueReset string
}

// Open opens the store of the config: driver "sqlite" or "postgres".
func Open(ctx context.Context, driver, dsn string) (*DB, error) {
	switch driver {
	case "sqlite":
		return OpenSQLite(ctx, dsn)
	case "postgres":
		return OpenPostgres(ctx, dsn)
	}
	return nil, fmt.Errorf("store driver %q: expected sqlite or postgres", driver)
}

// Ping checks the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", d.dialect.name, err)
	}
	return nil
}

// Close waits for alerts being saved, then closes the database.
func (d *DB) Close() error {
	d.stopGroupCommit()
	d.stopPGIntake()
	return d.db.Close()
}

// Driver names the dialect ("sqlite" or "postgres").
func (d *DB) Driver() string { return d.dialect.name }

// q rewrites ? placeholders to $1, $2… for PostgreSQL.
func (d *DB) q(query string) string {
	if d.dialect.name != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
