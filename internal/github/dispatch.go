package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v92/github"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

// Workflows dispatches workflow runs.
type Workflows struct {
	client *gh.Client
}

// New returns a client for the API at baseURL (empty: api.github.com)
// authenticated by token.
func New(baseURL, token string, hc *http.Client) (*Workflows, error) {
	opts := []gh.ClientOptionsFunc{gh.WithAuthToken(token), gh.WithUserAgent("mlgate-mlbot")}
	if hc != nil {
		opts = append(opts, gh.WithHTTPClient(hc))
	}
	if baseURL != "" {
		if !strings.HasSuffix(baseURL, "/") {
			baseURL += "/"
		}
		opts = append(opts, gh.WithURLs(&baseURL, &baseURL))
	}
	c, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("github client: %w", err)
	}
	return &Workflows{client: c}, nil
}

// Retrain dispatches t.Workflow of t.Repository on t.Ref with t.Variables
// as inputs, asking GitHub for the run's id so that its workflow_run
// events can be linked back. A 4xx is permanent.
func (w *Workflows) Retrain(ctx context.Context, t mlbot.RetrainTask) (mlbot.Run, error) {
	owner, repo, ok := strings.Cut(t.Repository, "/")
	if !ok {
		return mlbot.Run{}, mlbot.Permanent(fmt.Errorf("repository %q: expected owner/name", t.Repository))
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
		return mlbot.Run{}, mlbot.ClassifyHTTP(status, fmt.Errorf("dispatch %s on %s@%s: %w", t.Workflow, t.Repository, t.Ref, err))
	}
	run := mlbot.Run{Backend: "github", Project: t.Repository, Status: "requested"}
	if det != nil {
		run.ExternalID = det.GetWorkflowRunID()
		run.WebURL = det.GetHTMLURL()
	}
	return run, nil
}
