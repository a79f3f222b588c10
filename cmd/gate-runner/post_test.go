package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const secret = "glpat-e2e-SECRET-value"

// recorded is one request the fake forge received.
type recorded struct {
	method, path, token string
	body                map[string]any
}

// fakeForge answers GitLab's notes and statuses endpoints and records
// every request.
func fakeForge(t *testing.T) (*httptest.Server, func() []recorded) {
	t.Helper()
	var mu sync.Mutex
	var reqs []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorded{method: r.Method, path: r.URL.EscapedPath(), token: r.Header.Get("PRIVATE-TOKEN"), body: map[string]any{}}
		if r.Header.Get("Content-Type") == "application/json" {
			json.NewDecoder(r.Body).Decode(&rec.body)
		}
		mu.Lock()
		reqs = append(reqs, rec)
		mu.Unlock()
		switch {
		case r.Method == "GET" && strings.HasSuffix(rec.path, "/notes"):
			w.Write([]byte(`[]`))
		case r.Method == "POST" && strings.HasSuffix(rec.path, "/notes"):
			w.WriteHeader(201)
			w.Write([]byte(`{"id": 31}`))
		case r.Method == "POST" && strings.Contains(rec.path, "/statuses/"):
			w.WriteHeader(201)
			w.Write([]byte(`{"id": 1}`))
		case r.Method == "POST" && strings.HasSuffix(rec.path, "/uploads"):
			w.WriteHeader(201)
			w.Write([]byte(`{"url": "/uploads/ab/c.png"}`))
		default:
			t.Errorf("unexpected %s %s", r.Method, rec.path)
			w.WriteHeader(404)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), reqs...)
	}
}

// compareOut runs a failing compare gate into a directory and returns it.
func compareOut(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	base := mustWrite(t, dir, "prod.json", `{"precision@5": 0.25}`)
	cand := mustWrite(t, dir, "cand.json", `{"precision@5": 0.2}`)
	out := filepath.Join(dir, "out")
	if code, so, se := runMain(t, nil, "compare", "--candidate", cand, "--baseline", base, "--rule", "precision@5:min_ratio=0.95", "--out", out); code != 1 {
		t.Fatalf("compare exit %d\n%s%s", code, so, se)
	}
	return out
}

