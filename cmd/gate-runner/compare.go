package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/compare"
	"gitlab.com/mlgate/mlgate/internal/gitlab"
	"gitlab.com/mlgate/mlgate/internal/metricsfile"
	"gitlab.com/mlgate/mlgate/internal/mlflow"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// runCompare is `gate-runner compare`: Gate 3. Flags override the config's
// gates.compare section; --rule flags replace its rules.
func runCompare(ctx context.Context, m *Main, args []string) error {
	var c common
	var cand, base string
	var rules listFlag
	fs := m.flagSet("compare", &c)
	fs.StringVar(&cand, "candidate", "", "candidate metrics file (JSON or YAML; nested keys flattened with '.')")
	fs.StringVar(&base, "baseline", "", "production metrics file; omit for a first model (only min/max apply)")
	fs.Var(&rules, "rule", "a rule METRIC:COND=VALUE[,…], e.g. precision@5:min_ratio=0.95 (repeatable; replaces the config's rules)")
	cfg, err := m.parseGate(fs, &c, args)
	if err != nil {
		return err
	}
	g := cfg.Gates.Compare
	if g == nil {
		g = &config.CompareGate{}
	}
	if cand != "" {
		g.Candidate = config.MetricSource{File: cand}
	}
	if base != "" {
		g.Baseline = &config.Baseline{MetricSource: config.MetricSource{File: base}}
	}
	if len(rules) > 0 {
		g.Rules = nil
		for _, s := range rules {
			r, err := gate.ParseRule(s)
			if err != nil {
				return gate.Input(err)
			}
			g.Rules = append(g.Rules, r)
		}
	}
	if g.Candidate.File == "" && g.Candidate.Predictions == "" {
		return gate.Input(errors.New("no candidate: give --candidate FILE or gates.compare.candidate in the config"))
	}
	if len(g.Rules) == 0 {
		return gate.Input(errors.New("no rules: give --rule METRIC:COND=VALUE or gates.compare.rules in the config"))
	}
	res, err := m.compareGate(ctx, g)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}

// compareGate gathers both sides' metrics and applies Gate 3's rules.
func (m *Main) compareGate(ctx context.Context, g *config.CompareGate) (gate.Result, error) {
	cand, err := m.metricSource(ctx, g.Candidate, "candidate")
	if err != nil {
		return gate.Result{}, err
	}
	var base *compare.Side
	var notes []string
	if g.Baseline != nil {
		base, err = m.baseline(ctx, g.Baseline)
		var nb *noBaselineError
		switch {
		case errors.As(err, &nb):
			notes = append(notes, nb.Error()+"; going on as for a first model (baseline.optional is set).")
		case err != nil:
			return gate.Result{}, err
		}
	}
	res := compare.Compare(*cand, base, g.Rules)
	if base != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("Candidate from %s; production from %s.", cand.Source, base.Source))
	}
	res.Notes = append(res.Notes, notes...)
	return res, nil
}

// metricSource reads one side's metrics from a metrics file, or computes
// them from predictions and labels.
func (m *Main) metricSource(ctx context.Context, s config.MetricSource, side string) (*compare.Side, error) {
	out := &compare.Side{Metrics: gate.Metrics{}}
	var sources []string
	if s.Predictions != "" {
		mt, err := m.computeMetrics(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s metrics: %w", side, err)
		}
		out.Metrics = mt
		sources = append(sources, s.Predictions+" against "+s.Labels)
	}
	if s.File != "" {
		mt, err := metricsfile.LoadFile(s.File)
		if err != nil {
			return nil, err
		}
		for k, v := range mt {
			if _, dup := out.Metrics[k]; dup {
				return nil, gate.Input(fmt.Errorf("%s: metric %s is also computed from %s; rename it in one of them", s.File, k, s.Predictions))
			}
			out.Metrics[k] = v
		}
		sources = append(sources, s.File)
	}
	out.Source = strings.Join(sources, " and ")
	return out, nil
}

// noBaselineError says a remote source has no baseline yet.
type noBaselineError struct{ msg string }

func (e *noBaselineError) Error() string { return e.msg }

// baseline reads production's metrics from the one source configured.
func (m *Main) baseline(ctx context.Context, b *config.Baseline) (*compare.Side, error) {
	switch {
	case b.GitLab != nil:
		return m.gitlabBaseline(ctx, b)
	case b.MLflow != nil:
		return m.mlflowBaseline(ctx, b)
	}
	return m.metricSource(ctx, b.MetricSource, "baseline")
}

func (m *Main) gitlabBaseline(ctx context.Context, b *config.Baseline) (*compare.Side, error) {
	g := b.GitLab
	url := firstOf(g.URL, m.Getenv("CI_API_V4_URL"))
	a := gitlab.Artifact{Project: firstOf(g.Project, m.Getenv("CI_PROJECT_ID")), Ref: firstOf(g.Ref, m.Getenv("CI_DEFAULT_BRANCH")), Job: g.Job, Path: g.Path}
	if url == "" || a.Project == "" || a.Ref == "" {
		return nil, gate.Input(errors.New("gates.compare.baseline.gitlab: url, project and ref are needed: set them in the config or run in GitLab CI (CI_API_V4_URL, CI_PROJECT_ID, CI_DEFAULT_BRANCH)"))
	}
	envs := []string{"MLGATE_GITLAB_TOKEN", "CI_JOB_TOKEN"}
	if g.TokenEnv != "" {
		envs = []string{g.TokenEnv}
	}
	tok, err := gitlab.TokenFromEnv(m.Getenv, envs...)
	if err != nil {
		return nil, gate.Input(err)
	}
	client, err := gitlab.New(url, tok, gitlab.Options{})
	if err != nil {
		return nil, gate.Input(err)
	}
	data, err := gitlab.DownloadArtifact(ctx, client, a)
	if errors.Is(err, gitlab.ErrNoArtifact) && b.Optional {
		return nil, &noBaselineError{msg: "No production baseline: " + err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	mt, err := metricsfile.Parse(data, extOf(a.Path))
	if err != nil {
		return nil, gate.Input(fmt.Errorf("baseline %s: %w", a, err))
	}
	return &compare.Side{Metrics: mt, Source: fmt.Sprintf("%s of job %s on %s", a.Path, a.Job, a.Ref)}, nil
}

func (m *Main) mlflowBaseline(ctx context.Context, b *config.Baseline) (*compare.Side, error) {
	g := b.MLflow
	uri := firstOf(g.TrackingURI, m.Getenv("MLFLOW_TRACKING_URI"))
	if uri == "" {
		return nil, gate.Input(errors.New("gates.compare.baseline.mlflow: no tracking_uri and MLFLOW_TRACKING_URI is unset"))
	}
	c := &mlflow.Client{BaseURL: uri, Token: m.Getenv(firstOf(g.TokenEnv, "MLFLOW_TRACKING_TOKEN")),
		Username: m.Getenv("MLFLOW_TRACKING_USERNAME"), Password: m.Getenv("MLFLOW_TRACKING_PASSWORD")}
	bl, err := c.AliasMetrics(ctx, g.Model, g.Alias)
	if errors.Is(err, mlflow.ErrNoAlias) && b.Optional {
		return nil, &noBaselineError{msg: "No production baseline: " + err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return &compare.Side{Metrics: bl.Metrics, Source: fmt.Sprintf("MLflow models:/%s@%s (version %s, run %s)", g.Model, g.Alias, bl.Version.Version, bl.Version.RunID)}, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func extOf(p string) string {
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[i:]
	}
	return ""
}
