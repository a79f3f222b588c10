// Package store keeps the bot's state durable: alerts (deduplicated by
// group key, fingerprint and startsAt), the jobs of the outbox, cooldowns,
// pipelines, webhook deliveries, approvals and the audit log. DB works over
// database/sql with two dialects: SQLite (modernc.org/sqlite, WAL, one
// file) and PostgreSQL (pgx v5, several replicas claiming jobs with FOR
// UPDATE SKIP LOCKED). It holds no words or rules of its own: it stores
// package bot's types, calls bot.Decide inside the transaction that
// decides a rollback request, and satisfies the narrow interfaces the
// bot's packages declare. Times are kept as Unix milliseconds so both
// dialects behave the same.
package store
