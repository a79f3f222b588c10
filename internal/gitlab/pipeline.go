package gitlab

import (
	"context"
	"fmt"
	"sort"

	gl "gitlab.com/gitlab-org/api/client-go"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

// Pipelines starts retraining pipelines: POST /projects/:id/pipeline with
// the client's token, or POST /projects/:id/trigger/pipeline with a
// pipeline trigger token when one is set.
type Pipelines struct {
	client       *gl.Client
	triggerToken string
}

// NewPipelines wraps a client made by New; triggerToken, when not empty,
// makes it use the pipeline trigger API. Give New Options{RetryMax: -1}
// when the caller retries itself (mlbot's outbox does).
func NewPipelines(c *gl.Client, triggerToken string) *Pipelines {
	return &Pipelines{client: c, triggerToken: triggerToken}
}

// Retrain creates a pipeline on t.Project at t.Ref with t.Variables as
// env_var pipeline variables. A 4xx answer (unknown project or ref, a
// variable GitLab refuses) is permanent; 5xx, timeouts and network errors
// are not.
func (p *Pipelines) Retrain(ctx context.Context, t mlbot.RetrainTask) (mlbot.Run, error) {
	keys := make([]string, 0, len(t.Variables))
	for k := range t.Variables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vars := make([]*gl.PipelineVariableOptions, 0, len(keys))
	for _, k := range keys {
		vars = append(vars, &gl.PipelineVariableOptions{
			Key: gl.Ptr(k), Value: gl.Ptr(t.Variables[k]), VariableType: gl.Ptr(gl.EnvVariableType),
		})
	}
	var pl *gl.Pipeline
	var resp *gl.Response
	var err error
	if p.triggerToken != "" {
		opt := &gl.RunPipelineTriggerOptions{Ref: gl.Ptr(t.Ref), Token: gl.Ptr(p.triggerToken), Variables: t.Variables}
		pl, resp, err = p.client.PipelineTriggers.RunPipelineTrigger(t.Project, opt, gl.WithContext(ctx))
	} else {
		opt := &gl.CreatePipelineOptions{Ref: gl.Ptr(t.Ref), Variables: &vars}
		pl, resp, err = p.client.Pipelines.CreatePipeline(t.Project, opt, gl.WithContext(ctx))
	}
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return mlbot.Run{}, mlbot.ClassifyHTTP(status, fmt.Errorf("create pipeline on %s@%s: %w", t.Project, t.Ref, err))
	}
	return mlbot.Run{Backend: "gitlab", Project: t.Project, ExternalID: pl.ID, WebURL: pl.WebURL, Status: pl.Status}, nil
}
