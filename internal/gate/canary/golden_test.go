package canary

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestResultGolden pins the canary gate's result as results.json and
// report.md hold it, details included, to bytes written before the gate's
// own result types gave way to gate.Check (regenerate with -update only
// for an intended change).
func TestResultGolden(t *testing.T) {
	f := &fixed{
		scalars: map[string]float64{"errors[15m]": 0.004, "p95[15m]": 0.42},
		ranges:  map[string][]float64{"can": {0.3, 0.31, 0.32, 0.33, 0.34, 0.35}, "base": {0.2, 0.21, 0.22, 0.2, 0.21, 0.22}},
	}
	p := Params{End: time.Unix(1e9, 0).UTC(), Window: 15 * time.Minute, Checks: []Check{
		{Name: "error rate", Query: "errors[{{window}}]", Max: fp(0.01)},
		{Name: "p95 latency", Query: "p95[{{window}}]", Max: fp(0.3)},
		{Name: "saturation", Query: "absent", Max: fp(0.9)},
	}, Judges: []Judge{
		{Name: "latency", Canary: "can", Baseline: "base", Tolerance: 0.1},
		{Name: "quiet", Canary: "none", Baseline: "base", Tolerance: 0.1},
	}}
	res, err := Run(context.Background(), f, p)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	r := &gate.Report{Schema: 1, Name: "canary", Created: p.End}
	r.Add(res)
	md := report.Markdown(r, report.MarkdownOptions{})
	for name, got := range map[string][]byte{"testdata/result.json.golden": append(js, '\n'), "testdata/report.md.golden": []byte(md)} {
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs:\n%s", name, got)
		}
	}
}
