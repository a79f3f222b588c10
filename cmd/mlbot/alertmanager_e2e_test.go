package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

const alertmanagerBin = "/usr/bin/prometheus-alertmanager"

// startAlertmanager runs the real Alertmanager on loopback with one route
// to mlbot: short group_wait, group_interval and repeat_interval so that
// it re-sends the same group several times a test.
func startAlertmanager(t *testing.T, mlbotAddr string) string {
	t.Helper()
	return startAlertmanagerTimes(t, mlbotAddr, "100ms", "300ms", "600ms")
}

// startAlertmanagerTimes is startAlertmanager with the route's
// group_wait, group_interval and repeat_interval.
func startAlertmanagerTimes(t *testing.T, mlbotAddr, groupWait, groupInterval, repeatInterval string) string {
	t.Helper()
	if _, err := os.Stat(alertmanagerBin); err != nil {
		t.Skipf("Alertmanager not installed (%s missing; apt-get install prometheus-alertmanager)", alertmanagerBin)
	}
	dir := t.TempDir()
	cfg := fmt.Sprintf(`route:
  receiver: mlbot
  group_by: [alertname, model]
  group_wait: %s
  group_interval: %s
  repeat_interval: %s
receivers:
  - name: mlbot
    webhook_configs:
      - url: http://%s/v1/alertmanager
        send_resolved: true
        http_config:
          authorization: {credentials: am-token}
`, groupWait, groupInterval, repeatInterval, mlbotAddr)
	if err := os.WriteFile(filepath.Join(dir, "am.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cmd := exec.Command(alertmanagerBin, "--config.file="+filepath.Join(dir, "am.yml"), "--storage.path="+dir,
		"--web.listen-address="+addr, "--cluster.listen-address=")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &lockedWriter{w: &logs}, &lockedWriter{w: &logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("alertmanager logs:\n%s", logs.String())
		}
	})
	waitFor(t, 20*time.Second, "alertmanager to be ready", func() bool {
		resp, err := http.Get("http://" + addr + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return addr
}

// postToAlertmanager sends one alert through Alertmanager's API v2.
func postToAlertmanager(t *testing.T, am string, startsAt, endsAt time.Time) {
	t.Helper()
	a := map[string]any{
		"labels":      map[string]string{"alertname": "FeatureDrift", "severity": "critical", "model": "rec", "feature": "age"},
		"annotations": map[string]string{"psi": "0.41"},
		"startsAt":    startsAt.Format(time.RFC3339Nano),
	}
	if !endsAt.IsZero() {
		a["endsAt"] = endsAt.Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal([]any{a})
	resp, err := http.Post("http://"+am+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /api/v2/alerts: %d %s", resp.StatusCode, body)
	}
}

func metric(t *testing.T, addr, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", name, err)
			}
			return f
		}
	}
	return 0
}

