package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// ErrNoToken means GITHUB_TOKEN is not set.
var ErrNoToken = errors.New("no GitHub token: set GITHUB_TOKEN (env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }})")

// Env is what a GitHub Actions job tells gate-runner through its default
// variables.
type Env struct {
	Owner, Repo string // from GITHUB_REPOSITORY
	// SHA is the commit the statuses go on: the pull request's head (from
	// the event file) when there is one, else GITHUB_SHA; a pull request
	// event's GITHUB_SHA is a merge commit no one sees.
	SHA       string
	PR        int    // 0 outside a pull request
	APIURL    string // GITHUB_API_URL, default https://api.github.com
	ServerURL string // GITHUB_SERVER_URL, default https://github.com
	RunURL    string // the workflow run, from GITHUB_RUN_ID
	Token     string `json:"-"`
}

var pullRef = regexp.MustCompile(`^refs/pull/([0-9]+)/(merge|head)$`)

// EnvFromActions reads Env with getenv (os.Getenv when nil) and the event
// file GITHUB_EVENT_PATH. It returns an error naming the variable that is
// missing or wrong.
func EnvFromActions(getenv func(string) string) (Env, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	e := Env{APIURL: get("GITHUB_API_URL"), ServerURL: get("GITHUB_SERVER_URL"), SHA: get("GITHUB_SHA"), Token: get("GITHUB_TOKEN")}
	if e.APIURL == "" {
		e.APIURL = "https://api.github.com"
	}
	if e.ServerURL == "" {
		e.ServerURL = "https://github.com"
	}
	repo := get("GITHUB_REPOSITORY")
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return e, fmt.Errorf("GITHUB_REPOSITORY is %q, expected OWNER/REPO", repo)
	}
	e.Owner, e.Repo = owner, name
	if id := get("GITHUB_RUN_ID"); id != "" {
		e.RunURL = fmt.Sprintf("%s/%s/%s/actions/runs/%s", strings.TrimRight(e.ServerURL, "/"), owner, name, id)
	}
	if m := pullRef.FindStringSubmatch(get("GITHUB_REF")); m != nil {
		e.PR, _ = strconv.Atoi(m[1])
	}
	if p := get("GITHUB_EVENT_PATH"); p != "" {
		n, head, err := readEvent(p)
		if err != nil {
			return e, err
		}
		if e.PR == 0 {
			e.PR = n
		}
		if head != "" {
			e.SHA = head
		}
	}
	if e.SHA == "" {
		return e, errors.New("GITHUB_SHA is not set: --post to GitHub runs in a GitHub Actions job (or set it by hand)")
	}
	if e.Token == "" {
		return e, ErrNoToken
	}
	return e, nil
}

// readEvent returns the pull request's number and head commit from the
// webhook payload GitHub Actions saves; zero values for other events.
func readEvent(path string) (int, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "", fmt.Errorf("GITHUB_EVENT_PATH: %w", err)
	}
	var ev struct {
		Number      int `json:"number"`
		PullRequest *struct {
			Number int `json:"number"`
			Head   struct {
				SHA string `json:"sha"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return 0, "", fmt.Errorf("GITHUB_EVENT_PATH %s: not a JSON event payload: %v", path, err)
	}
	if ev.PullRequest == nil {
		return 0, "", nil
	}
	n := ev.PullRequest.Number
	if n == 0 {
		n = ev.Number
	}
	return n, ev.PullRequest.Head.SHA, nil
}
