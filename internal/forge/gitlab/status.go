package gitlab

import (
	"context"
	"fmt"
	"unicode/utf8"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// MaxStatusDescription is GitLab's limit on a commit status description,
// in characters.
const MaxStatusDescription = 255

// State is a commit status state GitLab accepts.
type State = gl.BuildStateValue

// The states mlgate sets.
const (
	Pending = gl.Pending
	Success = gl.Success
	Failed  = gl.Failed
	Skipped = gl.Skipped
)

// CommitStatus is one external status on a commit.
type CommitStatus struct {
	Project     string
	SHA         string
	Name        string // "mlgate/compare"
	State       State
	TargetURL   string
	Description string // trimmed to MaxStatusDescription
	PipelineID  int64  // 0: GitLab picks the commit's latest pipeline
}

// SetStatus posts a commit status (POST /projects/:id/statuses/:sha).
func SetStatus(ctx context.Context, c *gl.Client, s CommitStatus) error {
	if s.SHA == "" {
		return fmt.Errorf("commit status %s: no commit: set CI_COMMIT_SHA", s.Name)
	}
	opt := &gl.SetCommitStatusOptions{State: s.State, Name: &s.Name}
	if s.TargetURL != "" {
		opt.TargetURL = &s.TargetURL
	}
	if s.PipelineID > 0 {
		opt.PipelineID = &s.PipelineID
	}
	if d := trim(s.Description, MaxStatusDescription); d != "" {
		opt.Description = &d
	}
	_, resp, err := c.Commits.SetCommitStatus(s.Project, s.SHA, opt, gl.WithContext(ctx))
	if err != nil {
		return apiError(resp, err, fmt.Sprintf("set commit status %s on %s", s.Name, short(s.SHA)), statusAccess)
	}
	return nil
}

// statusAccess is what a token needs to set commit statuses.
const statusAccess = "a project access token with scope api and at least the Developer role"

// trim cuts s to n runes, ending with "…" when cut.
func trim(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
