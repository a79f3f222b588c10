package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v92/github"

	gates "gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// Limits GitHub sets, in characters.
const (
	MaxCommentLength     = 65536
	MaxStatusDescription = 140
)

// Poster posts a report to a commit and, when PR is set, to its pull
// request as one sticky issue comment.
type Poster struct {
	Client      *gh.Client
	Owner, Repo string
	SHA         string
	PR          int // 0: statuses only
}

var _ report.Forge = (*Poster)(nil)

// NewPoster returns a Poster for the job described by e.
func NewPoster(e Env, o Options) (*Poster, error) {
	c, err := New(e.APIURL, e.Token, o)
	if err != nil {
		return nil, err
	}
	return &Poster{Client: c, Owner: e.Owner, Repo: e.Repo, SHA: e.SHA, PR: e.PR}, nil
}

// SetStatus sets the gate's commit status: pending, then success for a
// pass, a warning or a skip, failure for a failure.
func (p *Poster) SetStatus(ctx context.Context, s report.CommitStatus) error {
	state := "pending"
	if !s.Pending {
		state = "success"
		if s.Status == gates.Fail {
			state = "failure"
		}
	}
	desc := report.TrimDescription(s.Description, MaxStatusDescription)
	st := gh.RepoStatus{State: &state, Context: &s.Name, Description: &desc}
	if s.TargetURL != "" {
		st.TargetURL = &s.TargetURL
	}
	_, resp, err := p.Client.Repositories.CreateStatus(ctx, p.Owner, p.Repo, p.SHA, st)
	if err != nil {
		return apiError(resp, err, fmt.Sprintf("set commit status %s on %.12s", s.Name, p.SHA))
	}
	return nil
}

// FindComment returns the first comment (oldest first) of the pull request
// whose body contains marker, reading every page; nil when none.
func (p *Poster) FindComment(ctx context.Context, marker string) (*gh.IssueComment, error) {
	sort, dir := "created", "asc"
	opt := &gh.IssueListCommentsOptions{Sort: &sort, Direction: &dir, ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := p.Client.Issues.ListComments(ctx, p.Owner, p.Repo, p.PR, opt)
		if err != nil {
			return nil, apiError(resp, err, fmt.Sprintf("list comments of pull request #%d", p.PR))
		}
		for _, c := range cs {
			if strings.Contains(c.GetBody(), marker) {
				return c, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opt.Page = resp.NextPage
	}
}

// UpsertComment edits the pull request's comment carrying marker, or
// creates it.
func (p *Poster) UpsertComment(ctx context.Context, marker, body string) (report.Comment, error) {
	if p.PR == 0 {
		return report.Comment{}, fmt.Errorf("no pull request: GITHUB_REF is not refs/pull/N/merge and the event has no pull_request")
	}
	if !strings.Contains(body, marker) {
		return report.Comment{}, fmt.Errorf("comment body lacks its marker %q", marker)
	}
	old, err := p.FindComment(ctx, marker)
	if err != nil {
		return report.Comment{}, err
	}
	req := gh.IssueCommentRequest{Body: body}
	if old != nil {
		c, resp, err := p.Client.Issues.UpdateComment(ctx, p.Owner, p.Repo, old.GetID(), req)
		if err == nil {
			return report.Comment{ID: c.GetID(), URL: c.GetHTMLURL()}, nil
		}
		// Deleted between listing and editing: post a new one.
		if err = apiError(resp, err, fmt.Sprintf("edit comment %d on pull request #%d", old.GetID(), p.PR)); !errors.Is(err, ErrNotFound) {
			return report.Comment{}, err
		}
	}
	c, resp, err := p.Client.Issues.CreateComment(ctx, p.Owner, p.Repo, p.PR, req)
	if err != nil {
		return report.Comment{}, apiError(resp, err, fmt.Sprintf("comment on pull request #%d", p.PR))
	}
	return report.Comment{ID: c.GetID(), Created: true, URL: c.GetHTMLURL()}, nil
}
