package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTestsCommand(t *testing.T) {
	dir := t.TempDir()
	pytest, err := os.ReadFile("../../internal/gate/tests/testdata/pytest.xml")
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, dir, "pytest.xml", string(pytest))
	if err := os.MkdirAll(filepath.Join(dir, "go", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	ok := `<testsuites><testsuite name="p"><testcase classname="p" name="TestA"/><testcase classname="p" name="TestB"/></testsuite></testsuites>`
	mustWrite(t, dir, "go/sub/report.xml", ok)
	mustWrite(t, dir, "go/other.xml", ok)
	mustWrite(t, dir, "broken.xml", "<testsuite><testcase")
	cases := []struct {
		name string
		args []string
		code int
		want []string // in stdout (exit 0/1) or stderr (exit 2)
	}{
		{"failures", []string{"--junit", filepath.Join(dir, "pytest.xml")}, 1,
			[]string{"tests.test_model.test_recall_at_10", "AssertionError: assert 0.41 >= 0.45", "tests.test_features.test_load"}},
		{"double-star glob passes", []string{"--junit", filepath.Join(dir, "go", "**", "*.xml")}, 0, []string{"4 tests in 2 files: 4 passed"}},
		{"too few tests", []string{"--junit", filepath.Join(dir, "go/sub/*.xml"), "--min-tests", "3"}, 1, []string{"Fewer than min_tests = 3 ran"}},
		{"missing file", []string{"--junit", filepath.Join(dir, "nope.xml")}, 2, []string{"nope.xml", "no such file"}},
		{"glob without match", []string{"--junit", filepath.Join(dir, "*.junit")}, 2, []string{"*.junit\" matches no file"}},
		{"malformed", []string{"--junit", filepath.Join(dir, "go/other.xml") + " " + filepath.Join(dir, "broken.xml")}, 2, []string{"broken.xml: not a JUnit XML report"}},
		{"no reports", nil, 2, []string{"no JUnit reports"}},
		{"shell-expanded glob", []string{"--junit", filepath.Join(dir, "go/other.xml"), filepath.Join(dir, "go/sub/report.xml"), "--min-tests", "4"}, 0, []string{"4 tests in 2 files"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"tests", "--out", filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "-"))}, c.args...)
			code, stdout, stderr := runMain(t, nil, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			text := stdout
			if code == 2 {
				text = stderr
				if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
					t.Errorf("stderr is more than one line: %q", stderr)
				}
			}
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestRunTestsGateFromConfig(t *testing.T) {
	dir := t.TempDir()
	rep := mustWrite(t, dir, "report.xml", `<testsuite name="s"><testcase classname="c" name="a"/><testcase classname="c" name="b"><skipped/></testcase></testsuite>`)
	conf := mustWrite(t, dir, "mlgate.yml", "gates:\n  tests:\n    junit: ["+rep+"]\n    min_tests: 1\n")
	code, stdout, stderr := runMain(t, nil, "run", "-c", conf, "--out", filepath.Join(dir, "out"))
	if code != 0 || !strings.Contains(stdout, "2 tests in 1 file: 1 passed, 0 failed, 0 errors, 1 skipped.") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestTestsReadsOwnJUnit feeds the junit.xml gate-runner writes (one test
// case per check, for GitLab's test widget) back to the tests gate: the
// failing checks come back as failing tests.
func TestTestsReadsOwnJUnit(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first")
	code, stdout, stderr := runMain(t, nil, "tests", "--junit", "../../internal/gate/tests/testdata/pytest.xml", "--out", first)
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runMain(t, nil, "tests", "--junit", filepath.Join(first, "junit.xml"), "--out", filepath.Join(dir, "second"))
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	// The first run had 5 checks: tests run (pass), failures, errors and
	// the two failing tests.
	if !strings.Contains(stdout, "5 tests in 1 file: 1 passed") || !strings.Contains(stdout, "test_recall_at_10") {
		t.Errorf("second run:\n%s", stdout)
	}
}
