// Package outbox runs the jobs mlbot stored when it accepted an alert:
// it claims them with a lease, calls the retraining backend, and records
// the outcome, retrying 5xx, timeouts and network errors with exponential
// backoff and jitter, failing 4xx at once, and declaring a job dead after
// max_attempts. A crashed worker's jobs come back when their lease ends.
package outbox
