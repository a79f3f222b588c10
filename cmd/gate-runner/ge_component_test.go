package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestMLGatesComponentGEResults runs the ml-gates component's data job
// with gitlab-ci-local (shell executor) on a Great Expectations result
// and no data file: the ge_results input reaches `gate-runner data
// --ge-results`; an expectation that failed with severity warning passes
// the job with a warning, a failed one fails it; with neither data nor
// ge_results the job is not in the pipeline, and data alone still works.
func TestMLGatesComponentGEResults(t *testing.T) {
	testenv.Slow(t, "runs the ml-gates component with gitlab-ci-local")
	glci, err := exec.LookPath("gitlab-ci-local")
	if err != nil {
		t.Skip("gitlab-ci-local not installed (.ci/install.d/gitlab-ci-local.sh installs it with Node 22)")
	}
	if _, err := exec.LookPath("rsync"); err != nil {
		t.Skip("rsync not installed (gitlab-ci-local needs it; .ci/install.d/gitlab-ci-local.sh installs it)")
	}
	bin := testenv.GateRunner(t)
	repo := t.TempDir()
	component, err := os.ReadFile("../../templates/ml-gates.yml")
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, repo, ".mlgate.yml", "version: 1\n")
	os.MkdirAll(filepath.Join(repo, "templates"), 0o755)
	mustWrite(t, repo, "templates/ml-gates.yml", string(component))
	mustWrite(t, repo, ".gitlab-ci.yml", `stages: [evaluate-model]
include:
  - local: /templates/ml-gates.yml
    inputs:
      junit: ""
      ge_results: gx/validation.json
      post: false
`)
	os.MkdirAll(filepath.Join(repo, "gx"), 0o755)
	git := testenv.Git(t, repo)
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(glci, append([]string{"--force-shell-executor", "--home", t.TempDir()}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		t.Logf("gitlab-ci-local %s:\n%s", strings.Join(args, " "), out)
		return string(out), err
	}
	result := func(fixture string) {
		t.Helper()
		b, err := os.ReadFile(geTestdata + fixture)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, repo, "gx/validation.json", string(b))
		git("add", "-A")
		git("commit", "-qm", fixture)
	}

	result("derived.titanic_severity_warning.json")
	out, err := run("mlgate-data")
	if err != nil {
		t.Fatalf("a warning failed the job: %v", err)
	}
	for _, want := range []string{"PASS  mlgate-data", "Gate 2: data quality  WARN  Great Expectations: 0 of 10 expectations failed, 1 warned",
		"PClass: expect_column_values_to_be_in_set  1 of 1313 unexpected (0.0761615%)"} {
		if !strings.Contains(out, want) {
			t.Errorf("gitlab-ci-local output lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, "mlgate-out/data/results.json")); err != nil {
		t.Errorf("the job wrote no results.json: %v", err)
	}

	result("titanic_expected_data_asset_validate_results.json")
	out, err = run("mlgate-data")
	if err == nil {
		t.Errorf("a failed expectation passed the job")
	}
	for _, want := range []string{"FAIL  mlgate-data", "Gate 2: data quality  FAIL  Great Expectations: 1 of 10 expectations failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("gitlab-ci-local output lacks %q", want)
		}
	}

	// The data file alone still reaches --data (the input as a pipeline
	// variable, which overrides the job's).
	mustWrite(t, repo, "train.csv", "a,b\n1,x\n2,y\n3,z\n")
	git("add", "-A")
	git("commit", "-qm", "data")
	out, err = run("--variable", "MLGATE_DATA=train.csv", "--variable", "MLGATE_GE_RESULTS=", "mlgate-data")
	if err != nil || !strings.Contains(out, "Gate 2: data quality  PASS  3 rows, 2 columns: 0 of 4 checks failed.") || strings.Contains(out, "expect_") {
		t.Errorf("data alone: %v", err)
	}

	list, err := run("--list", "--variable", "MLGATE_GE_RESULTS=")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^mlgate-data\s`).MatchString(list) {
		t.Errorf("with neither data nor ge_results the data job is in the pipeline:\n%s", list)
	}
	if list, _ = run("--list"); !regexp.MustCompile(`(?m)^mlgate-data\s`).MatchString(list) {
		t.Errorf("with ge_results the data job is not in the pipeline:\n%s", list)
	}
}
