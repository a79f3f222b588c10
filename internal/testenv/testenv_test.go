package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestSlowRunsOrSkips(t *testing.T) {
	Slow(t, "checks the marker")
	if os.Getenv("MLGATE_SLOW") == "skip" {
		t.Fatal("Slow did not skip under MLGATE_SLOW=skip")
	}
	MustBeSlow(t, "this")
	t.Run("sub", func(t *testing.T) { MustBeSlow(t, "a subtest of a slow test") })
}

// TestMarkers runs this package's own test binary on the cases that must
// fail, since a failing t.Fatal cannot be observed from inside the test.
func TestMarkers(t *testing.T) {
	if os.Getenv("TESTENV_CASE") != "" {
		return
	}
	for _, c := range []struct{ name, env, want string }{
		{"TestCaseUnmarked", "", "must call testenv.Slow"},
		{"TestCaseFromHelper", "", "not from the Test function"},
		{"TestCaseInSubtest", "", "called in subtest"},
		{"TestCaseSkipped", "MLGATE_SLOW=skip", "runs in `make test-slow`"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^"+c.name+"$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CASE=1", c.env)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), c.want) {
			t.Errorf("%s: output lacks %q:\n%s", c.name, c.want, out)
		}
	}
}

func onlyInChild(t *testing.T) {
	if os.Getenv("TESTENV_CASE") == "" {
		t.Skip("run by TestMarkers")
	}
}

func TestCaseUnmarked(t *testing.T) { onlyInChild(t); MustBeSlow(t, "building a binary") }

func slowHelper(t *testing.T) { Slow(t, "wrong place") }

func TestCaseFromHelper(t *testing.T) { onlyInChild(t); slowHelper(t) }

func TestCaseInSubtest(t *testing.T) {
	onlyInChild(t)
	t.Run("x", func(t *testing.T) { Slow(t, "wrong place") })
}

func TestCaseSkipped(t *testing.T) {
	onlyInChild(t)
	Slow(t, "skipped")
	t.Fatal("not skipped")
}
