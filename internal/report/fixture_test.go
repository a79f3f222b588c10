package report

import (
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// richFixture is a demo-like report of several gates: tests, compare
// (from fixture), an A/B decision and feature drift with histograms; want
// picks a passing, a warning or a failing run.
func richFixture(tb testing.TB, want gate.Status) *gate.Report {
	tb.Helper()
	scale, warn := 0.96, want != gate.Pass
	if want == gate.Fail {
		scale = 0.94
	}
	r := fixture(tb, scale, warn)
	cmp := r.Gates[0]
	cmp.Charts = []gate.Chart{{Title: "Candidate vs production", Kind: gate.Bars, Labels: []string{"precision@5", "recall@10", "latency_p95_ms"},
		Series: []gate.Series{{Name: "production", Values: []float64{0.2, 0.35, 120}}, {Name: "candidate", Values: []float64{0.2 * scale, 0.36, 140}}}}}
	r.Gates, r.Status = nil, ""

	tests := gate.Result{Gate: "tests", Title: "Gate 1: unit tests", Summary: "48 of 48 tests passed.",
		Checks: []gate.Check{{Name: "tests/test_features.py", Candidate: gate.F(30), Rule: "no failures", Status: gate.Pass},
			{Name: "tests/test_ranking.py", Candidate: gate.F(18), Rule: "no failures", Status: gate.Pass}}}
	if want == gate.Fail {
		tests.Summary = "1 of 48 tests failed: tests/test_ranking.py::test_topk_order."
		tests.Checks[1].Status = gate.Fail
		tests.Checks[1].Message = "test_topk_order: AssertionError: expected 5 items, got 4"
	}
	tests.Finish()
	r.Add(tests)
	r.Add(cmp)

	ab := gate.Result{Gate: "abtest", Title: "Gate 4: online A/B", Summary: "CTR improved by 8.5% (p = 0.0031); promote.",
		BaselineLabel: "control", CandidateLabel: "treatment",
		Checks: []gate.Check{{Name: "ctr", Baseline: gate.F(0.041), Candidate: gate.F(0.04449), Delta: gate.F(0.00349), Ratio: gate.F(1.0851), Rule: "not significantly worse", Status: gate.Pass}},
		Details: map[string]any{"decision": "promote", "reason": "CTR improved significantly after the minimum duration",
			"ctr": map[string]any{"control": 0.041, "treatment": 0.04449, "p_value": 0.0031, "z": 2.96}, "duration_hours": 49.5, "srm_p_value": 0.62}}
	ab.Finish()
	r.Add(ab)

	psi := []float64{0.08, 0.05, 0.02}
	if want != gate.Pass {
		psi[0] = 0.24
	}
	if want == gate.Fail {
		psi[0] = 0.41
	}
	drift := gate.Result{Gate: "drift", Title: "Feature drift", BaselineLabel: "reference", CandidateLabel: "current",
		Details: map[string]any{"features": 3.0, "drifted_share": 0.0, "method": "psi"}}
	for i, f := range []string{"age", "income", "clicks_7d"} {
		st := gate.Pass
		switch {
		case psi[i] > 0.3:
			st = gate.Fail
		case psi[i] > 0.2:
			st = gate.Warn
		}
		drift.Checks = append(drift.Checks, gate.Check{Name: f, Candidate: gate.F(psi[i]), Threshold: gate.F(0.3), Rule: "PSI ≤ 0.2 (warn above), ≤ 0.3", Status: st})
		cur := []float64{0.1, 0.2, 0.2, 0.2, 0.2, 0.1}
		if i == 0 && psi[0] > 0.2 {
			cur = []float64{0.02, 0.06, 0.12, 0.2, 0.3, 0.3}
		}
		drift.Charts = append(drift.Charts, gate.Chart{Title: f + ": PSI " + gate.FormatNumber(psi[i]), Check: f, Kind: gate.Histogram, Edges: []float64{0, 18, 25, 35, 45, 60, 90},
			Series: []gate.Series{{Name: "reference", Values: []float64{0.1, 0.2, 0.2, 0.2, 0.2, 0.1}}, {Name: "current", Values: cur}}})
	}
	if want != gate.Pass {
		// A drifted categorical feature: one bin per category.
		drift.Checks = append(drift.Checks, gate.Check{Name: "device", Candidate: gate.F(0.21), Threshold: gate.F(0.2), Rule: "PSI ≤ 0.2 (warn above), ≤ 0.3", Status: gate.Warn})
		drift.Charts = append(drift.Charts, gate.Chart{Title: "device: PSI 0.21", Check: "device", Kind: gate.Histogram, Labels: []string{"android", "ios", "web"},
			Series: []gate.Series{{Name: "reference", Values: []float64{0.45, 0.35, 0.2}}, {Name: "current", Values: []float64{0.3, 0.3, 0.4}}}})
	}
	drift.Finish()
	drift.Summary = map[gate.Status]string{gate.Pass: "No feature drifted.", gate.Warn: "age drifted (PSI 0.24 > 0.2).", gate.Fail: "age drifted severely (PSI 0.41 > 0.3)."}[drift.Status]
	r.Add(drift)
	r.Lineage = &gate.Lineage{Commit: "0123456789abcdef0123",
		Files:  map[string]string{"data/train.csv": "sha256:ab3f6679ccb770e6d10f73dda51dc6aaccffe860b10b8340139de9edf76679df", "data/current.parquet": "md5:939fb42b3200eef89a1e23408ac01dc5 (dvc)"},
		Params: map[string]any{"train.lr": 0.05, "train.epochs": 20, "model.name": "als"}, ParamsFile: "params.yaml"}
	if r.Overall() != want {
		tb.Fatalf("rich fixture is %s, want %s", r.Overall(), want)
	}
	return r
}
