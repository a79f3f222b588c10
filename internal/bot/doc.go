// Package mlbot holds the words of the mlbot webhook bot: alerts as
// Alertmanager delivers them, rules that match them by labels, the actions a
// rule asks for (retrain, notify, propose_rollback), the jobs of the outbox
// that carry those actions out, approvals and the audit log, and the strict
// mlbot.yml configuration. It knows no outside system: the store, the HTTP
// server and the retraining backends adapt to it.
package bot
