// Package slack is mlbot's adapter to Slack, through
// github.com/slack-go/slack: it verifies signed requests from Slack,
// parses block_actions interactions and slash commands, renders rollback
// proposals in Block Kit with Approve / Reject buttons, and calls
// chat.postMessage, chat.update and usergroups.users.list (cached).
package slack
