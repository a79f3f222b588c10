package testenv

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// GateRunner builds cmd/gate-runner into a new directory and returns that
// directory (to put on PATH); the caller's test must be marked Slow.
func GateRunner(t testing.TB) string {
	t.Helper()
	MustBeSlow(t, "building gate-runner")
	dir := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "gate-runner"), "gitlab.com/mlgate/mlgate/cmd/gate-runner").CombinedOutput()
	if err != nil {
		t.Fatalf("build gate-runner: %v\n%s", err, out)
	}
	return dir
}

// Git makes repo a git repository on branch main and returns a function
// that runs git there with a fixed identity, failing the test on error:
// what gitlab-ci-local needs of a project.
func Git(t testing.TB, repo string) func(args ...string) {
	t.Helper()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.email=ci@example.com", "-c", "user.name=ci"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	return git
}
