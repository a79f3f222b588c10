package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// group is a notification of n firing alerts as Alertmanager sends it,
// with labels and annotations the size of deploy/prometheus's drift
// alerts.
func group(n, truncated int) string {
	alerts := make([]Alert, n)
	for i := range alerts {
		alerts[i] = Alert{Status: "firing", Fingerprint: fmt.Sprintf("%016x", i),
			Labels: map[string]string{"alertname": "FeatureDrift", "model": "recommender", "feature": fmt.Sprintf("feature_%04d", i),
				"severity": "critical", "mlgate_action": "retrain", "job": "mlgate-drift", "instance": "pushgateway:9091"},
			Annotations:  map[string]string{"summary": fmt.Sprintf("Feature feature_%04d of recommender drifted severely (PSI 0.412 > 0.3): retrain", i), "psi": "0.41234"},
			StartsAt:     time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
			GeneratorURL: "http://prometheus:9090/graph?g0.expr=max+by+%28model%2C+feature%29+%28mlgate_feature_psi%29+%3E+0.3&g0.tab=1",
		}
	}
	b, _ := json.Marshal(Message{Version: "4", GroupKey: `{}/{mlgate_action=~"retrain"}:{alertname="FeatureDrift"}`, Status: "firing",
		Receiver: "mlbot", TruncatedAlerts: uint64(truncated), Alerts: alerts})
	return string(b)
}

func rejected(f *fixture, reason string) float64 {
	return counter(f, "mlbot_notifications_rejected_total", reason)
}

// counter returns the value of a counter, of its series with the label
// value when label is set; -1 when there is none.
func counter(f *fixture, name, label string) float64 {
	mfs, _ := f.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label == "" || m.GetLabel()[0].GetValue() == label {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
}

// TestAlertmanagerLargeGroup sends a group of 3,000 alerts (1.5 MB, over
// the 1 MiB cap of earlier versions): all of it is stored, one job each.
func TestAlertmanagerLargeGroup(t *testing.T) {
	f := newFixture(t)
	body := group(3000, 0)
	if len(body) < 1<<20 {
		t.Fatalf("the group is %d bytes, want more than 1 MiB", len(body))
	}
	code, resp := f.do(t, "/v1/alertmanager", body, bearer)
	if code != 200 || resp != `{"duplicate":0,"jobs":3000,"new":3000,"resolved":0}` {
		t.Fatalf("got %d %s", code, resp)
	}
	counts, err := f.st.CountJobs(context.Background())
	if err != nil || counts[bot.JobPending] != 3000 {
		t.Errorf("jobs by state %v (%v), want 3000 pending", counts, err)
	}
	t.Logf("3,000 alerts: %d bytes, %d bytes an alert", len(body), len(body)/3000)
}

// TestAlertmanagerRefusals checks the status and the counted reason of
// every refusal: a body over server.max_body is a valid notification this
// configuration cannot take, answered 503 with Retry-After (Alertmanager
// retries it, and drops a 4xx for good); an invalid payload is 400.
func TestAlertmanagerRefusals(t *testing.T) {
	f := newFixtureWith(t, strings.Replace(testConfig, "store: {dsn: x.db}", "server: {max_body: 1MiB}\nstore: {dsn: x.db}", 1))
	for _, r := range rejectReasons {
		if got := rejected(f, r); got != 0 {
			t.Errorf("mlbot_notifications_rejected_total{reason=%q} = %v before any request, want 0", r, got)
		}
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/v1/alertmanager", strings.NewReader(group(3000, 0)))
	req.Header.Set("Authorization", "Bearer am-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	want := "request too large: body larger than 1 MiB (server.max_body): not stored; retry later (raise server.max_body or lower max_alerts)"
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "60" || answer.Error != want {
		t.Errorf("over the cap: %d, Retry-After %q, %q; want 503, 60, %q", resp.StatusCode, resp.Header.Get("Retry-After"), answer.Error, want)
	}
	if code, _ := f.do(t, "/v1/alertmanager", `{"version":"4",`, bearer); code != 400 {
		t.Errorf("invalid payload: %d, want 400", code)
	}
	if code, _ := f.do(t, "/v1/alertmanager", group(1, 0), nil); code != 401 {
		t.Errorf("no credentials: %d, want 401", code)
	}
	for reason, want := range map[string]float64{reasonTooLarge: 1, reasonInvalid: 1, reasonUnauthorized: 1, reasonStore: 0} {
		if got := rejected(f, reason); got != want {
			t.Errorf("rejected{reason=%q} = %v, want %v", reason, got, want)
		}
	}
	if a, j := f.counts(t); a != 0 || j != 0 {
		t.Errorf("stored %d alerts and %d jobs from refused requests", a, j)
	}
	// Within the cap, a notification Alertmanager truncated is stored and
	// the alerts it left out are counted.
	if code, body := f.do(t, "/v1/alertmanager", group(10, 40), bearer); code != 200 {
		t.Fatalf("truncated notification: %d %s", code, body)
	}
	if got := counter(f, "mlbot_alerts_truncated_total", ""); got != 40 {
		t.Errorf("mlbot_alerts_truncated_total = %v, want 40", got)
	}
}
