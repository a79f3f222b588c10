package main

import (
	"log/slog"
	"net/http"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/slack"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab"
)

// sweepInterval is how often expired rollback requests are looked for.
const sweepInterval = 15 * time.Second

// slackBot builds the Slack side when the config has a slack section and
// hands the worker its job kinds; nil otherwise.
func slackBot(cfg *bot.Config, st *store.DB, w *bot.Worker, log *slog.Logger) (*slack.Bot, error) {
	if cfg.Slack == nil {
		return nil, nil
	}
	hc := &http.Client{Timeout: cfg.Worker.ActionTimeout}
	g := cfg.Backends.GitLab
	gc, err := gitlab.New(g.URL, gitlab.Token{Value: g.Token, Kind: gitlab.PrivateToken, Source: "backends.gitlab.token"},
		gitlab.Options{HTTPClient: hc, RetryMax: -1})
	if err != nil {
		return nil, err
	}
	b := &slack.Bot{Config: cfg.Slack, Store: st, Slack: slack.New(cfg.Slack, hc), Rollbacks: gitlab.NewRollbacks(gc),
		Log: log, Wake: w.Wake}
	w.Handlers = b.Handlers()
	w.Notifier = b
	return b, nil
}