func TestReportPostToGitLab(t *testing.T) {
	srv, reqs := fakeForge(t)
	out := compareOut(t)
	env := map[string]string{"CI_API_V4_URL": srv.URL + "/api/v4", "CI_PROJECT_ID": "42", "CI_COMMIT_SHA": "abc123",
		"CI_MERGE_REQUEST_IID": "7", "CI_PIPELINE_ID": "4", "CI_JOB_URL": "https://gl.example/ml/rec/-/jobs/5", "CI_PIPELINE_URL": "https://gl.example/ml/rec/-/pipelines/4",
		"MLGATE_GITLAB_TOKEN": secret}
	code, stdout, stderr := runMain(t, env, "report", "--in", out, "--post", "--params", filepath.Join("..", "..", "internal", "lineage", "testdata", "params.yaml"))
	if code != 1 {
		t.Fatalf("exit %d (the gate failed: want 1)\n%s%s", code, stdout, stderr)
	}
	var note string
	var states []string
	for _, r := range reqs() {
		if r.token != secret {
			t.Errorf("%s %s without the token", r.method, r.path)
		}
		if r.method == "POST" && r.path == "/api/v4/projects/42/merge_requests/7/notes" {
			note, _ = r.body["body"].(string)
		}
		if r.path == "/api/v4/projects/42/statuses/abc123" {
			states = append(states, fmt.Sprintf("%s=%s@%v", r.body["name"], r.body["state"], r.body["pipeline_id"]))
		}
	}
	if strings.Join(states, ",") != "mlgate/compare=pending@4,mlgate/compare=failed@4" {
		t.Errorf("statuses %v", states)
	}
	for _, want := range []string{"<!-- mlgate:report:mlgate -->", "![Candidate vs production](/uploads/ab/c.png)",
		"[pipeline](https://gl.example/ml/rec/-/pipelines/4)", "commit `abc123`", "| train.lr | 0.05 |"} {
		if !strings.Contains(note, want) {
			t.Errorf("note lacks %q:\n%s", want, note)
		}
	}
	if !strings.Contains(stdout, "created comment 31") || strings.Contains(stdout+stderr, secret) {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	if !strings.Contains(string(md), "[job](https://gl.example/ml/rec/-/jobs/5)") {
		t.Errorf("report.md has no links:\n%s", md)
	}
}

func TestReportPostProblems(t *testing.T) {
	srv, reqs := fakeForge(t)
	out := compareOut(t)
	base := map[string]string{"CI_API_V4_URL": srv.URL + "/api/v4", "CI_PROJECT_ID": "42", "CI_COMMIT_SHA": "abc123"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	// A job token: exit 1 stays (the gate failed) and the reason is printed.
	code, stdout, stderr := runMain(t, with("CI_JOB_TOKEN", "job-SECRET", "CI_MERGE_REQUEST_IID", "7"), "report", "--in", out, "--post")
	if code != 1 || !strings.Contains(stderr, "a job token may read artifacts but not write merge-request notes") ||
		!strings.Contains(stderr, "project access token") || strings.Contains(stdout+stderr, "job-SECRET") || len(reqs()) != 0 {
		t.Errorf("job token: exit %d\n%s%s", code, stdout, stderr)
	}
	// Outside a merge request: statuses only, and why.
	code, stdout, stderr = runMain(t, with("MLGATE_GITLAB_TOKEN", secret), "report", "--in", out, "--post")
	if code != 1 || !strings.Contains(stdout, "no comment: this is not a merge-request pipeline") {
		t.Errorf("outside an MR: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, r := range reqs() {
		if !strings.Contains(r.path, "/statuses/") {
			t.Errorf("outside an MR: %s %s", r.method, r.path)
		}
	}
	// Neither GitLab nor GitHub.
	code, _, stderr = runMain(t, nil, "report", "--in", out, "--post")
	if code != 1 || !strings.Contains(stderr, "not in a GitLab CI job (CI_API_V4_URL is not set) nor a GitHub Actions job") {
		t.Errorf("no forge: exit %d %s", code, stderr)
	}
}

func TestMarkdownOptionsLinkTheHTMLArtifact(t *testing.T) {
	m := &Main{Getenv: func(k string) string {
		return map[string]string{"CI_API_V4_URL": "x", "CI_JOB_URL": "https://gl.example/ml/rec/-/jobs/5"}[k]
	}}
	cases := []struct{ out, want string }{
		{"mlgate-out", "https://gl.example/ml/rec/-/jobs/5/artifacts/file/mlgate-out/report.html"},
		{"./reports/../out/", "https://gl.example/ml/rec/-/jobs/5/artifacts/file/out/report.html"},
		{"/abs/out", ""}, // not inside the project: no artifact path to link
	}
	for _, c := range cases {
		if got := m.markdownOptions(c.out).HTMLURL; got != c.want {
			t.Errorf("out %q: %q, want %q", c.out, got, c.want)
		}
	}
}

func TestReportPostToGitHub(t *testing.T) {
	const ghToken = "ghs_e2eSECRET"
	var mu sync.Mutex
	var reqs []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorded{method: r.Method, path: r.URL.Path, token: r.Header.Get("Authorization"), body: map[string]any{}}
		json.NewDecoder(r.Body).Decode(&rec.body)
		mu.Lock()
		reqs = append(reqs, rec)
		mu.Unlock()
		switch {
		case r.Method == "GET" && r.URL.Path == "/repos/ml/rec/issues/12/comments":
			w.Write([]byte(`[{"id": 3, "body": "<!-- mlgate:report:mlgate -->\nold"}]`))
		case r.Method == "PATCH" && r.URL.Path == "/repos/ml/rec/issues/comments/3":
			w.Write([]byte(`{"id": 3, "html_url": "https://github.com/ml/rec/pull/12#issuecomment-3"}`))
		case r.Method == "POST" && r.URL.Path == "/repos/ml/rec/statuses/headsha":
			w.WriteHeader(201)
			w.Write([]byte(`{}`))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	ev := mustWrite(t, t.TempDir(), "event.json", `{"pull_request": {"number": 12, "head": {"sha": "headsha"}}}`)
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "ml/rec", "GITHUB_SHA": "mergesha", "GITHUB_REF": "refs/pull/12/merge",
		"GITHUB_EVENT_PATH": ev, "GITHUB_API_URL": srv.URL, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "77", "GITHUB_TOKEN": ghToken}
	code, stdout, stderr := runMain(t, env, "report", "--in", compareOut(t), "--post")
	if code != 1 || !strings.Contains(stdout, "edited comment 3 https://github.com/ml/rec/pull/12#issuecomment-3") || strings.Contains(stdout+stderr, ghToken) {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var states []string
	for _, r := range reqs {
		if r.token != "Bearer "+ghToken {
			t.Errorf("%s %s: Authorization %q", r.method, r.path, r.token)
		}
		if r.method == "PATCH" && !strings.Contains(r.body["body"].(string), "[pipeline](https://github.com/ml/rec/actions/runs/77)") {
			t.Errorf("comment lacks the run link: %s", r.body["body"])
		}
		if strings.Contains(r.path, "/statuses/") {
			states = append(states, r.body["context"].(string)+"="+r.body["state"].(string)+"@"+r.body["target_url"].(string))
		}
	}
	want := "mlgate/compare=pending@https://github.com/ml/rec/actions/runs/77,mlgate/compare=failure@https://github.com/ml/rec/actions/runs/77"
	if strings.Join(states, ",") != want {
		t.Errorf("statuses %v", states)
	}
}

// TestRunPost: `run --post` posts what it ran, like `report --post`.
func TestRunPost(t *testing.T) {
	srv, reqs := fakeForge(t)
	dir := t.TempDir()
	cand := mustWrite(t, dir, "cand.json", `{"precision@5": 0.25}`)
	cfg := mustWrite(t, dir, "mlgate.yml", "report: {name: offline, out: "+filepath.Join(dir, "out")+"}\ngates:\n  compare:\n    candidate: {file: "+cand+"}\n    rules:\n      - {metric: precision@5, min: 0.2}\n")
	env := map[string]string{"CI_API_V4_URL": srv.URL + "/api/v4", "CI_PROJECT_ID": "42", "CI_COMMIT_SHA": "abc123", "CI_MERGE_REQUEST_IID": "7", "MLGATE_GITLAB_TOKEN": secret}
	code, stdout, stderr := runMain(t, env, "run", "-c", cfg, "--post", "--format", "json")
	if code != 0 || !strings.HasPrefix(stdout, "{") || !strings.Contains(stderr, "created comment 31") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	var note string
	var states []string
	for _, r := range reqs() {
		if strings.HasSuffix(r.path, "/notes") && r.method == "POST" {
			note, _ = r.body["body"].(string)
		}
		if strings.Contains(r.path, "/statuses/") {
			states = append(states, r.body["state"].(string))
		}
	}
	if !strings.HasPrefix(note, "<!-- mlgate:report:offline -->") || strings.Join(states, ",") != "pending,success" {
		t.Errorf("note %.60q, statuses %v", note, states)
	}
}
