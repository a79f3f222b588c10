package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// run runs one mlbot command and returns its output and error.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	m := NewMain()
	var out, errOut bytes.Buffer
	m.Stdout, m.Stderr = &out, &errOut
	if err := m.ParseFlags(args); err != nil {
		return errOut.String(), err
	}
	err := m.Run(context.Background())
	m.Close()
	return out.String(), err
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "mlbot.db")
	cfg := writeConfig(t, dir, "sqlite", db, "http://127.0.0.1:1", "1h", "")

	out, err := run(t, "validate", "-c", cfg)
	if err != nil || out != cfg+": ok (1 rules, store sqlite)\n" {
		t.Errorf("validate: %q, %v", out, err)
	}
	if _, err := run(t, "validate", "-c", filepath.Join(dir, "missing.yml")); err == nil {
		t.Error("validate of a missing file passed")
	}
	if out, err := run(t, "migrate", "-c", cfg); err != nil || out != "schema up to date\n" {
		t.Errorf("migrate: %q, %v", out, err)
	}

	// A job that failed permanently, listed, then retried.
	st, err := store.OpenSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	_, err = st.SaveAlerts(context.Background(), []bot.Alert{{GroupKey: "g", Fingerprint: "f", Status: "firing", StartsAt: now,
		Labels: map[string]string{"alertname": "FeatureDrift"}}}, func(a bot.Alert) bot.Plan {
		return bot.Plan{Jobs: []bot.Job{{Kind: bot.KindRetrain, Rule: "severe-drift", Model: "rec", DedupKey: "k",
			State: bot.JobFailed, LastError: "create pipeline: 404 Project Not Found", NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
			Task: bot.Task{Retrain: &forge.RetrainTask{Backend: "gitlab"}}}}}
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "jobs", "list", "--state", "failed", "-c", cfg)
	if err != nil || !strings.Contains(out, "failed  retrain  severe-drift  rec    0         -             create pipeline: 404 Project Not Found") {
		t.Errorf("jobs list: %v\n%s", err, out)
	}
	if out, err := run(t, "jobs", "retry", "1", "-c", cfg); err != nil || out != "job 1 is pending again\n" {
		t.Errorf("jobs retry: %q, %v", out, err)
	}
	if _, err := run(t, "jobs", "retry", "1", "-c", cfg); err == nil || err.Error() != "job 1 is pending: only failed, dead or skipped jobs are retried" {
		t.Errorf("second retry: %v", err)
	}
	out, err = run(t, "audit", "-c", cfg)
	if err != nil || !strings.Contains(out, "cli    retry   job 1") {
		t.Errorf("audit: %v\n%s", err, out)
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"jobs", "-c", cfg}, {"jobs", "retry", "x", "-c", cfg}, {"jobs", "list", "--state", "bogus", "-c", cfg}} {
		_, err := run(t, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("mlbot %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}