func TestAlertmanagerEndToEnd(t *testing.T) {
	testenv.Slow(t, "starts a real Alertmanager and mlbot")
	if testing.Short() {
		t.Skip("starts Alertmanager; skipped with -short")
	}
	gl := newFakeGitLab(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "mlbot.db")
	// Long enough for steps 1-3 on a loaded machine, short for a test.
	const cooldown = 8 * time.Second
	cfg := writeConfig(t, dir, "sqlite", dbPath, gl.URL, cooldown.String(), "poll_interval: 100ms")
	addr := startMain(t, cfg)
	am := startAlertmanager(t, addr)
	st, err := store.OpenSQLite(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	wantVars := map[string]string{"MLGATE_TRIGGER": "alert", "MODEL": "rec", "ALERTNAME": "FeatureDrift", "FEATURE": "age", "PSI": "0.41", "N": ""}
	check := func(n int) {
		t.Helper()
		calls := gl.calls()
		if len(calls) != n {
			t.Fatalf("%d create-pipeline calls, want %d: %+v", len(calls), n, calls)
		}
		for _, c := range calls {
			if c.Path != "/api/v4/projects/ml%2Frec/pipeline" || c.Token != "glpat-test" || c.Ref != "main" {
				t.Errorf("call %+v", c)
			}
			for k, v := range wantVars {
				if c.Variables[k] != v {
					t.Errorf("variable %s = %q, want %q", k, c.Variables[k], v)
				}
			}
		}
	}
	jobIn := func(state bot.JobState) bot.Job {
		t.Helper()
		js, err := st.ListJobs(context.Background(), bot.JobFilter{State: state})
		if err != nil || len(js) == 0 {
			t.Fatalf("no %s job: %v", state, err)
		}
		return js[0]
	}
	resolved := func(alertID int64) func() bool {
		return func() bool {
			a, err := st.GetAlert(context.Background(), alertID)
			return err == nil && a.Status == bot.StatusResolved
		}
	}

	// 1. A firing alert: Alertmanager sends it again every repeat_interval;
	// one pipeline only.
	start1 := time.Now().UTC().Truncate(time.Millisecond)
	postToAlertmanager(t, am, start1, time.Time{})
	waitFor(t, 10*time.Second, "the first pipeline", func() bool { return len(gl.calls()) == 1 })
	waitFor(t, 10*time.Second, "three repeats", func() bool { return metric(t, addr, "mlbot_alerts_duplicate_total") >= 3 })
	check(1)

	// 2. Resolved: recorded against the firing alert.
	postToAlertmanager(t, am, start1, time.Now().UTC())
	first := jobIn(bot.JobDone)
	waitFor(t, 10*time.Second, "the resolved alert", resolved(first.AlertID))

	// 3. Firing again inside the cooldown: stored, but skipped.
	start2 := time.Now().UTC().Truncate(time.Millisecond)
	postToAlertmanager(t, am, start2, time.Time{})
	waitFor(t, 10*time.Second, "the cooldown skip", func() bool {
		js, _ := st.ListJobs(context.Background(), bot.JobFilter{State: bot.JobSkipped})
		return len(js) == 1
	})
	check(1)

	// 4. Resolved, then firing again after the cooldown: a second pipeline.
	postToAlertmanager(t, am, start2, time.Now().UTC())
	waitFor(t, 10*time.Second, "the second resolve", resolved(jobIn(bot.JobSkipped).AlertID))
	time.Sleep(time.Until(first.UpdatedAt.Add(cooldown)))
	postToAlertmanager(t, am, time.Now().UTC(), time.Time{})
	waitFor(t, 10*time.Second, "the second pipeline", func() bool { return len(gl.calls()) == 2 })
	dups := metric(t, addr, "mlbot_alerts_duplicate_total")
	waitFor(t, 10*time.Second, "more repeats", func() bool { return metric(t, addr, "mlbot_alerts_duplicate_total") > dups })
	check(2)

	counts, _ := st.CountJobs(context.Background())
	if counts[bot.JobDone] != 2 || counts[bot.JobSkipped] != 1 || len(counts) != 2 {
		t.Errorf("jobs by state %v, want 2 done and 1 skipped", counts)
	}
}

// TestAlertmanagerHAPair has two Alertmanagers (an HA pair whose gossip
// is off, the worst case) deliver the same alert: both copies are
// stored once and start one pipeline.
func TestAlertmanagerHAPair(t *testing.T) {
	testenv.Slow(t, "starts two real Alertmanagers and mlbot")
	if testing.Short() {
		t.Skip("starts Alertmanager; skipped with -short")
	}
	gl := newFakeGitLab(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "sqlite", filepath.Join(dir, "mlbot.db"), gl.URL, "1h", "poll_interval: 100ms")
	addr := startMain(t, cfg)
	am1, am2 := startAlertmanager(t, addr), startAlertmanager(t, addr)
	start := time.Now().UTC().Truncate(time.Millisecond)
	postToAlertmanager(t, am1, start, time.Time{})
	postToAlertmanager(t, am2, start, time.Time{})
	waitFor(t, 10*time.Second, "both Alertmanagers to deliver, twice each", func() bool {
		return metric(t, addr, "mlbot_alerts_received_total") >= 4
	})
	time.Sleep(300 * time.Millisecond)
	if n := len(gl.calls()); n != 1 {
		t.Errorf("%d pipelines from an HA pair, want 1", n)
	}
	if m := metric(t, addr, "mlbot_alerts_matched_total"); m != 1 {
		t.Errorf("matched %v alerts, want 1", m)
	}
}
