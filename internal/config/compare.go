package config

import (
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// CompareGate configures Gate 3: candidate metrics against production.
type CompareGate struct {
	// Candidate is where the candidate's metrics come from.
	Candidate MetricSource `yaml:"candidate"`
	// Baseline is where production's metrics come from; nil means there is
	// no production model yet and only absolute bounds apply.
	Baseline *Baseline `yaml:"baseline"`
	// Rules hold metrics to bounds; at least one.
	Rules []gate.Rule `yaml:"rules"`
}

// MetricSource is a metrics file, or predictions and labels from which
// `gate-runner metrics` computes the metrics.
type MetricSource struct {
	// File is a JSON or YAML metrics file; nested keys are flattened with
	// "." as DVC writes them. Given with Predictions and Labels, its
	// metrics join the computed ones (serving latency from a load test
	// beside offline ranking metrics, say); a name in both is an error.
	File string `yaml:"file"`
	// Predictions and Labels are raw files for internal/evaluation.
	Predictions string `yaml:"predictions"`
	Labels      string `yaml:"labels"`
	// Task is ranking, classification or regression; empty: inferred from
	// the columns.
	Task string `yaml:"task"`
	// K are the cut-offs of ranking metrics (default 5 and 10).
	K []int `yaml:"k"`
}

// Baseline is production's metrics: from a file, from raw predictions, from
// the default branch's latest successful pipeline artifact, or from an
// MLflow registry alias. Exactly one source is set.
type Baseline struct {
	MetricSource `yaml:",inline"`
	GitLab       *GitLabBaseline `yaml:"gitlab"`
	MLflow       *MLflowBaseline `yaml:"mlflow"`
	// Optional means a remote source that has no baseline yet (no
	// successful pipeline, no alias: HTTP 404) is treated as the first
	// model instead of an error.
	Optional bool `yaml:"optional"`
}

// GitLabBaseline reads a metrics file from the artifacts of the latest
// successful pipeline of a ref (GET /projects/:id/jobs/artifacts/:ref/raw/:path?job=NAME).
type GitLabBaseline struct {
	// URL is the API root; default $CI_API_V4_URL.
	URL string `yaml:"url"`
	// Project is the id or path; default $CI_PROJECT_ID.
	Project string `yaml:"project"`
	// Ref is the branch; default $CI_DEFAULT_BRANCH.
	Ref string `yaml:"ref"`
	// Job is the job whose artifacts hold the metrics file (required).
	Job string `yaml:"job"`
	// Path is the metrics file inside the artifacts (required).
	Path string `yaml:"path"`
	// TokenEnv names the token variable; default MLGATE_GITLAB_TOKEN, and
	// CI_JOB_TOKEN when that is unset (a job token may read artifacts).
	TokenEnv string `yaml:"token_env"`
}

// MLflowBaseline reads the metrics of the run behind a registered model's
// alias (GET /api/2.0/mlflow/registered-models/alias, then runs/get).
type MLflowBaseline struct {
	// TrackingURI is the server; default $MLFLOW_TRACKING_URI.
	TrackingURI string `yaml:"tracking_uri"`
	// Model is the registered model's name; or give URI.
	Model string `yaml:"model"`
	// Alias defaults to "champion".
	Alias string `yaml:"alias"`
	// URI is the "models:/NAME@ALIAS" form of Model and Alias.
	URI string `yaml:"uri"`
	// TokenEnv names the bearer token variable; default MLFLOW_TRACKING_TOKEN.
	TokenEnv string `yaml:"token_env"`
}

func (g *CompareGate) validate(file string) error {
	if g == nil {
		return nil
	}
	errf := func(format string, a ...any) error {
		return &Error{File: file, Msg: "gates.compare." + fmt.Sprintf(format, a...)}
	}
	if err := g.Candidate.validate(); err != nil {
		return errf("candidate: %v", err)
	}
	if b := g.Baseline; b != nil {
		n := 0
		if b.File != "" || b.Predictions != "" || b.Labels != "" {
			n++
			if err := b.MetricSource.validate(); err != nil {
				return errf("baseline: %v", err)
			}
		}
		if b.GitLab != nil {
			n++
			if b.GitLab.Job == "" || b.GitLab.Path == "" {
				return errf("baseline.gitlab: job and path are required (the job that writes the metrics file, and the file's path in its artifacts)")
			}
		}
		if b.MLflow != nil {
			n++
			m := b.MLflow
			if m.URI != "" {
				name, alias, err := ParseModelURI(m.URI)
				if err != nil {
					return errf("baseline.mlflow.uri: %v", err)
				}
				if m.Model != "" || m.Alias != "" {
					return errf("baseline.mlflow: give uri or model and alias, not both")
				}
				m.Model, m.Alias = name, alias
			}
			if m.Model == "" {
				return errf("baseline.mlflow: model (or uri models:/NAME@ALIAS) is required")
			}
			if m.Alias == "" {
				m.Alias = "champion"
			}
		}
		if n != 1 {
			return errf("baseline: found %d sources, expected exactly one of file, predictions+labels, gitlab, mlflow", n)
		}
	}
	if len(g.Rules) == 0 {
		return errf("rules: none given, expected at least one (e.g. {metric: precision@5, min_ratio: 0.95})")
	}
	for i, r := range g.Rules {
		if err := r.Validate(); err != nil {
			return errf("rules[%d]: %v", i, err)
		}
	}
	return nil
}

func (s *MetricSource) validate() error {
	switch {
	case (s.Predictions == "") != (s.Labels == ""):
		return fmt.Errorf("predictions and labels go together; only one is set")
	case s.File == "" && s.Predictions == "":
		return fmt.Errorf("no source: expected file (a metrics JSON/YAML) or predictions and labels")
	}
	switch s.Task {
	case "", "ranking", "classification", "regression":
	default:
		return fmt.Errorf("task is %q, expected ranking, classification or regression", s.Task)
	}
	for _, k := range s.K {
		if k <= 0 {
			return fmt.Errorf("k has %d, expected cut-offs ≥ 1", k)
		}
	}
	return nil
}

// ParseModelURI splits "models:/NAME@ALIAS".
func ParseModelURI(uri string) (name, alias string, err error) {
	rest, ok := strings.CutPrefix(uri, "models:/")
	name, alias, ok2 := strings.Cut(rest, "@")
	if !ok || !ok2 || name == "" || alias == "" || strings.Contains(alias, "/") {
		return "", "", fmt.Errorf("%q is not of the form models:/NAME@ALIAS", uri)
	}
	return name, alias, nil
}
