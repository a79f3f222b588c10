// Package store keeps mlbot's state durable: alerts (deduplicated by group
// key, fingerprint and startsAt), the jobs of the outbox, cooldowns,
// pipelines, webhook deliveries, approvals and the audit log. One Store
// interface has two implementations over database/sql: SQLite
// (modernc.org/sqlite, WAL, one file) and PostgreSQL (pgx v5, several
// replicas claiming jobs with FOR UPDATE SKIP LOCKED). Times are kept as
// Unix milliseconds so both behave the same.
package store
