package gitlab

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrJobToken means only CI_JOB_TOKEN is available, which cannot write
// notes or commit statuses.
var ErrJobToken = errors.New("CI_JOB_TOKEN cannot post the report")

// TokenHelp says which token to create for posting.
const TokenHelp = "create a project access token (Settings > Access tokens) with scope api and role Developer " +
	"(Reporter is enough for the note alone, commit statuses need Developer) and store it as a masked CI/CD variable MLGATE_GITLAB_TOKEN"

// Env is what a GitLab CI job tells gate-runner through its predefined
// variables.
type Env struct {
	APIURL      string // CI_API_V4_URL
	Project     string // CI_PROJECT_ID
	ProjectURL  string // CI_PROJECT_URL
	SHA         string // CI_COMMIT_SHA
	MR          int64  // CI_MERGE_REQUEST_IID; 0 outside a merge-request pipeline
	JobURL      string // CI_JOB_URL
	PipelineURL string // CI_PIPELINE_URL
	// PipelineID (CI_PIPELINE_ID) attaches the commit statuses to the
	// running pipeline instead of letting GitLab pick or create one for
	// the commit (merge-request pipelines run on a ref of their own).
	PipelineID int64
	Token      Token // MLGATE_GITLAB_TOKEN
}

// EnvFromCI reads Env with getenv (os.Getenv when nil). It returns an
// error naming the missing variable, or wrapping ErrJobToken (with
// TokenHelp) when only CI_JOB_TOKEN is set.
func EnvFromCI(getenv func(string) string) (Env, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	e := Env{APIURL: get("CI_API_V4_URL"), Project: get("CI_PROJECT_ID"), ProjectURL: get("CI_PROJECT_URL"),
		SHA: get("CI_COMMIT_SHA"), JobURL: get("CI_JOB_URL"), PipelineURL: get("CI_PIPELINE_URL")}
	for _, k := range []struct{ name, v string }{{"CI_API_V4_URL", e.APIURL}, {"CI_PROJECT_ID", e.Project}, {"CI_COMMIT_SHA", e.SHA}} {
		if k.v == "" {
			return e, fmt.Errorf("%s is not set: --post to GitLab runs in a GitLab CI job (or set it by hand)", k.name)
		}
	}
	if iid := get("CI_MERGE_REQUEST_IID"); iid != "" {
		n, err := strconv.ParseInt(iid, 10, 64)
		if err != nil || n <= 0 {
			return e, fmt.Errorf("CI_MERGE_REQUEST_IID is %q, expected a positive merge request number", iid)
		}
		e.MR = n
	}
	if id := get("CI_PIPELINE_ID"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return e, fmt.Errorf("CI_PIPELINE_ID is %q, expected a positive pipeline id", id)
		}
		e.PipelineID = n
	}
	tok, err := TokenFromEnv(getenv, "MLGATE_GITLAB_TOKEN", "CI_JOB_TOKEN")
	if err != nil {
		return e, fmt.Errorf("%w; %s", err, TokenHelp)
	}
	if tok.Kind == JobToken {
		return e, fmt.Errorf("%w: a job token may read artifacts but not write merge-request notes or commit statuses; %s", ErrJobToken, TokenHelp)
	}
	e.Token = tok
	return e, nil
}
