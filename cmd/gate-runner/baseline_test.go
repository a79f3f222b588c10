package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareBaselineFromGitLab runs Gate 3 with the baseline read from
// the default branch's latest successful artifact, as in a merge-request
// pipeline, and checks what GitLab was asked.
func TestCompareBaselineFromGitLab(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery+" token="+r.Header.Get("PRIVATE-TOKEN"))
		if strings.Contains(r.URL.Path, "/artifacts/main/raw/mlgate-out/metrics.json") {
			w.Write([]byte(`{"precision@5": 0.25}`))
			return
		}
		w.WriteHeader(404)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cand := mustWrite(t, dir, "cand.json", `{"precision@5": 0.24}`)
	cfg := mustWrite(t, dir, "m.yml", `
report: {out: `+filepath.Join(dir, "out")+`}
gates:
  compare:
    candidate: {file: `+cand+`}
    baseline:
      gitlab: {job: evaluate, path: mlgate-out/metrics.json}
    rules: [{metric: precision@5, min_ratio: 0.95}]
`)
	env := map[string]string{"CI_API_V4_URL": srv.URL + "/api/v4", "CI_PROJECT_ID": "42", "CI_DEFAULT_BRANCH": "main", "MLGATE_GITLAB_TOKEN": "glpat-secret"}
	code, stdout, stderr := runMain(t, env, "run", "-c", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	want := "GET /api/v4/projects/42/jobs/artifacts/main/raw/mlgate-out/metrics.json?job=evaluate token=glpat-secret"
	if len(got) != 1 || got[0] != want {
		t.Errorf("requests %q, want %q", got, want)
	}
	if strings.Contains(stdout+stderr, "glpat-secret") {
		t.Error("token printed")
	}

	// No successful pipeline on main yet: with optional it is a first model.
	cfg2 := strings.Replace(readFile(t, cfg), "path: mlgate-out/metrics.json}", "path: other.json}\n      optional: true", 1)
	code, stdout, _ = runMain(t, env, "run", "-c", mustWrite(t, dir, "m2.yml", cfg2))
	if code != 0 || !strings.Contains(stdout, "No production baseline") || !strings.Contains(stdout, "No baseline yet") {
		t.Errorf("optional: exit %d\n%s", code, stdout)
	}
	// Without optional a missing baseline is an error, exit 2.
	cfg3 := strings.Replace(readFile(t, cfg), "path: mlgate-out/metrics.json}", "path: other.json}", 1)
	code, _, stderr = runMain(t, env, "run", "-c", mustWrite(t, dir, "m3.yml", cfg3))
	if code != 2 || !strings.Contains(stderr, "no such artifact (HTTP 404)") {
		t.Errorf("missing: exit %d, %s", code, stderr)
	}
}

func TestCompareBaselineFromMLflow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/2.0/mlflow/registered-models/alias":
			w.Write([]byte(`{"model_version":{"name":"rec","version":"3","run_id":"r1"}}`))
		case "/api/2.0/mlflow/runs/get":
			w.Write([]byte(`{"run":{"data":{"metrics":[{"key":"precision@5","value":0.3}]}}}`))
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	cand := mustWrite(t, dir, "cand.json", `{"precision@5": 0.24}`)
	cfg := mustWrite(t, dir, "m.yml", `
report: {out: `+filepath.Join(dir, "out")+`}
gates:
  compare:
    candidate: {file: `+cand+`}
    baseline: {mlflow: {uri: "models:/rec@champion"}}
    rules: [{metric: precision@5, min_ratio: 0.95}]
`)
	code, stdout, _ := runMain(t, map[string]string{"MLFLOW_TRACKING_URI": srv.URL}, "run", "-c", cfg)
	if code != 1 || !strings.Contains(stdout, "MLflow models:/rec@champion (version 3, run r1)") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}
