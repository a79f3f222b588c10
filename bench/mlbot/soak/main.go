// Command soak runs two mlbot replicas on one PostgreSQL under mixed
// traffic for a while (Alertmanager notifications with repeats and
// resolves, GitLab pipeline hooks, signed Slack clicks and /mlops
// commands), kills one replica with SIGKILL every few minutes and
// restarts it, then waits for the outbox to drain and checks that every
// acknowledged alert has exactly one pipeline, every approved rollback
// exactly one play, and that the replica never killed kept its memory
// and open files flat. It exits 1 on a duplicate, a loss or growth
// beyond the tolerances, 2 when it cannot run. `make soak` runs it
// (bench/README.md).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"gitlab.com/mlgate/mlgate/internal/bot/store/pgtest"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab/gitlabtest"
)

// soak is one run.
type soak struct {
	replicas []*replica
	gl       *gitlabtest.Server
	slack    *slackStub
	db       *sql.DB
	http     *http.Client
	mode     string
	c        counters
	cmds     commandLog
	inflight flight
	// clicking is set while the clicker handles a request; evented is
	// how many pipelines and plays the hooks were sent for.
	clicking atomic.Bool
	evented  atomic.Int64
	// giveUp is when deliver stops retrying.
	giveUp time.Time
	start  time.Time
}

func (s *soak) logf(format string, args ...any) {
	fmt.Printf("[%6.1fs] %s\n", time.Since(s.start).Seconds(), fmt.Sprintf(format, args...))
}

func main() {
	os.Exit(run())
}

func run() int {
	duration := flag.Duration("duration", 30*time.Minute, "how long traffic runs (SOAK in make soak)")
	bin := flag.String("mlbot", "bin/mlbot", "the mlbot binary")
	rate := flag.Float64("rate", 10, "Alertmanager notifications a second")
	groups := flag.Int("groups", 20, "Alertmanager groups of drift alerts")
	killEvery := flag.Duration("kill-every", 150*time.Second, "mean time between two kills of replica b (±20%)")
	cmdEvery := flag.Duration("command-every", 5*time.Second, "time between two /mlops commands")
	mode := flag.String("rollback", "play", "slack.rollback.mode: play or pipeline")
	latency := flag.Duration("gitlab-latency", 20*time.Millisecond, "latency of each call to the GitLab stand-in")
	rssGrowth := flag.Float64("rss-growth", 0.30, "tolerated growth of replica a's median RSS from the first to the last quarter of the run, as a fraction, plus 10 MiB")
	fdGrowth := flag.Int("fd-growth", 20, "tolerated growth of replica a's median count of open file descriptors from the first to the last quarter")
	keep := flag.Bool("keep", false, "keep the work directory (configs, replica logs)")
	flag.Parse()
	if *mode != "play" && *mode != "pipeline" {
		fmt.Fprintf(os.Stderr, "soak: -rollback %q, expected play or pipeline\n", *mode)
		return 2
	}
	if _, err := os.Stat(*bin); err != nil {
		fmt.Fprintf(os.Stderr, "soak: mlbot binary %s: %v (make build)\n", *bin, err)
		return 2
	}
	s := &soak{mode: *mode, start: time.Now(), http: &http.Client{Timeout: 15 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	dir, err := os.MkdirTemp("", "mlbot-soak-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 2
	}
	if *keep {
		defer fmt.Printf("work directory kept: %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	pg, err := pgtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak: PostgreSQL:", err)
		return 2
	}
	defer pg.Stop()
	dsn, err := newDatabase(pg.DSN, "mlbot_soak")
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 2
	}
	if s.db, err = sql.Open("pgx", dsn); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 2
	}
	defer s.db.Close()

	s.gl = gitlabtest.Start("ml%2Frec")
	defer s.gl.Stop()
	s.gl.Latency, s.gl.Named, s.gl.Redeploy = *latency, true, true
	s.gl.Deploy("production", "rollback")
	go func() {
		for range s.gl.Arrived {
		}
	}()
	s.slack = startSlack()
	defer s.slack.Close()

	cfg := filepath.Join(dir, "mlbot.yml")
	if err := os.WriteFile(cfg, []byte(config(dsn, s.gl.URL, s.slack.URL, *mode)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 2
	}
	for _, name := range []string{"a", "b"} {
		r, err := newReplica(name, *bin, cfg, dir)
		if err == nil {
			err = r.start()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			return 2
		}
		defer r.stop()
		s.replicas = append(s.replicas, r)
	}
	s.logf("PostgreSQL %s, replicas a %s (pid %d) and b %s (pid %d), rollback mode %s, %s of traffic",
		pgtest.BinDir, s.replicas[0].addr, s.replicas[0].pid(), s.replicas[1].addr, s.replicas[1].pid(), *mode, *duration)

	res := s.traffic(*duration, *rate, *groups, *killEvery, *cmdEvery)
	if *keep {
		for _, r := range s.replicas {
			fmt.Printf("log of replica %s: %s\n", r.name, r.logPath)
		}
	}
	return s.report(res, *rssGrowth, *fdGrowth)
}

// newDatabase creates database name on the server and returns its DSN.
func newDatabase(admin, name string) (string, error) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return replaceDB(admin, name), nil
}

