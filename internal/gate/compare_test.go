package gate

import (
	"strings"
	"testing"
)

func p(v float64) *float64 { return &v }

func TestCompareRules(t *testing.T) {
	no := false
	base := Metrics{"p5": 0.2, "lat": 100, "r2": -0.5, "zero": 0}
	cases := []struct {
		name   string
		cand   Metrics
		rule   Rule
		want   Status
		thresh float64
		msg    string
	}{
		{"96% passes", Metrics{"p5": 0.192}, Rule{Metric: "p5", MinRatio: p(0.95)}, Pass, 0.19, ""},
		{"94% fails", Metrics{"p5": 0.188}, Rule{Metric: "p5", MinRatio: p(0.95)}, Fail, 0.19, "candidate p5 is 0.188 (production 0.2); required: ≥ 95% of production (min_ratio 0.95)"},
		{"exactly 95% passes", Metrics{"p5": 0.19}, Rule{Metric: "p5", MinRatio: p(0.95)}, Pass, 0.19, ""},
		{"latency ratio lower is better passes", Metrics{"lat": 105}, Rule{Metric: "lat", MinRatio: p(0.9), HigherIsBetter: &no}, Pass, 100 / 0.9, ""},
		{"latency ratio lower is better fails", Metrics{"lat": 112}, Rule{Metric: "lat", MinRatio: p(0.9), HigherIsBetter: &no}, Fail, 100 / 0.9, ""},
		{"negative baseline ratio", Metrics{"r2": -0.52}, Rule{Metric: "r2", MinRatio: p(0.95)}, Pass, -0.525, ""},
		{"negative baseline ratio fails", Metrics{"r2": -0.53}, Rule{Metric: "r2", MinRatio: p(0.95)}, Fail, -0.525, ""},
		{"zero baseline", Metrics{"zero": 0}, Rule{Metric: "zero", MinRatio: p(0.95)}, Pass, 0, ""},
		{"max absolute", Metrics{"lat": 301}, Rule{Metric: "lat", Max: p(300), HigherIsBetter: &no}, Fail, 300, "candidate lat is 301; required: ≤ 300 (max)"},
		{"min absolute", Metrics{"p5": 0.1}, Rule{Metric: "p5", Min: p(0.1)}, Pass, 0.1, ""},
		{"max_drop higher", Metrics{"p5": 0.17}, Rule{Metric: "p5", MaxDrop: p(0.02)}, Fail, 0.18, ""},
		{"max_drop lower", Metrics{"lat": 109}, Rule{Metric: "lat", MaxDrop: p(10), HigherIsBetter: &no}, Pass, 110, ""},
		{"min_delta must improve", Metrics{"p5": 0.205}, Rule{Metric: "p5", MinDelta: p(0.01)}, Fail, 0.21, ""},
		{"min_delta lower improves", Metrics{"lat": 80}, Rule{Metric: "lat", MinDelta: p(10), HigherIsBetter: &no}, Pass, 90, ""},
		{"severity warn", Metrics{"p5": 0.1}, Rule{Metric: "p5", MinRatio: p(0.95), Severity: Warn}, Warn, 0.19, ""},
		{"missing candidate", Metrics{}, Rule{Metric: "p5", MinRatio: p(0.95)}, Fail, 0.19, "metric p5 is missing from the candidate (cand.json)"},
		{"missing baseline", Metrics{"ndcg": 0.3}, Rule{Metric: "ndcg", MinRatio: p(0.95)}, Fail, 0, "metric ndcg is missing from the baseline (prod.json)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Compare(Side{Metrics: c.cand, Source: "cand.json"}, &Side{Metrics: base, Source: "prod.json"}, []Rule{c.rule})
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
	res := Compare(Side{Metrics: Metrics{"p5": 0.2, "lat": 400}}, nil, []Rule{
		{Metric: "p5", MinRatio: p(0.95)}, {Metric: "lat", Max: p(300)},
	})
	if res.Checks[0].Status != Skip || res.Checks[1].Status != Fail || res.Status != Fail {
		t.Errorf("checks %+v", res.Checks)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "No baseline yet") {
		t.Errorf("notes %v", res.Notes)
	}
	only := Compare(Side{Metrics: Metrics{"p5": 0.2}}, nil, []Rule{{Metric: "p5", MinRatio: p(0.95)}})
	if only.Status != Skip {
		t.Errorf("only relative rules without baseline: %s", only.Status)
	}
}

func TestParseRule(t *testing.T) {
	r, err := ParseRule("latency_p95_ms:max=300,higher_is_better=false")
	if err != nil || *r.Max != 300 || r.Higher() || r.Metric != "latency_p95_ms" {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = ParseRule("eval.ndcg@10:min_ratio=0.95")
	if err != nil || *r.MinRatio != 0.95 || r.Metric != "eval.ndcg@10" {
		t.Fatalf("%+v %v", r, err)
	}
	for in, want := range map[string]string{
		"p5":                     "--rule \"p5\": expected METRIC:CONDITION=VALUE, e.g. precision@5:min_ratio=0.95",
		"p5:min_ratio":           `--rule "p5:min_ratio": "min_ratio" has no '=': expected CONDITION=VALUE`,
		"p5:min_ratio=abc":       `--rule "p5:min_ratio=abc": min_ratio is "abc", expected a number`,
		"p5:minratio=1":          `--rule "p5:minratio=1": unknown condition "minratio", expected min, max, min_ratio, max_drop, min_delta, higher_is_better or severity`,
		"p5:min_ratio=-1":        `--rule "p5:min_ratio=-1": rule for p5: min_ratio is -1, expected a number > 0 (0.95 means 95% of production)`,
		"p5:min=2,max=1":         `--rule "p5:min=2,max=1": rule for p5: min 2 is above max 1`,
		"p5:severity=oops,min=1": `--rule "p5:severity=oops,min=1": rule for p5: severity is "oops", expected fail or warn`,
	} {
		if _, err := ParseRule(in); err == nil || err.Error() != want {
			t.Errorf("ParseRule(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestWorst(t *testing.T) {
	if Worst() != Skip || Worst(Skip, Pass) != Pass || Worst(Pass, Warn, Skip) != Warn || Worst(Warn, Fail, Pass) != Fail {
		t.Error("Worst order wrong")
	}
}

func FuzzParseRule(f *testing.F) {
	f.Add("precision@5:min_ratio=0.95")
	f.Add("a:b:max=1,higher_is_better=false")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err == nil {
			if r.Validate() != nil {
				t.Fatal("ParseRule returned an invalid rule")
			}
		}
	})
}
