package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v92/github"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Workflows dispatches workflow runs.
type Workflows struct {
	client *gh.Client
}

// NewWorkflows returns a dispatcher for the API at baseURL (empty:
// https://api.github.com) authenticated by token. It does not retry: the
// outbox that calls it retries with backoff and records each attempt.
func NewWorkflows(baseURL, token string, hc *http.Client) (*Workflows, error) {
	if baseURL == "" {
		baseURL = "https://api.github.com"
	}
	c, err := New(baseURL, token, Options{HTTPClient: hc, RetryMax: -1})
	if err != nil {
		return nil, err
	}
	return &Workflows{client: c}, nil
}

// Retrain dispatches t.Workflow of t.Repository on t.Ref with t.Variables
// as inputs, asking GitHub for the run's id so that its workflow_run
// events can be linked back. A 4xx is permanent.
func (w *Workflows) Retrain(ctx context.Context, t forge.RetrainTask) (forge.Run, error) {
	owner, repo, ok := strings.Cut(t.Repository, "/")
	if !ok {
		return forge.Run{}, forge.Permanent(fmt.Errorf("repository %q: expected owner/name", t.Repository))
	}
	inputs := make(map[string]any, len(t.Variables))
	for k, v := range t.Variables {
		inputs[k] = v
	}
	ret := true
	req := gh.CreateWorkflowDispatchEventRequest{Ref: t.Ref, Inputs: inputs, ReturnRunDetails: &ret}
	det, resp, err := w.client.Actions.CreateWorkflowDispatchEventByFileName(ctx, owner, repo, t.Workflow, req)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return forge.Run{}, forge.ClassifyHTTP(status, fmt.Errorf("dispatch %s on %s@%s: %w", t.Workflow, t.Repository, t.Ref, err))
	}
	run := forge.Run{Backend: "github", Project: t.Repository, Status: "requested"}
	if det != nil {
		run.ExternalID = det.GetWorkflowRunID()
		run.WebURL = det.GetHTMLURL()
	}
	return run, nil
}