// config is the replicas' mlbot.yml: PostgreSQL, the GitLab and Slack
// stand-ins, a retrain rule for drift, a rollback proposal for canaries.
// The lease is shorter than the shipped 5m so that a killed replica's
// jobs are taken over within the soak.
func config(dsn, gitlabURL, slackURL, mode string) string {
	return fmt.Sprintf(`listen: 127.0.0.1:0
server: {shutdown_timeout: 5s}
store: {driver: postgres, dsn: %q}
auth:
  alertmanager: {bearer_token: am-token}
  gitlab_token: gl-hook
worker: {poll_interval: 200ms, concurrency: 4, lease: 30s, action_timeout: 10s, backoff_min: 1s, backoff_max: 10s}
backends:
  gitlab: {url: "%s/api/v4", token: glpat-soak}
slack:
  bot_token: xoxb-soak
  signing_secret: soak-secret
  api_url: "%s/api/"
  channel: C_ROLL
  rollback: {mode: %s, job: rollback}
  models: {rec: {project: ml/rec, ref: production, cooldown: 0s}}
  roles:
    approve_rollback: {users: [U_APPROVER]}
    propose_rollback: {users: [U_OPS]}
    retrain: {users: [U_OPS]}
    view: {users: [U_OPS]}
rules:
  - name: drift
    matchers: ['alertname="FeatureDrift"']
    cooldown: 0s
    actions:
      - retrain:
          project: ml/rec
          ref: main
          variables: {N: "{{ .Labels.n }}", MODEL: "{{ .Labels.model }}", FEATURE: "{{ .Labels.feature }}"}
  - name: canary
    matchers: ['alertname="CanaryDegraded"']
    actions:
      - propose_rollback: {project: ml/rec, ref: production, version: "v{{ .Labels.n }}"}
`, dsn, gitlabURL, slackURL, mode)
}

// jitter returns d ± 20%.
func jitter(d time.Duration) time.Duration {
	return d*8/10 + rand.N(d*4/10+1)
}

// flight counts requests in flight.
type flight struct{ n atomic.Int64 }

func (f *flight) Add(n int64) { f.n.Add(n) }
func (f *flight) Done()       { f.n.Add(-1) }

// Wait returns once no request is in flight.
func (f *flight) Wait() {
	for f.n.Load() > 0 {
		time.Sleep(50 * time.Millisecond)
	}
}

// settled reports whether every request was clicked and every pipeline's
// hooks sent, with nothing in flight.
func (s *soak) settled() bool {
	return len(s.slack.approvals) == 0 && !s.clicking.Load() && s.inflight.n.Load() == 0 &&
		s.evented.Load() == int64(len(s.gl.Created())+len(s.gl.Plays()))
}
