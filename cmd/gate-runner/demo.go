package main

import (
	"context"
	"fmt"
	"path/filepath"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/demo"
	"gitlab.com/mlgate/mlgate/internal/gates"
	"gitlab.com/mlgate/mlgate/internal/metricsfile"
)

// runDemo is `gate-runner demo`: the gates on the bundled sample data of a
// small recommender, with the plan's rules, and no network. It writes the
// data it used and every output file under --out (default mlgate-demo).
func runDemo(ctx context.Context, m *Main, args []string) error {
	c := common{out: "mlgate-demo"}
	fs := m.flagSet("demo", nil)
	fs.StringVar(&c.out, "out", c.out, "directory for the sample data and the outputs")
	fs.StringVar(&c.format, "format", "table", "what to print: table, json or markdown")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	dir, err := demo.Extract(c.out)
	if err != nil {
		return err
	}
	in := func(name string) string { return filepath.Join(dir, name) }
	cfg := &config.Config{Model: config.Model{Name: "recommender", Version: "recommender-v1.5.0"}, Report: config.Report{Name: "demo", Out: c.out}}
	if err := cfg.Validate(); err != nil {
		return err
	}
	r := m.newReport(&c, cfg)

	done := m.section("compare", "Gate 3: offline metrics of the candidate against production")
	start := m.Now()
	res, err := m.demoCompare(ctx, in)
	done()
	if err != nil {
		return fmt.Errorf("demo gate 3: %w", err)
	}
	res.Duration = m.Now().Sub(start)
	r.Add(res)

	err = m.finish(&c, cfg, r)
	if c.format == "table" {
		fmt.Fprintf(m.Stdout, "Open %s in a browser for the charts.\n", filepath.Join(c.out, "report.html"))
	}
	return err
}

// demoCompare computes both models' ranking metrics from their top-20 lists
// and holds the candidate to the plan's Gate 3: Precision@5 and Recall@10 at
// least 95% of production, and p95 latency under 300 ms.
func (m *Main) demoCompare(ctx context.Context, in func(string) string) (gates.Result, error) {
	side := func(pred, serving string) (*gates.Side, error) {
		mt, err := m.computeMetrics(ctx, config.MetricSource{Predictions: in(pred), Labels: in(demo.Labels), Task: "ranking", K: []int{5, 10}})
		if err != nil {
			return nil, err
		}
		sv, err := metricsfile.LoadFile(in(serving))
		if err != nil {
			return nil, err
		}
		for k, v := range sv {
			mt[k] = v
		}
		return &gates.Side{Metrics: mt, Source: pred}, nil
	}
	cand, err := side(demo.Candidate, demo.CandidateServing)
	if err != nil {
		return gates.Result{}, err
	}
	base, err := side(demo.Production, demo.ProductionServing)
	if err != nil {
		return gates.Result{}, err
	}
	f := func(v float64) *float64 { return &v }
	lower := false
	rules := []gates.Rule{
		{Metric: "precision@5", MinRatio: f(0.95)},
		{Metric: "recall@10", MinRatio: f(0.95)},
		{Metric: "ndcg@10", MinRatio: f(0.95), Severity: gates.Warn},
		{Metric: "serving.latency_p95_ms", Max: f(300), HigherIsBetter: &lower},
		{Metric: "serving.error_rate", Max: f(0.01), HigherIsBetter: &lower},
	}
	res := gates.Compare(*cand, base, rules)
	res.Notes = append(res.Notes, fmt.Sprintf("Candidate from %s; production from %s; both against the held-out interactions in %s.", cand.Source, base.Source, demo.Labels))
	return res, nil
}
