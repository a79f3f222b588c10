// Package slack is mlbot's one adapter to Slack, through
// github.com/slack-go/slack. Its wire half verifies signed requests from
// Slack, parses block_actions interactions and slash commands, renders
// rollback proposals in Block Kit with Approve / Reject buttons, and calls
// chat.postMessage, chat.update and usergroups.users.list (cached). Its
// Bot joins that to the bot's store and worker: the job handlers that
// post, update and answer in Slack and start approved rollbacks, the role
// checks, the decisions on rollback requests (whose rule is bot.Decide),
// the /mlops commands and the expiry sweep. The HTTP routes are in
// internal/bot/intake.
package slack
