package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// gateRunner builds cmd/gate-runner once per test binary.
func gateRunner(t *testing.T) string {
	t.Helper()
	return filepath.Join(testenv.GateRunner(t), "gate-runner")
}

// project lays out the example project in a temp dir the way the pipeline
// does: the trained candidate in model/, production's in production/, and
// the example's .mlgate.yml.
func project(t *testing.T, candidateArgs ...string) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile("../.mlgate.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".mlgate.yml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(append([]string{"--out", filepath.Join(dir, "model")}, candidateArgs...), &out); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"--model", "popularity", "--out", filepath.Join(dir, "production")}, &out); err != nil {
		t.Fatal(err)
	}
	return dir
}

// gate runs gate-runner in the project and returns its exit code and the
// statuses of Gate 3's checks from results.json.
func gate(t *testing.T, bin, dir string, args ...string) (int, map[string]string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "mlgate-out", "results.json"))
	if err != nil {
		t.Fatalf("no results.json: %v\n%s", err, out)
	}
	var res struct {
		Gates []struct {
			Gate   string `json:"gate"`
			Checks []struct {
				Name   string `json:"name"`
				Status string `json:"status"`
			} `json:"checks"`
		} `json:"gates"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	st := map[string]string{}
	for _, g := range res.Gates {
		for _, c := range g.Checks {
			st[g.Gate+"/"+c.Name] = c.Status
		}
	}
	t.Logf("gate-runner %s: exit %d\n%s", strings.Join(args, " "), code, out)
	return code, st
}

// TestExampleGates trains the example's co-occurrence model and the
// popularity production model on the demo data and runs the example's
// gates on them: they pass. A co-occurrence model that drops the popularity
// prior is worse, and the compare gate fails it.
func TestExampleGates(t *testing.T) {
	testenv.Slow(t, "builds gate-runner and runs the example gates")
	if testing.Short() {
		t.Skip("builds gate-runner")
	}
	bin := gateRunner(t)

	dir := project(t)
	code, st := gate(t, bin, dir, "run", "-c", ".mlgate.yml")
	if code != 0 {
		t.Fatalf("the example's gates exited %d, want 0; checks %v", code, st)
	}
	for _, c := range []string{"data/rows", "data/duplicates", "compare/precision@5", "compare/recall@10", "compare/serving.latency_p95_ms"} {
		if st[c] != "pass" {
			t.Errorf("check %s is %q, want pass (all: %v)", c, st[c], st)
		}
	}

	dir = project(t, "--pop-weight", "0.05")
	code, st = gate(t, bin, dir, "compare", "-c", ".mlgate.yml")
	if code != 1 || st["compare/precision@5"] != "fail" {
		t.Fatalf("a worse candidate: exit %d, precision@5 %q; want exit 1 and fail (all: %v)", code, st["compare/precision@5"], st)
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("user_id,item_id,relevance\nu1,i1,lots\n"), 0o644)
	noCol := filepath.Join(dir, "nocol.csv")
	os.WriteFile(noCol, []byte("user_id,item_id\nu1,i1\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", bad}, `relevance`},
		{[]string{"--data", noCol}, `relevance`},
		{[]string{"--model", "svd"}, `found "svd", expected cooc or popularity`},
		{[]string{"--holdout", "100"}, `--holdout between 1 and 99`},
	} {
		err := run(append(tc.args, "--out", filepath.Join(dir, "out")), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("train %v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
