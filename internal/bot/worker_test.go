package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func mustStore(t *testing.T) *store.DB {
	t.Helper()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func queue(t *testing.T, s *store.DB, fp, model string, cooldown time.Duration) {
	t.Helper()
	a := bot.Alert{GroupKey: "g", Fingerprint: fp, Status: bot.StatusFiring, StartsAt: t0,
		Labels: map[string]string{"alertname": "Drift"}, ReceivedAt: t0}
	_, err := s.SaveAlerts(context.Background(), []bot.Alert{a}, func(a bot.Alert) bot.Plan {
		return bot.Plan{Jobs: []bot.Job{{Kind: bot.KindRetrain, Rule: "r", Model: model, State: bot.JobPending,
			DedupKey: fmt.Sprint(a.ID), NextAttemptAt: t0, CreatedAt: t0, UpdatedAt: t0,
			Task: bot.Task{Retrain: &forge.RetrainTask{Backend: "gitlab", Project: "g/p", Ref: "main", Cooldown: cooldown}}}}}
	})
	if err != nil {
		t.Fatal(err)
	}
}

var cfg = bot.WorkerConfig{Concurrency: 4, PollInterval: 10 * time.Millisecond, Lease: time.Minute,
	MaxAttempts: 4, BackoffMin: time.Second, BackoffMax: 4 * time.Second, ActionTimeout: time.Second}

func newWorker(s *store.DB, c *clock, r bot.RetrainerFunc) *bot.Worker {
	return &bot.Worker{Store: s, Retrainers: map[string]bot.Retrainer{"gitlab": r}, Config: cfg, Now: c.Now,
		Jitter: func() float64 { return 1 }}
}

func job(t *testing.T, s *store.DB) bot.Job {
	t.Helper()
	jobs, err := s.ListJobs(context.Background(), bot.JobFilter{})
	if err != nil || len(jobs) == 0 {
		t.Fatalf("jobs %v, %v", jobs, err)
	}
	return jobs[0]
}

func TestBackoff(t *testing.T) {
	c := bot.WorkerConfig{BackoffMin: time.Second, BackoffMax: 10 * time.Second}
	tests := []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 1, time.Second}, {1, 0, 500 * time.Millisecond}, {2, 1, 2 * time.Second}, {3, 0.5, 3 * time.Second},
		{4, 1, 8 * time.Second}, {5, 1, 10 * time.Second}, {50, 0, 5 * time.Second},
	}
	for _, tc := range tests {
		if got := bot.Backoff(c, tc.attempt, tc.jitter); got != tc.want {
			t.Errorf("Backoff(attempt %d, jitter %v) = %s, want %s", tc.attempt, tc.jitter, got, tc.want)
		}
	}
}

func TestRetryThenDone(t *testing.T) {
	s := mustStore(t)
	queue(t, s, "fp1", "rec", 0)
	c := &clock{t0}
	calls := 0
	w := newWorker(s, c, func(ctx context.Context, task forge.RetrainTask) (forge.Run, error) {
		calls++
		if calls < 3 {
			return forge.Run{}, forge.ClassifyHTTP(503, errors.New("503 Service Unavailable"))
		}
		return forge.Run{Backend: "gitlab", Project: "g/p", ExternalID: 99, WebURL: "http://gl/p/99", Status: "created"}, nil
	})
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		ran     int
		state   bot.JobState
	}{
		{0, 1, bot.JobPending},                      // 503, retry after 1s
		{999 * time.Millisecond, 0, bot.JobPending}, // not yet due
		{time.Millisecond, 1, bot.JobPending},       // 503, retry after 2s
		{2 * time.Second, 1, bot.JobDone},
	}
	for i, st := range steps {
		c.now = c.now.Add(st.advance)
		n, err := w.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if j := job(t, s); n != st.ran || j.State != st.state {
			t.Fatalf("step %d: ran %d, state %s (%s); want %d, %s", i, n, j.State, j.LastError, st.ran, st.state)
		}
	}
	j := job(t, s)
	if j.Attempts != 3 || j.Result != "http://gl/p/99" {
		t.Errorf("job = %+v", j)
	}
	ps, _ := s.ListPipelines(ctx, 0)
	if len(ps) != 1 || ps[0].ExternalID != 99 || ps[0].JobID != j.ID {
		t.Errorf("pipelines = %+v", ps)
	}
}

func TestPermanentAndDead(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		runs    int
		state   bot.JobState
		errText string
	}{
		{"4xx fails at once", forge.ClassifyHTTP(404, errors.New("404 Project Not Found")), 1, bot.JobFailed, "404 Project Not Found"},
		{"429 is retried until dead", forge.ClassifyHTTP(429, errors.New("429 Too Many Requests")), 4, bot.JobDead, "gave up after 4 attempts: 429 Too Many Requests"},
		{"timeout is retried until dead", context.DeadlineExceeded, 4, bot.JobDead, "gave up after 4 attempts: context deadline exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustStore(t)
			queue(t, s, "fp1", "rec", time.Hour)
			c := &clock{t0}
			calls := 0
			w := newWorker(s, c, func(context.Context, forge.RetrainTask) (forge.Run, error) { calls++; return forge.Run{}, tc.err })
			for range 10 {
				if _, err := w.RunOnce(context.Background()); err != nil {
					t.Fatal(err)
				}
				c.now = c.now.Add(time.Minute)
			}
			j := job(t, s)
			if calls != tc.runs || j.State != tc.state || j.LastError != tc.errText {
				t.Errorf("calls %d, state %s, error %q; want %d, %s, %q", calls, j.State, j.LastError, tc.runs, tc.state, tc.errText)
			}
			// The retraining never started, so the model's cooldown was given back.
			if cd, _ := s.TakeCooldown(context.Background(), "rec", 999, c.now.Add(time.Hour), c.now); !cd.Taken {
				t.Error("cooldown kept by a job that never retrained")
			}
		})
	}
}

