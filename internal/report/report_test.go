package report

import (
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/compare"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func ptr(v float64) *float64 { return &v }

// fixture builds a report whose compare gate is held to the plan's rules;
// scale is the candidate's Precision@5 as a share of production's.
func fixture(tb testing.TB, scale float64, warnLatency bool) *gate.Report {
	tb.Helper()
	base := gate.Metrics{"precision@5": 0.2, "recall@10": 0.35, "latency_p95_ms": 120}
	cand := gate.Metrics{"precision@5": 0.2 * scale, "recall@10": 0.36, "latency_p95_ms": 140}
	f := false
	rules := []gate.Rule{
		{Metric: "precision@5", MinRatio: ptr(0.95)},
		{Metric: "recall@10", MinRatio: ptr(0.95)},
		{Metric: "latency_p95_ms", Max: ptr(300), HigherIsBetter: &f},
	}
	if warnLatency {
		rules = append(rules, gate.Rule{Metric: "latency_p95_ms", MaxDrop: ptr(10), HigherIsBetter: &f, Severity: gate.Warn})
	}
	res := compare.Compare(compare.Side{Metrics: cand, Source: "candidate.json"}, &compare.Side{Metrics: base, Source: "production.json"}, rules)
	res.Duration = 1500 * time.Millisecond
	r := &gate.Report{Schema: gate.SchemaVersion, Name: "offline", Model: "recommender", ModelVersion: "recommender-v1.5.0",
		Created: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Lineage: &gate.Lineage{Commit: "0123456789abcdef0123"}}
	r.Add(res)
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from %s (go test ./internal/report -update to accept):\n%s", name, p, got)
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		scale float64
		warn  bool
		want  gate.Status
	}{
		{"pass", 0.96, false, gate.Pass},
		{"warn", 0.96, true, gate.Warn},
		{"fail", 0.94, true, gate.Fail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := richFixture(t, c.want)
			golden(t, c.name+".md", []byte(Markdown(r, MarkdownOptions{PipelineURL: "https://gitlab.example.com/ml/rec/-/pipelines/7", JobURL: "https://gitlab.example.com/ml/rec/-/jobs/9",
				HTMLURL: "https://gitlab.example.com/ml/rec/-/jobs/9/artifacts/file/mlgate-out/report.html", MaxRows: 2})))
			j, err := JUnit(r)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".junit.xml", j)
			golden(t, c.name+".metrics.txt", []byte(OpenMetrics(r)))
			golden(t, c.name+".env", []byte(Dotenv(r)))
			h, err := HTML(r)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".html", h)
		})
	}
}

func TestFailNamesRuleAndValues(t *testing.T) {
	md := Markdown(fixture(t, 0.94, false), MarkdownOptions{})
	for _, want := range []string{
		"<!-- mlgate:report:offline -->",
		"| precision@5 | 0.2 | 0.188 | −0.012 | 94% | ≥ 95% of production (min_ratio 0.95) | ❌ fail |",
		"candidate precision@5 is 0.188 (production 0.2); required: ≥ 95% of production (min_ratio 0.95)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestJUnitIsValidAndCountsFailures(t *testing.T) {
	b, err := JUnit(fixture(t, 0.94, true))
	if err != nil {
		t.Fatal(err)
	}
	var s junitSuites
	if err := xml.Unmarshal(b, &s); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	if s.Tests != 4 || s.Failures != 1 || len(s.Suites) != 1 || s.Suites[0].Cases[0].Failure == nil {
		t.Errorf("tests=%d failures=%d suites=%+v", s.Tests, s.Failures, s.Suites)
	}
}

func TestWriteAndReadJSON(t *testing.T) {
	dir := t.TempDir()
	r := fixture(t, 0.96, false)
	paths, err := Write(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 6 {
		t.Fatalf("wrote %v", paths)
	}
	back, err := ReadJSON(filepath.Join(dir, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if back.Overall() != gate.Pass || len(back.Gates[0].Checks) != 3 || *back.Gates[0].Checks[0].Candidate != 0.2*0.96 {
		t.Errorf("round trip lost data: %+v", back.Gates[0])
	}
}

func TestSVGEscapes(t *testing.T) {
	s := SVG(gate.Chart{Title: "<b>", Kind: gate.Bars, Labels: []string{"a<script>"}, Series: []gate.Series{{Name: "x&y", Values: []float64{1}}}})
	if strings.Contains(s, "<script>") || strings.Contains(s, "<b>") || !strings.Contains(s, "x&amp;y") {
		t.Errorf("unescaped text in %s", s)
	}
}
