package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// OpenSQLite opens (creating) the SQLite file at path in WAL mode with a
// busy timeout, and migrates it. synchronous=FULL makes every committed
// alert survive a power loss, not only a crash of mlbot.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty path")
	}
	dsn := "file:" + path
	if strings.HasPrefix(path, "file:") {
		dsn = path
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	v := url.Values{}
	// wal_autocheckpoint: a checkpoint (copying the WAL into the database
	// and an fsync of it) runs inside a commit, stalling every writer
	// waiting on it; at 16,000 pages (64 MiB of WAL at most) instead of
	// 1,000 it runs a sixteenth as often and writes each hot page once.
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(FULL)", "foreign_keys(ON)",
		"wal_autocheckpoint(16000)"} {
		v.Add("_pragma", p)
	}
	v.Set("_txlock", "immediate")
	sdb, err := sql.Open("sqlite", dsn+sep+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One writer at a time is SQLite's model; a single connection makes
	// the queue explicit instead of spinning on SQLITE_BUSY.
	sdb.SetMaxOpenConns(1)
	d := &DB{db: sdb, dialect: dialect{name: "sqlite"}}
	if err := d.Ping(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := d.Migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	if err := d.prepare(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	d.startGroupCommit()
	return d, nil
}
