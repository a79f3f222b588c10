package github

import (
	"encoding/json"
	"errors"
	"fmt"

	gh "github.com/google/go-github/v92/github"
)

// ErrSignature means X-Hub-Signature-256 is missing or wrong.
var ErrSignature = errors.New("bad webhook signature")

// WorkflowRun is what mlbot needs of a workflow_run event.
type WorkflowRun struct {
	Action     string // requested, in_progress, completed
	RunID      int64
	Repository string
	Status     string
	Conclusion string
}

// VerifySignature checks sig (X-Hub-Signature-256, "sha256=…") over body
// with secret, in constant time.
func VerifySignature(sig string, body, secret []byte) error {
	if sig == "" {
		return fmt.Errorf("%w: X-Hub-Signature-256 missing", ErrSignature)
	}
	if err := gh.ValidateSignature(sig, body, secret); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}

// ParseWorkflowRun decodes a workflow_run event body.
func ParseWorkflowRun(body []byte) (WorkflowRun, error) {
	var ev gh.WorkflowRunEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return WorkflowRun{}, fmt.Errorf("decode workflow_run event: %w", err)
	}
	run := ev.GetWorkflowRun()
	if run == nil || run.GetID() == 0 {
		return WorkflowRun{}, errors.New("workflow_run event: workflow_run.id missing")
	}
	return WorkflowRun{Action: ev.GetAction(), RunID: run.GetID(), Repository: ev.GetRepo().GetFullName(),
		Status: run.GetStatus(), Conclusion: run.GetConclusion()}, nil
}

// State returns the run's status as mlbot records it: the conclusion once
// completed (success, failure, cancelled…), else the status.
func (r WorkflowRun) State() string {
	if r.Status == "completed" && r.Conclusion != "" {
		return r.Conclusion
	}
	return r.Status
}
