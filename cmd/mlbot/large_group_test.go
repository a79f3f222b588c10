package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestAlertmanagerLargeGroup has the real Alertmanager route a group of
// 5,000 alerts (one drift rule over 5,000 features of one model) to mlbot:
// it arrives as one notification well over the 1 MiB that earlier
// versions refused with a 413 Alertmanager never retries. All 5,000 are stored, and each of the 4,000 critical ones that
// the rule matches gets exactly one pipeline.
func TestAlertmanagerLargeGroup(t *testing.T) {
	testenv.Slow(t, "starts a real Alertmanager and mlbot")
	if testing.Short() {
		t.Skip("starts Alertmanager; skipped with -short")
	}
	const n, matched = 5000, 4000
	gl := newFakeGitLab(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "mlbot.db")
	cfg := writeConfig(t, dir, "sqlite", dbPath, gl.URL, "0s", "poll_interval: 100ms, concurrency: 16")
	addr := startMain(t, cfg)
	// group_wait long enough for Alertmanager to take all 5,000 alerts
	// before the first flush, so that they leave as one notification.
	// Alertmanager flushes a group at once when an alert reaches it more
	// than group_wait after its startsAt: on a loaded 2-core machine its
	// dispatcher took more than 3 s for the 5,000 and sent two
	// notifications, so the wait is 15 s.
	am := startAlertmanagerTimes(t, addr, "15s", "10m", "1h")

	start := time.Now().UTC().Truncate(time.Millisecond)
	alerts := make([]map[string]any, n)
	for i := range alerts {
		sev := "critical"
		if i >= matched {
			sev = "warning"
		}
		alerts[i] = map[string]any{
			"labels": map[string]string{"alertname": "FeatureDrift", "severity": sev, "model": "rec",
				"feature": fmt.Sprintf("feature_%04d", i), "n": fmt.Sprint(i)},
			"annotations": map[string]string{"psi": "0.41", "summary": fmt.Sprintf("Feature feature_%04d of rec drifted (PSI 0.410 > 0.3)", i)},
			"startsAt":    start.Format(time.RFC3339Nano),
		}
	}
	b, _ := json.Marshal(alerts)
	resp, err := http.Post("http://"+am+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /api/v2/alerts: %d %s", resp.StatusCode, body)
	}

	waitFor(t, 60*time.Second, "the 5,000 alerts to be stored", func() bool {
		return metric(t, addr, "mlbot_alerts_received_total") >= n
	})
	waitFor(t, 120*time.Second, "4,000 pipelines", func() bool { return len(gl.calls()) >= matched })
	time.Sleep(time.Second)

	if got := metric(t, am, `alertmanager_notifications_total{integration="webhook"}`); got != 1 {
		t.Errorf("Alertmanager sent %v webhook notifications, want 1", got)
	}
	if got := metric(t, am, `alertmanager_notifications_failed_total{integration="webhook"}`); got != 0 {
		t.Errorf("%v notifications failed, want 0", got)
	}
	if got := metric(t, addr, "mlbot_alerts_received_total"); got != n {
		t.Errorf("mlbot received %v alerts, want %d", got, n)
	}
	if got := metric(t, addr, "mlbot_alerts_matched_total"); got != matched {
		t.Errorf("%v alerts matched, want %d", got, matched)
	}
	seen := map[string]int{}
	for _, c := range gl.calls() {
		seen[c.Variables["N"]]++
	}
	for i := range matched {
		if k := fmt.Sprint(i); seen[k] != 1 {
			t.Errorf("alert %d has %d pipelines, want 1", i, seen[k])
		}
	}
	if len(seen) != matched {
		t.Errorf("pipelines for %d alerts, want %d", len(seen), matched)
	}
	st, err := store.OpenSQLite(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, _ := st.CountJobs(context.Background())
	if counts[bot.JobDone] != matched || len(counts) != 1 {
		t.Errorf("jobs by state %v, want %d done", counts, matched)
	}
}
