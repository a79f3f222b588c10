package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/evaluation/scorefile"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/compare"
	"gitlab.com/mlgate/mlgate/internal/mlflow"
)

// baseline fetches production's metrics from the GitLab or MLflow source
// of section b (compare.Baselines).
func (r *Runner) baseline(ctx context.Context, b *config.Baseline) (*compare.Side, error) {
	if b.GitLab != nil {
		return r.gitlabBaseline(ctx, b)
	}
	return r.mlflowBaseline(ctx, b)
}

// gitlabBaseline reads production's metrics from the artifact of the
// default branch's last successful job.
func (r *Runner) gitlabBaseline(ctx context.Context, b *config.Baseline) (*compare.Side, error) {
	g := b.GitLab
	url := firstOf(g.URL, r.Getenv("CI_API_V4_URL"))
	a := gitlab.Artifact{Project: firstOf(g.Project, r.Getenv("CI_PROJECT_ID")), Ref: firstOf(g.Ref, r.Getenv("CI_DEFAULT_BRANCH")), Job: g.Job, Path: g.Path}
	if url == "" || a.Project == "" || a.Ref == "" {
		return nil, gate.Input(errors.New("gates.compare.baseline.gitlab: url, project and ref are needed: set them in the config or run in GitLab CI (CI_API_V4_URL, CI_PROJECT_ID, CI_DEFAULT_BRANCH)"))
	}
	envs := []string{"MLGATE_GITLAB_TOKEN", "CI_JOB_TOKEN"}
	if g.TokenEnv != "" {
		envs = []string{g.TokenEnv}
	}
	tok, err := gitlab.TokenFromEnv(r.Getenv, envs...)
	if err != nil {
		return nil, gate.Input(err)
	}
	client, err := gitlab.New(url, tok, gitlab.Options{})
	if err != nil {
		return nil, gate.Input(err)
	}
	data, err := gitlab.DownloadArtifact(ctx, client, a)
	if errors.Is(err, gitlab.ErrNoArtifact) && b.Optional {
		return nil, &compare.NoBaselineError{Msg: "No production baseline: " + err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	mt, err := scorefile.Parse(data, extOf(a.Path))
	if err != nil {
		return nil, gate.Input(fmt.Errorf("baseline %s: %w", a, err))
	}
	return &compare.Side{Metrics: mt, Source: fmt.Sprintf("%s of job %s on %s", a.Path, a.Job, a.Ref)}, nil
}

// mlflowBaseline reads the metrics of the model version an MLflow alias
// points to.
func (r *Runner) mlflowBaseline(ctx context.Context, b *config.Baseline) (*compare.Side, error) {
	g := b.MLflow
	uri := firstOf(g.TrackingURI, r.Getenv("MLFLOW_TRACKING_URI"))
	if uri == "" {
		return nil, gate.Input(errors.New("gates.compare.baseline.mlflow: no tracking_uri and MLFLOW_TRACKING_URI is unset"))
	}
	c := &mlflow.Client{BaseURL: uri, Token: r.Getenv(firstOf(g.TokenEnv, "MLFLOW_TRACKING_TOKEN")),
		Username: r.Getenv("MLFLOW_TRACKING_USERNAME"), Password: r.Getenv("MLFLOW_TRACKING_PASSWORD")}
	bl, err := c.AliasMetrics(ctx, g.Model, g.Alias)
	if errors.Is(err, mlflow.ErrNoAlias) && b.Optional {
		return nil, &compare.NoBaselineError{Msg: "No production baseline: " + err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return &compare.Side{Metrics: bl.Metrics, Source: fmt.Sprintf("MLflow models:/%s@%s (version %s, run %s)", g.Model, g.Alias, bl.Version.Version, bl.Version.RunID)}, nil
}

// firstOf returns the first non-empty string of vs.
func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// extOf returns the extension of path p, dot included.
func extOf(p string) string {
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[i:]
	}
	return ""
}
