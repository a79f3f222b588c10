// Package bot holds the domain of the mlbot webhook bot: alerts as
// Alertmanager delivers them, rules that match them by labels, the actions
// a rule asks for (retrain, notify, propose_rollback), the jobs of the
// outbox that carry those actions out, approvals and the rule that decides
// them (Decide), cooldowns, the audit log and the strict mlbot.yml
// configuration.
//
// Its Worker runs the jobs stored when an alert was accepted: it claims
// them with a lease, calls the retraining backend or the handler of the
// job's kind, and records the outcome, retrying 5xx, timeouts and network
// errors with exponential backoff and jitter, failing 4xx at once, and
// declaring a job dead after max_attempts. A crashed worker's jobs come
// back when their lease ends.
//
// It knows no outside system: it declares the narrow interfaces it needs
// (JobStore, Retrainer, Notifier, Handler) and the store (bot/store), the
// HTTP intake (bot/intake), Slack (bot/slack) and the retraining backends
// (forge/gitlab, forge/github, bot/webhook) adapt to it.
package bot
