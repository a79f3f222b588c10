package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/mlflow/mlflowtest"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestPipelineWithGitLabCILocal runs the example's .gitlab-ci.yml with
// gitlab-ci-local (shell executor) in a copy of the repository: the train
// job trains both models, then the ml-gates component's data and compare
// jobs run gate-runner on them; after them the default branch's stages:
// canary-check against a real Prometheus holding the model server's last
// two hours, ab-gate on the demo's experiment events, and promote (a dry
// run) against a recording stand-in of GitLab's model registry; and the
// scheduled drift-check, pushing to a real Pushgateway. The example includes the components with
// `component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/NAME@$CI_COMMIT_SHA`;
// gitlab-ci-local cannot fetch from a GitLab instance here, so the copy's
// pipeline includes the same files of the same commit with `local:` and
// the same inputs.
func TestPipelineWithGitLabCILocal(t *testing.T) {
	testenv.Slow(t, "runs the example pipeline through gitlab-ci-local")
	if testing.Short() {
		t.Skip("runs a pipeline")
	}
	glci, err := exec.LookPath("gitlab-ci-local")
	if err != nil {
		t.Skip("gitlab-ci-local not installed (.ci/install.d/gitlab-ci-local.sh installs it with Node 22)")
	}
	if _, err := exec.LookPath("rsync"); err != nil {
		t.Skip("rsync not installed (gitlab-ci-local needs it; .ci/install.d/gitlab-ci-local.sh installs it)")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(t.TempDir(), "repo")
	files, err := exec.Command("git", "-C", root, "ls-files", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // listed but deleted in the work tree
		}
		dst := filepath.Join(repo, f)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ci, err := os.ReadFile(filepath.Join(repo, "examples/recommender/.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	local := regexp.MustCompile(`component: \$CI_SERVER_FQDN/\$CI_PROJECT_PATH/([a-z-]+)@\$CI_COMMIT_SHA`).ReplaceAllString(string(ci), "local: /templates/$1.yml")
	if strings.Count(local, "local: /templates/") != 7 {
		t.Fatalf("expected seven project includes to turn local:\n%s", local)
	}
	// The promote job changes nothing here: it prints its plan.
	if !strings.Contains(local, "      registry: gitlab\n") {
		t.Fatalf("the promote include has no registry: gitlab input:\n%s", local)
	}
	local = strings.Replace(local, "      registry: gitlab\n", "      registry: gitlab\n      dry_run: true\n", 1)
	os.WriteFile(filepath.Join(repo, ".gitlab-ci.yml"), []byte(local), 0o644)
	bin := testenv.GateRunner(t)
	gitCmd := testenv.Git(t, repo)
	gitCmd("add", "-A")
	gitCmd("commit", "-qm", "example")

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(glci, append([]string{"--force-shell-executor", "--home", t.TempDir()}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		t.Logf("gitlab-ci-local %s:\n%s", strings.Join(args, " "), out)
		if err != nil {
			t.Fatalf("gitlab-ci-local %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	// Gate 1 reads the unit-tests job's JUnit report; that job runs this
	// very package's tests, so here its report is put in place instead.
	os.MkdirAll(filepath.Join(repo, "reports"), 0o755)
	junit := `<testsuites><testsuite name="train" tests="2" failures="0" errors="0"><testcase classname="train" name="TestExampleGates"/><testcase classname="train" name="TestTrainRejectsBadInput"/></testsuite></testsuites>`
	if err := os.WriteFile(filepath.Join(repo, "reports", "junit.xml"), []byte(junit), 0o644); err != nil {
		t.Fatal(err)
	}
	out := run("train", "mlgate-tests", "mlgate-data", "mlgate-compare")
	for _, want := range []string{"PASS  train", "PASS  mlgate-tests", "PASS  mlgate-data", "PASS  mlgate-compare", "Gate 1: tests  PASS", "Gate 3: offline metrics  PASS", "Gate 2: data quality  PASS"} {
		if !strings.Contains(out, want) {
			t.Errorf("gitlab-ci-local output lacks %q", want)
		}
	}
	for _, f := range []string{"mlgate-out/compare/junit.xml", "mlgate-out/compare/metrics.txt", "mlgate-out/data/results.json", "model/predictions.csv"} {
		if _, err := os.Stat(filepath.Join(repo, f)); err != nil {
			t.Errorf("the pipeline did not write %s: %v", f, err)
		}
	}

	// A pipeline mlbot creates (MLGATE_TRIGGER set) trains through the
	// retrain component instead of the train job, then gates the result.
	list := run("--list", "--variable", "MLGATE_TRIGGER=alert")
	if !regexp.MustCompile(`(?m)^mlgate-retrain\s`).MatchString(list) || regexp.MustCompile(`(?m)^train\s`).MatchString(list) {
		t.Errorf("with MLGATE_TRIGGER=alert the pipeline should run mlgate-retrain and not train:\n%s", list)
	}
	out = run("--variable", "MLGATE_TRIGGER=alert", "--variable", "MODEL=recommender", "--variable", "FEATURE=ctr_7d", "mlgate-retrain", "mlgate-compare")
	for _, want := range []string{"retraining recommender: trigger=alert", "feature=ctr_7d", "PASS  mlgate-retrain", "PASS  mlgate-compare"} {
		if !strings.Contains(out, want) {
			t.Errorf("retraining pipeline output lacks %q", want)
		}
	}

	stagingAndPromote(t, run, repo)
}

// stagingAndPromote runs the default branch's jobs after the offline
// gates: canary-check against a real Prometheus, ab-gate on the demo's
// experiment events, promote as a dry run against a stand-in of GitLab's
// model registry that records every request, and drift-check pushing to
// a real Pushgateway.
func stagingAndPromote(t *testing.T, run func(args ...string) string, repo string) {
	prom := startPrometheus(t)
	pushgw := startPushgateway(t)
	const token = "glpat-example-7c1d"
	registry := mlflowtest.New(t, mlflowtest.Options{GitLab: true, Project: "42", Token: token})
	registry.AddVersion("recommender", "1.0.0", nil)
	registry.AddVersion("recommender", "1.1.0", nil)
	registry.PutModelDescription("recommender", "<!-- mlgate:aliases -->\n- `champion`: 1.0.0\n<!-- /mlgate:aliases -->")

	// gitlab-ci-local runs the jobs it is named at once, so one stage a
	// run.
	out := run("--variable", "PROMETHEUS_URL="+prom, "mlgate-canary-check")
	out += run("mlgate-ab-gate")
	out += run("--variable", "MLFLOW_TRACKING_URI="+registry.URL(), "--variable", "MLGATE_GITLAB_TOKEN="+token, "mlgate-promote")
	for _, want := range []string{
		"PASS  mlgate-canary-check", "Canary health  PASS", "p95 latency (canary vs baseline)",
		"PASS  mlgate-ab-gate", "Decision: promote",
		"PASS  mlgate-promote", "Promote recommender-v1.1.0 (version 1.1.0 of recommender) in GitLab model registry at " + registry.URL(),
		"abtest pass", "canary pass", "tests pass", "data pass", "champion: version 1.0.0, previous: version none",
		"set alias champion: version 1.0.0 → 1.1.0", "set alias previous: version none → 1.0.0", "Dry run: nothing was changed.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("gitlab-ci-local output lacks %q", want)
		}
	}
	if strings.Contains(out, token) {
		t.Error("the registry token was printed")
	}
	if w := registry.Writes(); len(w) != 0 {
		t.Errorf("the dry run wrote to the registry: %v", w)
	}
	reqs := registry.Requests()
	if len(reqs) == 0 {
		t.Fatal("promote never asked the registry")
	}
	for _, q := range reqs {
		if !strings.HasPrefix(q.URLPath, "/api/v4/projects/42/ml/mlflow/api/2.0/mlflow/") || q.Auth != "Bearer "+token {
			t.Errorf("registry request %s %s with auth %q", q.Method, q.URLPath, q.Auth)
		}
	}
	b, err := os.ReadFile(filepath.Join(repo, "mlgate-out/promote/promotion.json"))
	if err != nil || !strings.Contains(string(b), `"dry_run": true`) || !strings.Contains(string(b), `"champion": "1.1.0"`) {
		t.Errorf("promotion.json: %v\n%s", err, b)
	}

	// The weekly schedule's drift-check (a web pipeline here) pushes the
	// features' drift for the alert rules.
	out = run("--variable", "CI_PIPELINE_SOURCE=web", "--variable", "PUSHGATEWAY_URL="+pushgw, "mlgate-drift-check")
	if !strings.Contains(out, "PASS  mlgate-drift-check") || !strings.Contains(out, "Feature drift") {
		t.Errorf("drift-check output lacks its verdict")
	}
	resp, err := http.Get(pushgw + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	if !regexp.MustCompile(`mlgate_drift_status\{[^}]*job="mlgate_drift"[^}]*\}`).Match(metrics) || !strings.Contains(string(metrics), `model="recommender"`) {
		t.Errorf("the Pushgateway has no mlgate_drift metrics of model recommender:\n%.2000s", metrics)
	}
}
