package gitlab

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go"

	gates "gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// Poster posts a report to a commit and, when MR is set, to its merge
// request: one note, a status per gate, charts as project uploads.
type Poster struct {
	Client     *gl.Client
	Project    string
	ProjectURL string // for the note's link; may be empty
	SHA        string
	// MR is the merge request's IID; 0 means no note can be posted.
	MR int64
	// PipelineID attaches the statuses to this pipeline (0: GitLab picks).
	PipelineID int64
}

var (
	_ report.Forge         = (*Poster)(nil)
	_ report.ImageUploader = (*Poster)(nil)
)

// NewPoster returns a Poster for the job described by e.
func NewPoster(e Env, o Options) (*Poster, error) {
	c, err := New(e.APIURL, e.Token, o)
	if err != nil {
		return nil, err
	}
	return &Poster{Client: c, Project: e.Project, ProjectURL: e.ProjectURL, SHA: e.SHA, MR: e.MR, PipelineID: e.PipelineID}, nil
}

// SetStatus sets the gate's commit status: pending, then success for a
// pass or a warning, failed for a failure, skipped for a skip.
func (p *Poster) SetStatus(ctx context.Context, s report.CommitStatus) error {
	st := Pending
	if !s.Pending {
		switch s.Status {
		case gates.Fail:
			st = Failed
		case gates.Skip:
			st = Skipped
		default:
			st = Success
		}
	}
	return SetStatus(ctx, p.Client, CommitStatus{Project: p.Project, SHA: p.SHA, Name: s.Name, State: st,
		TargetURL: s.TargetURL, Description: report.TrimDescription(s.Description, MaxStatusDescription), PipelineID: p.PipelineID})
}

// UpsertComment edits or creates the merge request's note carrying marker.
func (p *Poster) UpsertComment(ctx context.Context, marker, body string) (report.Comment, error) {
	if p.MR == 0 {
		return report.Comment{}, fmt.Errorf("no merge request: CI_MERGE_REQUEST_IID is not set")
	}
	n, err := UpsertNote(ctx, p.Client, MergeRequest{Project: p.Project, IID: p.MR}, marker, body)
	if err != nil {
		return report.Comment{}, err
	}
	c := report.Comment{ID: n.ID, Created: n.Created}
	if p.ProjectURL != "" {
		c.URL = fmt.Sprintf("%s/-/merge_requests/%d#note_%d", p.ProjectURL, p.MR, n.ID)
	}
	return c, nil
}

// UploadImage uploads a PNG chart and returns its relative URL.
func (p *Poster) UploadImage(ctx context.Context, filename string, png []byte) (string, error) {
	return Upload(ctx, p.Client, p.Project, filename, png)
}
