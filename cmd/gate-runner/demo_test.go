package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/report"
)

// TestDemo is `make demo` in-process: exit 0, the six files, and the
// candidate held to the plan's rules with both sides' values.
func TestDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mlgate-demo")
	code, stdout, stderr := runMain(t, nil, "demo", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, f := range report.Files {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	r, err := report.ReadJSON(filepath.Join(out, report.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var gateNames, names []string
	for _, g := range r.Gates {
		gateNames = append(gateNames, g.Gate)
	}
	if strings.Join(gateNames, ",") != "tests,data,compare,abtest,drift" {
		t.Errorf("gates %v", gateNames)
	}
	for _, c := range r.Gates[2].Checks {
		if c.Candidate == nil || c.Baseline == nil {
			t.Errorf("%s lacks a value: %+v", c.Name, c)
		}
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "precision@5,recall@10") || !strings.Contains(got, "serving.latency_p95_ms") {
		t.Errorf("checks %s", got)
	}
	if !strings.Contains(stdout, "Decision: promote") {
		t.Errorf("the A/B gate did not promote:\n%s", stdout)
	}
	// The config the demo wrote runs again with gate-runner run.
	if code, stdout, stderr := runMain(t, nil, "run", "-c", filepath.Join(out, "mlgate.yml"), "--out", filepath.Join(out, "again")); code != 0 {
		t.Errorf("run -c mlgate.yml: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, filepath.Join(out, "report.html")) {
		t.Errorf("stdout does not say where the HTML report is:\n%s", stdout)
	}
}

func TestMetricsJSONIsFlat(t *testing.T) {
	code, stdout, stderr := runMain(t, nil, "metrics", "--predictions", "../../internal/evaluation/testdata/ref.run.gz",
		"--labels", "../../internal/evaluation/testdata/ref.qrels.gz", "--k", "5,10", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m map[string]float64
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("not a flat object of numbers: %v\n%s", err, stdout)
	}
	for _, k := range []string{"precision@5", "recall@10", "ndcg@10", "map@10", "mrr", "hit_rate@5", "coverage@10", "users_evaluated"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	if code, _, stderr := runMain(t, nil, "metrics", "--predictions", "x.csv", "--labels", "y.csv", "--k", "0"); code != 2 || !strings.Contains(stderr, `"0" is not a cut-off ≥ 1`) {
		t.Errorf("bad --k: %d %s", code, stderr)
	}
}