// countingWorker is a worker on a fresh store whose retrainings succeed,
// counted in calls.
func countingWorker(t *testing.T) (*store.DB, *clock, *bot.Worker, *int) {
	t.Helper()
	s := mustStore(t)
	c := &clock{t0}
	calls := new(int)
	w := newWorker(s, c, func(context.Context, forge.RetrainTask) (forge.Run, error) {
		*calls++
		return forge.Run{Backend: "gitlab", ExternalID: int64(*calls)}, nil
	})
	return s, c, w, calls
}

func TestCooldownSkips(t *testing.T) {
	s, c, w, calls := countingWorker(t)
	queue(t, s, "fp1", "rec", time.Hour)
	w.RunOnce(context.Background())
	c.now = t0.Add(30 * time.Minute)
	queue(t, s, "fp2", "rec", time.Hour)
	w.RunOnce(context.Background())
	j := job(t, s)
	want := "cooldown: model rec was retrained by job 1; no second retraining until 2026-11-23T11:00:00Z"
	if *calls != 1 || j.State != bot.JobSkipped || j.LastError != want {
		t.Fatalf("calls %d, second job %s %q", *calls, j.State, j.LastError)
	}
	c.now = t0.Add(time.Hour)
	queue(t, s, "fp3", "rec", time.Hour)
	w.RunOnce(context.Background())
	if j := job(t, s); *calls != 2 || j.State != bot.JobDone {
		t.Errorf("after the cooldown: calls %d, job %s", *calls, j.State)
	}
	audit, _ := s.ListAudit(context.Background(), 10)
	found := false
	for _, e := range audit {
		found = found || (e.Action == "cooldown" && strings.Contains(e.Detail, "job 1"))
	}
	if !found {
		t.Errorf("cooldown not in the audit log: %+v", audit)
	}
}

// TestSlackRetrainHoldsCooldown: a /mlops retrain job holds its model's
// cooldown, so an alert right after it does not retrain again; a forced
// one takes the cooldown over from the job that holds it.
func TestSlackRetrainHoldsCooldown(t *testing.T) {
	s, c, w, calls := countingWorker(t)
	slackJob := func(force bool) int64 {
		t.Helper()
		_, err := s.EnqueueJob(context.Background(), bot.Job{Kind: bot.KindRetrain, Rule: "slack", Model: "rec",
			State: bot.JobPending, DedupKey: fmt.Sprint("slack/", c.now.UnixNano()), NextAttemptAt: c.now,
			CreatedAt: c.now, UpdatedAt: c.now, Task: bot.Task{Retrain: &forge.RetrainTask{Backend: "gitlab",
				Project: "g/p", Ref: "main", Cooldown: 2 * time.Hour, Force: force}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.RunOnce(context.Background())
		return job(t, s).ID // the newest
	}
	first := slackJob(false)
	c.now = t0.Add(30 * time.Minute)
	queue(t, s, "fp1", "rec", time.Hour)
	w.RunOnce(context.Background())
	want := fmt.Sprintf("cooldown: model rec was retrained by job %d; no second retraining until 2026-11-23T12:00:00Z", first)
	if j := job(t, s); *calls != 1 || j.State != bot.JobSkipped || j.LastError != want {
		t.Fatalf("alert after /mlops retrain: calls %d, job %s %q; want skipped %q", *calls, j.State, j.LastError, want)
	}
	// Forced inside the cooldown: it runs and holds the cooldown from now.
	c.now = t0.Add(time.Hour)
	forced := slackJob(true)
	if j := job(t, s); *calls != 2 || j.ID != forced || j.State != bot.JobDone {
		t.Fatalf("forced retrain: calls %d, job %d %s", *calls, j.ID, j.State)
	}
	c.now = t0.Add(150 * time.Minute) // after the first cooldown, inside the forced one
	queue(t, s, "fp2", "rec", time.Hour)
	w.RunOnce(context.Background())
	want = fmt.Sprintf("cooldown: model rec was retrained by job %d; no second retraining until 2026-11-23T13:00:00Z", forced)
	if j := job(t, s); *calls != 2 || j.State != bot.JobSkipped || j.LastError != want {
		t.Errorf("alert after a forced retrain: calls %d, job %s %q; want skipped %q", *calls, j.State, j.LastError, want)
	}
}

func TestUnknownBackendFails(t *testing.T) {
	s := mustStore(t)
	queue(t, s, "fp1", "rec", 0)
	w := &bot.Worker{Store: s, Config: cfg, Now: (&clock{t0}).Now}
	w.RunOnce(context.Background())
	j := job(t, s)
	if j.State != bot.JobFailed || j.LastError != `backend "gitlab": no such retraining backend (configure backends.gitlab)` {
		t.Errorf("job %s %q", j.State, j.LastError)
	}
}

// TestRunDrains runs the loop: jobs stored while it runs are done.
func TestRunDrains(t *testing.T) {
	s := mustStore(t)
	done := make(chan struct{}, 10)
	w := &bot.Worker{Store: s, Config: cfg, Retrainers: map[string]bot.Retrainer{"gitlab": bot.RetrainerFunc(
		func(context.Context, forge.RetrainTask) (forge.Run, error) {
			done <- struct{}{}
			return forge.Run{}, nil
		})}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	for i := range 5 {
		queue(t, s, fmt.Sprint("fp", i), "", 0)
		w.Wake()
	}
	for range 5 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("job not run")
		}
	}
	cancel()
	<-stopped
	counts, _ := s.CountJobs(context.Background())
	if counts[bot.JobDone] != 5 {
		t.Errorf("counts %v", counts)
	}
}
