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
	d := &DB{db: pdb, dialect: dialect{
		name:          "postgres",
		skipLocked:    " FOR UPDATE SKIP LOCKED",
		migrationLock: "SELECT pg_advisory_xact_lock(7254012)",
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
	d.startGroupCommit()
	return d, nil
}
