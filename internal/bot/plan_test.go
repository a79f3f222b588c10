package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestPlanAlert(t *testing.T) {
	t.Setenv("MLBOT_TEST_TOKEN", "x")
	c := mustLoad(t, "testdata/conf.good.yml")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := Alert{ID: 7, Fingerprint: "fp1", Status: StatusFiring,
		Labels:      map[string]string{"alertname": "Drift", "severity": "critical", "model": "rec"},
		Annotations: map[string]string{"psi": "0.41"}}
	p := c.PlanAlert(a, now)
	if len(p.Jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(p.Jobs))
	}
	j := p.Jobs[0]
	if j.Kind != KindRetrain || j.Model != "rec" || j.DedupKey != "drift/0" || j.State != JobPending {
		t.Errorf("job = %+v", j)
	}
	want := map[string]string{"MLGATE_TRIGGER": "alert", "MODEL": "rec", "PSI": "0.41"}
	for k, v := range want {
		if j.Task.Retrain.Variables[k] != v {
			t.Errorf("variable %s = %q, want %q", k, j.Task.Retrain.Variables[k], v)
		}
	}
	if j.Task.Retrain.Cooldown != time.Hour || j.Task.Retrain.Project != "g/p" {
		t.Errorf("task = %+v", j.Task.Retrain)
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		status string
	}{
		{"severity info", map[string]string{"alertname": "Drift", "severity": "info"}, StatusFiring},
		{"other alert", map[string]string{"alertname": "DriftX"}, StatusFiring},
		{"resolved", a.Labels, StatusResolved},
	} {
		b := a
		b.Labels, b.Status = tc.labels, tc.status
		if p := c.PlanAlert(b, now); len(p.Jobs) != 0 {
			t.Errorf("%s: %d jobs, want none", tc.name, len(p.Jobs))
		}
	}
}

func TestPlanHTTPBackend(t *testing.T) {
	c, err := Load([]byte(`
store: {dsn: x.db}
auth: {alertmanager: {bearer_token: t}}
backends:
  http:
    airflow:
      url: 'https://airflow.example.com/api/v1/dags/retrain_{{ .Labels.model }}/dagRuns'
      headers: {Authorization: Bearer x}
      body: '{"conf": {"model": {{ json .Variables.MODEL }}, "reason": {{ json .Labels.alertname }}}}'
rules:
  - name: r
    matchers: ['alertname=~".+"']
    continue: true
    actions: [{retrain: {backend: airflow, variables: {MODEL: '{{ .Labels.model | upper }}'}}}]
  - name: second
    matchers: ['model="rec"']
    actions: [{propose_rollback: {project: ml/rec, version: '{{ .Labels.previous }}'}}]
  - name: never-reached
    matchers: ['model="rec"']
    actions: [{notify: {channel: c}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := Alert{ID: 3, Status: StatusFiring, Labels: map[string]string{"alertname": `Drift "x"`, "model": "rec", "previous": "v1.2.3"}}
	p := c.PlanAlert(a, now)
	if len(p.Jobs) != 1 || len(p.Approvals) != 1 {
		t.Fatalf("plan %+v: want one job (rule r) and one approval (rule second, via continue)", p)
	}
	rt := p.Jobs[0].Task.Retrain
	if rt.URL != "https://airflow.example.com/api/v1/dags/retrain_rec/dagRuns" {
		t.Errorf("url %q", rt.URL)
	}
	if want := `{"conf": {"model": "REC", "reason": "Drift \"x\""}}`; rt.Body != want {
		t.Errorf("body\n got %s\nwant %s", rt.Body, want)
	}
	ap := p.Approvals[0]
	if ap.Version != "v1.2.3" || ap.State != ApprovalProposed || !ap.ExpiresAt.Equal(now.Add(30*time.Minute)) || ap.Model != "rec" {
		t.Errorf("approval %+v", ap)
	}
}

func TestApprovalExpired(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := Approval{State: ApprovalProposed, ExpiresAt: now.Add(time.Hour)}
	if a.Expired(now) || !a.Expired(now.Add(time.Hour)) {
		t.Error("a proposal expires exactly at ExpiresAt")
	}
	a.State = ApprovalApproved
	if a.Expired(now.Add(2 * time.Hour)) {
		t.Error("a decided proposal does not expire")
	}
}

// TestPlanBoundsLabels: a 900 KB label does not become a 900 KB pipeline
// variable, model name or Slack text. The retrain job fails with the
// reason (sizes, not the text), and what is stored is clipped.
func TestPlanBoundsLabels(t *testing.T) {
	t.Setenv("MLBOT_TEST_TOKEN", "x")
	c := mustLoad(t, "testdata/conf.good.yml")
	huge := strings.Repeat("é", 450_000) // 900,000 bytes
	for _, tc := range []struct {
		name, label, want string
	}{
		{"model label", "model", "variable MODEL is 900000 bytes once rendered from the alert, more than 10240"},
		{"annotation in a variable", "", "variable PSI is 900000 bytes once rendered from the alert, more than 10240"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Alert{ID: 7, Fingerprint: "fp1", Status: StatusFiring,
				Labels:      map[string]string{"alertname": "Drift", "severity": "critical", "model": "rec"},
				Annotations: map[string]string{"psi": "0.41"}}
			if tc.label != "" {
				a.Labels[tc.label] = huge
			} else {
				a.Annotations["psi"] = huge
			}
			p := c.PlanAlert(a, time.Now())
			if len(p.Jobs) != 1 {
				t.Fatalf("%d jobs", len(p.Jobs))
			}
			j := p.Jobs[0]
			if j.State != JobFailed || !strings.HasPrefix(j.LastError, tc.want) {
				t.Errorf("job %s, error %q; want failed with %q", j.State, j.LastError, tc.want)
			}
			if len(j.Model) > MaxModelBytes || !utf8.ValidString(j.Model) {
				t.Errorf("model of %d bytes stored", len(j.Model))
			}
			for k, v := range j.Task.Retrain.Variables {
				if len(v) > MaxVariableBytes || !utf8.ValidString(v) {
					t.Errorf("variable %s of %d bytes stored", k, len(v))
				}
			}
			for _, e := range p.Audit {
				if len(e.Detail) > 2*MaxModelBytes {
					t.Errorf("audit detail of %d bytes", len(e.Detail))
				}
			}
		})
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"rec", 255, "rec"},
		{"abcdef", 5, "ab…"},
		{"ééé", 5, "é…"}, // never half a rune
		{"abc", 3, "abc"},
	} {
		if got := Clip(tc.in, tc.n); got != tc.want || len(got) > max(tc.n, len(tc.in)) {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
