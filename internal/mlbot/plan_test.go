package mlbot

import (
	"testing"
	"time"
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
	if j.Kind != KindRetrain || j.Model != "rec" || j.DedupKey != "7/drift/0" || j.State != JobPending {
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
