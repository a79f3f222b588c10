package canary

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/prom"
)

// fixed answers queries from maps; a missing query is no data.
type fixed struct {
	scalars map[string]float64
	ranges  map[string][]float64
	errs    map[string]error
	asked   []string
}

func (f *fixed) Scalar(_ context.Context, q string, _ time.Time) (float64, error) {
	f.asked = append(f.asked, q)
	if err, ok := f.errs[q]; ok {
		return 0, err
	}
	v, ok := f.scalars[q]
	if !ok {
		return 0, fmt.Errorf("query %q: %w: no series", q, prom.ErrNoData)
	}
	return v, nil
}

func (f *fixed) Range(_ context.Context, q string, start, end time.Time, step time.Duration) ([]prom.Sample, error) {
	f.asked = append(f.asked, q)
	vs, ok := f.ranges[q]
	if !ok {
		return nil, fmt.Errorf("range query %q: %w: no series", q, prom.ErrNoData)
	}
	var out []prom.Sample
	for i, v := range vs {
		out = append(out, prom.Sample{T: start.Add(time.Duration(i) * step), V: v})
	}
	return out, nil
}

func fp(v float64) *float64 { return &v }

func TestRun(t *testing.T) {
	lat := func(base float64) []float64 {
		var v []float64
		for i := 0; i < 30; i++ {
			v = append(v, base+float64(i%7)*0.01)
		}
		return v
	}
	f := &fixed{
		scalars: map[string]float64{"errors[15m]": 0.004, "p95[15m]": 0.42, "low": 3},
		ranges:  map[string][]float64{"can_slow": lat(0.30), "can_same": lat(0.2), "base": lat(0.2), "can_fast": lat(0.1)},
		errs:    map[string]error{"bad": fmt.Errorf("query: %w: parse error", prom.ErrQuery), "many": fmt.Errorf("%w: 2 series", prom.ErrAmbiguous)},
	}
	p := Params{End: time.Unix(1e9, 0), Window: 15 * time.Minute, Checks: []Check{
		{Name: "error rate", Query: "errors[{{window}}]", Max: fp(0.01)},
		{Name: "p95 latency", Query: "p95[{{window}}]", Max: fp(0.3)},
		{Name: "throughput", Query: "low", Min: fp(1)},
		{Name: "saturation", Query: "absent", Max: fp(0.9)},
	}, Judges: []Judge{
		{Name: "latency slower", Canary: "can_slow", Baseline: "base", Tolerance: 0.1},
		{Name: "latency same", Canary: "can_same", Baseline: "base", Tolerance: 0.1},
		{Name: "latency faster", Canary: "can_fast", Baseline: "base", Tolerance: 0.1},
		{Name: "latency faster, either", Canary: "can_fast", Baseline: "base", Tolerance: 0.1, Bad: "either"},
	}}
	res, err := Run(context.Background(), f, p)
	if err != nil {
		t.Fatal(err)
	}
	d := res.Details.(*Details)
	want := map[string]string{"error rate": Pass, "p95 latency": Fail, "throughput": Pass, "saturation": NoData}
	for _, c := range d.Checks {
		if c.Verdict != want[c.Name] {
			t.Errorf("%s: verdict %s, expected %s (%s)", c.Name, c.Verdict, want[c.Name], c.Message)
		}
	}
	wantJ := map[string][2]string{"latency slower": {High, Fail}, "latency same": {Pass, Pass}, "latency faster": {Low, Pass}, "latency faster, either": {Low, Fail}}
	for _, j := range d.Judges {
		if w := wantJ[j.Name]; j.Classification != w[0] || j.Verdict != w[1] {
			t.Errorf("%s: %s/%s, expected %s/%s (%s)", j.Name, j.Classification, j.Verdict, w[0], w[1], j.Message)
		}
	}
	if res.Status != gate.Fail || d.Verdict != "unhealthy" {
		t.Errorf("status %s verdict %s", res.Status, d.Verdict)
	}
	if res.Summary != "Canary unhealthy over 15m: 4 pass, 3 fail, 1 nodata." {
		t.Errorf("summary %q", res.Summary)
	}
	if f.asked[0] != "errors[15m]" {
		t.Errorf("window placeholder: asked %q", f.asked[0])
	}

	// nodata only: warn by default, fail when asked.
	p2 := Params{End: time.Unix(1e9, 0), Window: time.Hour, Checks: []Check{{Name: "saturation", Query: "absent", Max: fp(1)}}}
	res, _ = Run(context.Background(), f, p2)
	if res.Status != gate.Warn || res.Details.(*Details).Verdict != "unknown" {
		t.Errorf("nodata: status %s", res.Status)
	}
	p2.NoData = gate.Fail
	if res, _ = Run(context.Background(), f, p2); res.Status != gate.Fail {
		t.Errorf("nodata with NoData fail: status %s", res.Status)
	}

	// Wrong queries are input errors naming the check.
	for _, q := range []string{"bad", "many", "x{v=\"{{typo}}\"}"} {
		_, err := Run(context.Background(), f, Params{End: time.Unix(1e9, 0), Window: time.Hour, Checks: []Check{{Name: "c-" + q, Query: q, Max: fp(1)}}})
		if !errors.Is(err, gate.ErrInput) || !strings.Contains(err.Error(), "c-"+q) {
			t.Errorf("query %q: error %v, expected an input error naming the check", q, err)
		}
	}
}
