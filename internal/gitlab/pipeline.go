package gitlab

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
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
}

// NewPipelines wraps a client made by New; triggerToken, when not empty,
// makes it use the pipeline trigger API. Give New Options{RetryMax: -1}
// when the caller retries itself (mlbot's outbox does).
func NewPipelines(c *gl.Client, triggerToken string) *Pipelines {
	return &Pipelines{client: c, triggerToken: triggerToken}
}

// Retrain creates a pipeline on t.Project at t.Ref with t.Variables as
// env_var pipeline variables, plus MLGATE_JOB_ID when t.JobID is set. When
// an earlier attempt may have created one (t.Since), it first looks for a
// pipeline of this job (see find) and returns that one instead. A 4xx
// answer (unknown project or ref, a variable GitLab refuses) is permanent;
// 5xx, timeouts and network errors are not.
func (p *Pipelines) Retrain(ctx context.Context, t mlbot.RetrainTask) (mlbot.Run, error) {
	vars := make(map[string]string, len(t.Variables)+1)
	for k, v := range t.Variables {
		vars[k] = v
	}
	if t.JobID != 0 {
		vars[mlbot.JobIDVariable] = strconv.FormatInt(t.JobID, 10)
		if !t.Since.IsZero() && !p.NoLookup {
			run, found, err := p.find(ctx, t)
			if err != nil || found {
				return run, err
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
	if p.triggerToken != "" {
		opt := &gl.RunPipelineTriggerOptions{Ref: gl.Ptr(t.Ref), Token: gl.Ptr(p.triggerToken), Variables: vars}
		pl, resp, err = p.client.PipelineTriggers.RunPipelineTrigger(t.Project, opt, gl.WithContext(ctx))
	} else {
		opt := &gl.CreatePipelineOptions{Ref: gl.Ptr(t.Ref), Variables: &opts}
		pl, resp, err = p.client.Pipelines.CreatePipeline(t.Project, opt, gl.WithContext(ctx))
	}
	if err != nil {
		return mlbot.Run{}, mlbot.ClassifyHTTP(statusOf(resp), fmt.Errorf("create pipeline on %s@%s: %w", t.Project, t.Ref, err))
	}
	return mlbot.Run{Backend: "gitlab", Project: t.Project, ExternalID: pl.ID, WebURL: pl.WebURL, Status: pl.Status}, nil
}

// Bounds of the search for an earlier attempt's pipeline.
const (
	// clockSkew widens the search window: GitLab's clock and mlbot's
	// may disagree.
	clockSkew = 10 * time.Minute
	// findPages × findPerPage candidates at most are inspected.
	findPages   = 5
	findPerPage = 100
)

// find looks for the pipeline an earlier attempt of job t.JobID created:
// the project's pipelines on t.Ref from the API (or trigger) source,
// updated since t.Since (a pipeline created after it was updated after
// it too, and updated_after is older than created_after), newest first;
// the first whose variables carry MLGATE_JOB_ID = t.JobID is it. GitLab's
// create-pipeline API has no idempotency key; this search is what keeps a
// lost answer from becoming a second pipeline.
func (p *Pipelines) find(ctx context.Context, t mlbot.RetrainTask) (mlbot.Run, bool, error) {
	source := "api"
	if p.triggerToken != "" {
		source = "trigger"
	}
	want := strconv.FormatInt(t.JobID, 10)
	opt := &gl.ListProjectPipelinesOptions{
		ListOptions: gl.ListOptions{PerPage: findPerPage, Page: 1},
		Ref:         gl.Ptr(t.Ref), Source: gl.Ptr(source), UpdatedAfter: gl.Ptr(t.Since.Add(-clockSkew).UTC()),
		OrderBy: gl.Ptr("id"), Sort: gl.Ptr("desc"),
	}
	for page := int64(1); page <= findPages; page++ {
		opt.Page = page
		pls, resp, err := p.client.Pipelines.ListProjectPipelines(t.Project, opt, gl.WithContext(ctx))
		if err != nil {
			return mlbot.Run{}, false, mlbot.ClassifyHTTP(statusOf(resp),
				fmt.Errorf("look for the pipeline of job %d on %s@%s: %w", t.JobID, t.Project, t.Ref, err))
		}
		for _, pl := range pls {
			vs, resp, err := p.client.Pipelines.GetPipelineVariables(t.Project, pl.ID, gl.WithContext(ctx))
			if err != nil {
				return mlbot.Run{}, false, mlbot.ClassifyHTTP(statusOf(resp),
					fmt.Errorf("read the variables of pipeline %d on %s: %w", pl.ID, t.Project, err))
			}
			for _, v := range vs {
				if v.Key == mlbot.JobIDVariable && v.Value == want {
					return mlbot.Run{Backend: "gitlab", Project: t.Project, ExternalID: pl.ID, WebURL: pl.WebURL,
						Status: pl.Status, Detail: "(created by an earlier attempt whose answer was lost)"}, true, nil
				}
			}
		}
		if len(pls) < findPerPage {
			break
		}
	}
	return mlbot.Run{}, false, nil
}

func statusOf(resp *gl.Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}
