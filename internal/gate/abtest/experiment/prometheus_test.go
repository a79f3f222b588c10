package experiment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/prom"
)

// counts answers "clicks{variant}[window]" style queries: per group a fixed
// rate of successes and trials per hour of window; anything else is no
// data, and "bad" queries are rejected.
type counts struct{ asked []string }

func (c *counts) Scalar(_ context.Context, q string, at time.Time) (float64, error) {
	c.asked = append(c.asked, q+" @"+at.Format("01-02T15"))
	var name, group, window string
	if _, err := fmt.Sscanf(strings.NewReplacer("{", " ", "}", " ", "[", " ", "]", " ").Replace(q), "%s %s %s", &name, &group, &window); err != nil {
		return 0, fmt.Errorf("query %q: %w: no series", q, prom.ErrNoData)
	}
	md, err := model.ParseDuration(window)
	d := time.Duration(md)
	if err != nil {
		return 0, fmt.Errorf("query %q: %w: window %q", q, prom.ErrQuery, window)
	}
	h := d.Hours()
	rate := map[string]float64{"trials/control": 900, "trials/challenger": 100, "succ/control": 90, "succ/challenger": 11, "users/control": 90, "users/challenger": 10, "lat/control": 0.2, "lat/challenger": 0.2}
	switch name {
	case "bad":
		return 0, fmt.Errorf("query %q: %w: parse error", q, prom.ErrQuery)
	case "lat":
		return rate[name+"/"+group], nil
	}
	r, ok := rate[name+"/"+group]
	if !ok {
		return 0, fmt.Errorf("query %q: %w: no series", q, prom.ErrNoData)
	}
	return r * h, nil
}

func (c *counts) Range(_ context.Context, q string, start, end time.Time, step time.Duration) ([]prom.Sample, error) {
	return nil, fmt.Errorf("range query %q: %w: no series", q, prom.ErrNoData)
}

func promGate() *config.ABTestGate {
	g := &config.ABTestGate{Start: "2026-11-20T00:00:00Z", End: "2026-11-23T12:00:00Z", Sequential: true,
		Metrics: []config.ABMetric{
			{Name: "ctr", Kind: "proportion", Numerator: "succ{{{variant}}}[{{window}}]", Denominator: "trials{{{variant}}}[{{window}}]"},
			{Name: "dwell", Kind: "mean", Query: "dwell{{{variant}}}[{{window}}]"},
		},
		Guardrails: []config.ABGuardrail{{Name: "latency", Query: "lat{{{variant}}}[{{window}}]", Max: ptr(0.3)}, {Name: "errors", Query: "absent{{{variant}}}[{{window}}]", Max: ptr(0.01)}},
		Units:      "users{{{variant}}}[{{window}}]",
	}
	g.Defaults()
	return g
}

func TestFromPrometheus(t *testing.T) {
	q := &counts{}
	in, err := FromPrometheus(context.Background(), q, promGate(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctr := in.Metrics[0]
	if len(ctr.Looks) != 4 || ctr.Err != nil {
		t.Fatalf("ctr looks %d, err %v: expected 3 daily looks and the end", len(ctr.Looks), ctr.Err)
	}
	if l := ctr.Looks[0]; l.A.Trials != 900*24 || l.B.Successes != 11*24 {
		t.Errorf("first look %+v", l)
	}
	if l := ctr.Looks[3]; l.A.Trials != 900*84 {
		t.Errorf("last look %+v, expected 84 h of trials", l)
	}
	if in.Metrics[1].Err == nil || !errors.Is(in.Metrics[1].Err, prom.ErrNoData) {
		t.Errorf("dwell err %v, expected no data", in.Metrics[1].Err)
	}
	if in.Units != [2]float64{90 * 84, 10 * 84} {
		t.Errorf("units %v", in.Units)
	}
	if g := in.Guardrails; g[0].Err != nil || g[0].Challenger != 0.2 || !errors.Is(g[1].Err, prom.ErrNoData) {
		t.Errorf("guardrails %+v", g)
	}
	if !strings.Contains(q.asked[0], "[1d]") {
		t.Errorf("first query %q, expected the window of the first look", q.asked[0])
	}
}

func TestFromPrometheusErrors(t *testing.T) {
	g := promGate()
	g.Metrics[0].Numerator = "bad{{{variant}}}[{{window}}]"
	if _, err := FromPrometheus(context.Background(), &counts{}, g, time.Now()); !errors.Is(err, gate.ErrInput) || !strings.Contains(err.Error(), "metric ctr") {
		t.Errorf("rejected query: %v", err)
	}
	g = promGate()
	g.Metrics[0].Numerator = "succ{{{varaint}}}"
	if _, err := FromPrometheus(context.Background(), &counts{}, g, time.Now()); !errors.Is(err, gate.ErrInput) || !strings.Contains(err.Error(), "{{varaint}}") {
		t.Errorf("typo: %v", err)
	}
	g = promGate()
	g.Start = ""
	if _, err := FromPrometheus(context.Background(), &counts{}, g, time.Now()); !errors.Is(err, gate.ErrInput) || !strings.Contains(err.Error(), "gates.abtest.start is not set") {
		t.Errorf("no start: %v", err)
	}
}
