// Package slackbot joins mlbot's store, outbox and Slack: the outbox
// handlers that post, update and answer in Slack and start approved
// rollbacks, the role checks, the decisions on rollback requests, the
// /mlops commands and the expiry sweep. The HTTP routes are in
// internal/server.
package slackbot
