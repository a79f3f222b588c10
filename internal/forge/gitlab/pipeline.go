package gitlab

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Pipelines starts retraining pipelines: POST /projects/:id/pipeline with
// the client's token, or POST /projects/:id/trigger/pipeline with a
// pipeline trigger token when one is set.
type Pipelines struct {
	client       *gl.Client
	triggerToken string
	// NoLookup turns off the search for an earlier attempt's pipeline
	// (the client has no API token that may list pipelines).
	NoLookup bool

	look lookups
}

// NewPipelines wraps a client made by New; triggerToken, when not empty,
// makes it use the pipeline trigger API. Give New Options{RetryMax: -1}
// when the caller retries itself (mlbot's outbox does).
func NewPipelines(c *gl.Client, triggerToken string) *Pipelines {
	return &Pipelines{client: c, triggerToken: triggerToken}
}

// Retrain creates a pipeline on t.Project at t.Ref with t.Variables as
// env_var pipeline variables, plus MLGATE_JOB_ID and MLGATE_PIPELINE_NAME
// when t.JobID is set. When an earlier attempt may have created one
// (t.Since), it first looks for a pipeline of this job (see find) and
// returns that one instead. A 4xx
// answer (unknown project or ref, a variable GitLab refuses) is permanent;
// 5xx, timeouts and network errors are not.
func (p *Pipelines) Retrain(ctx context.Context, t forge.RetrainTask) (forge.Run, error) {
	vars := make(map[string]string, len(t.Variables)+1)
	for k, v := range t.Variables {
		vars[k] = v
	}
	if t.JobID != 0 {
		vars[forge.JobIDVariable] = strconv.FormatInt(t.JobID, 10)
		vars[forge.PipelineNameVariable] = forge.PipelineName(t.JobID)
		if !t.Since.IsZero() && !p.NoLookup {
			if from, to, search := p.look.window(t); search {
				run, found, err := p.find(ctx, t, from, to)
				if err != nil {
					p.look.attempted(t.JobID, false, time.Time{}, time.Time{})
					return run, err
				}
				if found {
					p.look.forget(t.JobID)
					return run, nil
				}
			}
		}
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	opts := make([]*gl.PipelineVariableOptions, 0, len(keys))
	for _, k := range keys {
		opts = append(opts, &gl.PipelineVariableOptions{
			Key: gl.Ptr(k), Value: gl.Ptr(vars[k]), VariableType: gl.Ptr(gl.EnvVariableType),
		})
	}
	var pl *gl.Pipeline
	var resp *gl.Response
	var err error
	sent := time.Now()
	if p.triggerToken != "" {
		opt := &gl.RunPipelineTriggerOptions{Ref: gl.Ptr(t.Ref), Token: gl.Ptr(p.triggerToken), Variables: vars}
		pl, resp, err = p.client.PipelineTriggers.RunPipelineTrigger(t.Project, opt, gl.WithContext(ctx))
	} else {
		opt := &gl.CreatePipelineOptions{Ref: gl.Ptr(t.Ref), Variables: &opts}
		pl, resp, err = p.client.Pipelines.CreatePipeline(t.Project, opt, gl.WithContext(ctx))
	}
	if err != nil {
		if t.JobID != 0 {
			p.look.attempted(t.JobID, mayHaveCreated(resp, err), sent, time.Now())
		}
		return forge.Run{}, forge.ClassifyHTTP(statusOf(resp), fmt.Errorf("create pipeline on %s@%s: %w", t.Project, t.Ref, err))
	}
	if t.JobID != 0 {
		p.look.forget(t.JobID)
		p.look.setNamed(t.Project, pl.Name == forge.PipelineName(t.JobID))
	}
	return forge.Run{Backend: "gitlab", Project: t.Project, ExternalID: pl.ID, WebURL: pl.WebURL, Status: pl.Status}, nil
}

func statusOf(resp *gl.Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}
