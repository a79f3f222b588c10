package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// ErrNoArtifact means GitLab has no such artifact: no successful pipeline
// on the ref yet, no such job, or no such file in its artifacts.
var ErrNoArtifact = errors.New("no such artifact")

// Artifact names one file in the artifacts of the latest successful
// pipeline of a ref.
type Artifact struct {
	Project string // id or full path
	Ref     string // branch or tag
	Job     string // job name
	Path    string // file inside the artifacts
}

func (a Artifact) String() string {
	return fmt.Sprintf("%s in the artifacts of job %q on %s of project %s", a.Path, a.Job, a.Ref, a.Project)
}

// DownloadArtifact fetches one artifact file
// (GET /projects/:id/jobs/artifacts/:ref/raw/:path?job=NAME). It returns
// an error wrapping ErrNoArtifact on 404, and one that says which token
// lacks access on 401 or 403.
func DownloadArtifact(ctx context.Context, c *gl.Client, a Artifact) ([]byte, error) {
	if a.Project == "" || a.Ref == "" || a.Job == "" || a.Path == "" {
		return nil, fmt.Errorf("artifact %s: project, ref, job and path are all required", a)
	}
	job := a.Job
	r, resp, err := c.Jobs.DownloadSingleArtifactsFileByTagOrBranch(a.Project, a.Ref, a.Path,
		&gl.DownloadArtifactsFileOptions{Job: &job}, gl.WithContext(ctx))
	if err != nil {
		err = apiError(resp, err, a.String(), "read_api and at least the Reporter role")
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%s: %w (HTTP 404)", a, ErrNoArtifact)
		}
		return nil, err
	}
	return io.ReadAll(r)
}
