package gitlab

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// Upload stores a file with the project uploads API (POST
// /projects/:id/uploads) and returns the relative URL GitLab gives
// ("/uploads/<secret>/<name>"), which a note links as-is: it resolves
// against the project on every GitLab version and for private projects.
func Upload(ctx context.Context, c *gl.Client, project, filename string, content []byte) (string, error) {
	f, resp, err := c.ProjectMarkdownUploads.UploadProjectMarkdown(project, bytes.NewReader(content), filename, gl.WithContext(ctx))
	if err != nil {
		return "", apiError(resp, err, fmt.Sprintf("upload %s to project %s", filename, project), noteAccess)
	}
	if !strings.HasPrefix(f.URL, "/uploads/") {
		return "", fmt.Errorf("upload %s to project %s: GitLab answered URL %q, expected a relative /uploads/… path", filename, project, f.URL)
	}
	return f.URL, nil
}
