package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPipelineWithGitLabCILocal runs the example's .gitlab-ci.yml with
// gitlab-ci-local (shell executor) in a copy of the repository: the train
// job trains both models, then the ml-gates component's data and compare
// jobs run gate-runner on them. The example includes the components with
// `component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/NAME@$CI_COMMIT_SHA`;
// gitlab-ci-local cannot fetch from a GitLab instance here, so the copy's
// pipeline includes the same files of the same commit with `local:` and
// the same inputs.
func TestPipelineWithGitLabCILocal(t *testing.T) {
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
	if strings.Count(local, "local: /templates/") != 3 {
		t.Fatalf("expected three project includes to turn local:\n%s", local)
	}
	os.WriteFile(filepath.Join(repo, ".gitlab-ci.yml"), []byte(local), 0o644)
	bin := filepath.Join(t.TempDir(), "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "gate-runner"), "gitlab.com/mlgate/mlgate/cmd/gate-runner").CombinedOutput(); err != nil {
		t.Fatalf("build gate-runner: %v\n%s", err, out)
	}
	gitCmd := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.email=ci@example.com", "-c", "user.name=ci"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitCmd("init", "-q", "-b", "main")
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
}
