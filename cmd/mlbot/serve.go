package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/intake"
	"gitlab.com/mlgate/mlgate/internal/bot/slack"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/bot/webhook"
	"gitlab.com/mlgate/mlgate/internal/forge/github"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab"
)

// logDelay is how long a log line may wait to be written with others.
const logDelay = 100 * time.Millisecond

// serve runs the HTTP server and the outbox worker until ctx ends; then
// requests in flight finish, and after them the jobs in flight.
func (m *Main) serve(ctx context.Context) error {
	cfg, st, err := m.open(ctx)
	if err != nil {
		return err
	}
	tuneGC(os.Getenv)
	lw := newLogWriter(m.Stderr, logDelay)
	defer lw.Flush()
	log := slog.New(flushHandler{slog.NewJSONHandler(lw, nil), lw}).With("service", "mlbot")
	retrainers, err := backends(cfg)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv := intake.New(cfg, st, log, reg)
	w := &bot.Worker{Store: st, Retrainers: retrainers, Config: cfg.Worker, Log: log, Observer: srv.Instrumentation}
	srv.Wake = w.Wake
	sb, err := slackBot(cfg, st, w, log)
	if err != nil {
		return err
	}
	if sb != nil {
		srv.Slack = sb
	}
	if cfg.Auth.PromotionToken != "" {
		srv.Promotions = st
	}

	addr := cfg.Listen
	if v := os.Getenv("MLBOT_LISTEN"); v != "" {
		addr = v
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	log.Info("mlbot listening", "addr", l.Addr().String(), "store", cfg.Store.Driver, "rules", len(cfg.Rules), "version", version)
	if m.Listening != nil {
		m.Listening <- l.Addr().String()
	}
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	wdone := make(chan struct{})
	go func() { w.Run(wctx); close(wdone) }()
	if sb != nil {
		go sb.Sweep(wctx, sweepInterval)
	}
	err = srv.Serve(ctx, l, srv.Handler(reg))
	stopWorker()
	<-wdone
	log.Info("mlbot stopped")
	return err
}

// backends builds the retraining backends the config names. Their clients
// do not retry: the outbox retries with backoff, durably.
func backends(cfg *bot.Config) (map[string]bot.Retrainer, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = cfg.Worker.Concurrency // keep one connection per worker slot alive
	hc := &http.Client{Timeout: cfg.Worker.ActionTimeout, Transport: tr}
	out := map[string]bot.Retrainer{}
	if g := cfg.Backends.GitLab; g != nil {
		c, err := gitlab.New(g.URL, gitlab.Token{Value: g.Token, Kind: gitlab.PrivateToken, Source: "backends.gitlab.token"},
			gitlab.Options{HTTPClient: hc, RetryMax: -1})
		if err != nil {
			return nil, err
		}
		pl := gitlab.NewPipelines(c, g.TriggerToken)
		// Finding an earlier attempt's pipeline lists pipelines, which a
		// trigger token alone may not.
		pl.NoLookup = g.Token == ""
		out["gitlab"] = pl
	}
	if g := cfg.Backends.GitHub; g != nil {
		w, err := github.NewWorkflows(g.URL, g.Token, hc)
		if err != nil {
			return nil, err
		}
		out["github"] = w
	}
	for name, h := range cfg.Backends.HTTP {
		out[name] = &webhook.Backend{Name: name, Method: h.Method, Headers: h.Headers, Client: hc}
	}
	return out, nil
}

// The store satisfies what each of the bot's packages declares it needs.
var (
	_ intake.Store = (*store.DB)(nil)
	_ bot.JobStore = (*store.DB)(nil)
	_ slack.Store  = (*store.DB)(nil)

	_ intake.Promotions = (*store.DB)(nil)

	_ intake.SlackBot = (*slack.Bot)(nil)
)
