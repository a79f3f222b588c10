package compare

import (
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

func p(v float64) *float64 { return &v }

func TestCompareRules(t *testing.T) {
	no := false
	base := gate.Metrics{"p5": 0.2, "lat": 100, "r2": -0.5, "zero": 0}
	cases := []struct {
		name   string
		cand   gate.Metrics
		rule   gate.Rule
		want   gate.Status
		thresh float64
		msg    string
	}{
		{"96% passes", gate.Metrics{"p5": 0.192}, gate.Rule{Metric: "p5", MinRatio: p(0.95)}, gate.Pass, 0.19, ""},
		{"94% fails", gate.Metrics{"p5": 0.188}, gate.Rule{Metric: "p5", MinRatio: p(0.95)}, gate.Fail, 0.19, "candidate p5 is 0.188 (production 0.2); required: ≥ 95% of production (min_ratio 0.95)"},
		{"exactly 95% passes", gate.Metrics{"p5": 0.19}, gate.Rule{Metric: "p5", MinRatio: p(0.95)}, gate.Pass, 0.19, ""},
		{"latency ratio lower is better passes", gate.Metrics{"lat": 105}, gate.Rule{Metric: "lat", MinRatio: p(0.9), HigherIsBetter: &no}, gate.Pass, 100 / 0.9, ""},
		{"latency ratio lower is better fails", gate.Metrics{"lat": 112}, gate.Rule{Metric: "lat", MinRatio: p(0.9), HigherIsBetter: &no}, gate.Fail, 100 / 0.9, ""},
		{"negative baseline ratio", gate.Metrics{"r2": -0.52}, gate.Rule{Metric: "r2", MinRatio: p(0.95)}, gate.Pass, -0.525, ""},
		{"negative baseline ratio fails", gate.Metrics{"r2": -0.53}, gate.Rule{Metric: "r2", MinRatio: p(0.95)}, gate.Fail, -0.525, ""},
		{"zero baseline", gate.Metrics{"zero": 0}, gate.Rule{Metric: "zero", MinRatio: p(0.95)}, gate.Pass, 0, ""},
		{"max absolute", gate.Metrics{"lat": 301}, gate.Rule{Metric: "lat", Max: p(300), HigherIsBetter: &no}, gate.Fail, 300, "candidate lat is 301; required: ≤ 300 (max)"},
		{"min absolute", gate.Metrics{"p5": 0.1}, gate.Rule{Metric: "p5", Min: p(0.1)}, gate.Pass, 0.1, ""},
		{"max_drop higher", gate.Metrics{"p5": 0.17}, gate.Rule{Metric: "p5", MaxDrop: p(0.02)}, gate.Fail, 0.18, ""},
		{"max_drop lower", gate.Metrics{"lat": 109}, gate.Rule{Metric: "lat", MaxDrop: p(10), HigherIsBetter: &no}, gate.Pass, 110, ""},
		{"min_delta must improve", gate.Metrics{"p5": 0.205}, gate.Rule{Metric: "p5", MinDelta: p(0.01)}, gate.Fail, 0.21, ""},
		{"min_delta lower improves", gate.Metrics{"lat": 80}, gate.Rule{Metric: "lat", MinDelta: p(10), HigherIsBetter: &no}, gate.Pass, 90, ""},
		{"severity warn", gate.Metrics{"p5": 0.1}, gate.Rule{Metric: "p5", MinRatio: p(0.95), Severity: gate.Warn}, gate.Warn, 0.19, ""},
		{"missing candidate", gate.Metrics{}, gate.Rule{Metric: "p5", MinRatio: p(0.95)}, gate.Fail, 0.19, "metric p5 is missing from the candidate (cand.json)"},
		{"missing baseline", gate.Metrics{"ndcg": 0.3}, gate.Rule{Metric: "ndcg", MinRatio: p(0.95)}, gate.Fail, 0, "metric ndcg is missing from the baseline (prod.json)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Compare(Side{Metrics: c.cand, Source: "cand.json"}, &Side{Metrics: base, Source: "prod.json"}, []gate.Rule{c.rule})
			if len(res.Checks) != 1 {
				t.Fatalf("%d checks", len(res.Checks))
			}
			ch := res.Checks[0]
			if ch.Status != c.want || res.Status != c.want {
				t.Errorf("status %s (gate %s), want %s: %s", ch.Status, res.Status, c.want, ch.Message)
			}
			if ch.Threshold != nil && abs(*ch.Threshold-c.thresh) > 1e-12 {
				t.Errorf("threshold %v, want %v", *ch.Threshold, c.thresh)
			}
			if c.msg != "" && ch.Message != c.msg {
				t.Errorf("message %q, want %q", ch.Message, c.msg)
			}
		})
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestCompareNoBaseline(t *testing.T) {
	res := Compare(Side{Metrics: gate.Metrics{"p5": 0.2, "lat": 400}}, nil, []gate.Rule{
		{Metric: "p5", MinRatio: p(0.95)}, {Metric: "lat", Max: p(300)},
	})
	if res.Checks[0].Status != gate.Skip || res.Checks[1].Status != gate.Fail || res.Status != gate.Fail {
		t.Errorf("checks %+v", res.Checks)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "No baseline yet") {
		t.Errorf("notes %v", res.Notes)
	}
	only := Compare(Side{Metrics: gate.Metrics{"p5": 0.2}}, nil, []gate.Rule{{Metric: "p5", MinRatio: p(0.95)}})
	if only.Status != gate.Skip {
		t.Errorf("only relative rules without baseline: %s", only.Status)
	}
}
