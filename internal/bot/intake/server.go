package intake

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/slack"
)

// Store is what the HTTP handlers need of the store.
type Store interface {
	Ping(ctx context.Context) error
	SaveAlerts(ctx context.Context, alerts []bot.Alert, plan bot.PlanFunc) (bot.Intake, error)
	PipelineEvent(ctx context.Context, e bot.PipelineEvent) (*bot.Pipeline, error)
	CountJobs(ctx context.Context) (map[bot.JobState]int, error)
}

// SlackBot is the Slack side of the bot as the intake reaches it, once a
// request's signature is verified and its form parsed (slack.Bot).
type SlackBot interface {
	// Click decides an Approve or Reject press and queues its answer; it
	// returns the error that kept it from being decided.
	Click(ctx context.Context, c slack.Click) error
	// Command runs a /mlops command and returns the ephemeral answer, or
	// the error that kept it from running.
	Command(ctx context.Context, c slack.Command) (string, error)
	// Respond queues an answer through response_url, once per key; it
	// returns the store's error.
	Respond(ctx context.Context, responseURL, key, text string) error
}

// Server serves mlbot's endpoints.
type Server struct {
	Config *bot.Config
	Store  Store
	Log    *slog.Logger
	// Wake is called after jobs were stored (the worker's Wake); may be nil.
	Wake            func()
	Instrumentation *Instrumentation
	Now             func() time.Time
	// Slack serves /v1/slack/*; nil when the config has no slack section.
	Slack SlackBot
	// Promotions serves the promotion gates (/v1/flagger/*, /v1/argo/gate)
	// when auth.promotion_token is set; nil answers them 404.
	Promotions Promotions
	// SlackCommandWait replaces the 2 s a command may take before it is
	// answered through response_url (tests).
	SlackCommandWait time.Duration
}

// New returns a server with its metrics registered on reg.
func New(cfg *bot.Config, st Store, log *slog.Logger, reg prometheus.Registerer) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{Config: cfg, Store: st, Log: log, Now: time.Now}
	s.Instrumentation = NewInstrumentation(reg, st)
	return s
}

// Handler returns the routes.
func (s *Server) Handler(gatherer prometheus.Gatherer) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		s.Log.Error("panic in handler", "path", c.FullPath(), "panic", err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}), s.accessLog)
	r.POST("/v1/alertmanager", s.alertmanager)
	r.POST("/v1/gitlab/events", s.gitlabEvents)
	r.POST("/v1/github/events", s.githubEvents)
	r.POST("/v1/slack/interactions", s.slackInteractions)
	r.POST("/v1/slack/commands", s.slackCommands)
	s.promotionRoutes(r)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	return r
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Log.Error("readiness: store unreachable", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "store unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// loggedKey marks a request whose handler logged it already.
const loggedKey = "mlbot.logged"

// accessLog logs every request its handler did not log itself.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	if _, done := c.Get(loggedKey); done || c.Request.URL.Path == "/metrics" || c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" {
		return
	}
	s.Log.Info("request", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(),
		"duration_ms", float64(time.Since(start).Microseconds())/1000, "remote", c.ClientIP())
}

// Serve listens on l until ctx ends, then stops accepting and lets
// requests in flight finish within the shutdown timeout.
func (s *Server) Serve(ctx context.Context, l net.Listener, h http.Handler) error {
	sc := s.Config.Server
	hs := &http.Server{Handler: h, ReadTimeout: sc.ReadTimeout, ReadHeaderTimeout: sc.ReadTimeout,
		WriteTimeout: sc.WriteTimeout, IdleTimeout: sc.IdleTimeout,
		ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), sc.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
