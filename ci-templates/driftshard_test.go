package citemplates_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// driftFeature is what the test reads of a feature in results.json, or in
// bench/drift_pandas.py's JSON.
type driftFeature struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	PSI      *float64 `json:"psi"`
	KS       *float64 `json:"ks_statistic"`
	KSMethod string   `json:"ks_method"`
	KSBound  *float64 `json:"ks_error_bound"`
	PSIBound *float64 `json:"psi_error_bound"`
	Status   string   `json:"status"`
	NRef     int64    `json:"n_reference"`
	Chi2     *float64 `json:"chi2"`
}

// driftResults reads the drift gate's features and status from a
// results.json.
func driftResults(t *testing.T, path string) (map[string]driftFeature, string, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the pipeline wrote no %s: %v", path, err)
	}
	var doc struct {
		Gates []struct {
			Gate    string `json:"gate"`
			Status  string `json:"status"`
			Details struct {
				Reference string         `json:"reference"`
				Features  []driftFeature `json:"features"`
			} `json:"details"`
		} `json:"gates"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Gates) != 1 || doc.Gates[0].Gate != "drift" {
		t.Fatalf("%s: %v, %+v", path, err, doc)
	}
	out := map[string]driftFeature{}
	for _, f := range doc.Gates[0].Details.Features {
		out[f.Name] = f
	}
	return out, doc.Gates[0].Status, doc.Gates[0].Details.Reference
}

// TestDriftCheckShardedWithGitLabCILocal runs the drift-check component
// through gitlab-ci-local twice on the drift bench's data (bench/drift_gen.py,
// 40,000 rows of 16 numeric and 4 categorical columns, the reference cut
// into 8 files): once with parallel: 4, where four mlgate-drift-profile
// jobs profile two files each and the drift job merges their profiles, and
// once with parallel: 1 on the reference as one file, the single job that
// reads it whole. The sharded job's KS and PSI are within the bounds it
// states (ks_error_bound, psi_error_bound) of the single job's, which are
// the exact ones of pandas and SciPy (bench/drift_pandas.py); categorical
// statistics are equal; every verdict is the same.
func TestDriftCheckShardedWithGitLabCILocal(t *testing.T) {
	testenv.Slow(t, "runs gitlab-ci-local pipelines and builds gate-runner")
	glci, err := exec.LookPath("gitlab-ci-local")
	if err != nil {
		t.Skip("gitlab-ci-local not installed (.ci/install.d/gitlab-ci-local.sh installs it with Node 22)")
	}
	if _, err := exec.LookPath("rsync"); err != nil {
		t.Skip("rsync not installed (gitlab-ci-local needs it; .ci/install.d/gitlab-ci-local.sh installs it)")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy, pandas, scipy").Run(); err != nil {
		t.Skip("/usr/bin/python3 with numpy, pandas and scipy not installed (Debian python3-pandas python3-scipy): the data and the reference values come from bench/drift_gen.py and bench/drift_pandas.py")
	}
	repo := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tpl, err := os.ReadFile(filepath.Join(componentDir, "drift-check.yml"))
	must(err)
	must(os.MkdirAll(filepath.Join(repo, "templates"), 0o755))
	must(os.WriteFile(filepath.Join(repo, "templates", "drift-check.yml"), tpl, 0o644))

	// The drift bench's files, the reference also cut into 8 files.
	ref, cur := filepath.Join(repo, "data", "reference.csv"), filepath.Join(repo, "data", "current.csv")
	must(os.MkdirAll(filepath.Join(repo, "data", "ref"), 0o755))
	if out, err := exec.Command("/usr/bin/python3", "../bench/drift_gen.py", "40000", ref, cur).CombinedOutput(); err != nil {
		t.Fatalf("drift_gen.py: %v\n%s", err, out)
	}
	b, err := os.ReadFile(ref)
	must(err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	header, rows := lines[0], lines[1:]
	for p := 0; p < 8; p++ {
		part := header + strings.Join(rows[p*len(rows)/8:(p+1)*len(rows)/8], "")
		if !strings.HasSuffix(part, "\n") {
			part += "\n"
		}
		must(os.WriteFile(filepath.Join(repo, "data", "ref", fmt.Sprintf("part-%d.csv", p)), []byte(part), 0o644))
	}
	pandasOut, err := exec.Command("/usr/bin/python3", "../bench/drift_pandas.py", ref, cur).Output()
	if err != nil {
		t.Fatalf("drift_pandas.py: %v", err)
	}
	var exact struct{ Features []driftFeature }
	must(json.Unmarshal(pandasOut, &exact))
	must(os.WriteFile(filepath.Join(repo, ".mlgate.yml"), []byte("model:\n  name: shards\n"), 0o644))
	must(os.WriteFile(filepath.Join(repo, ".gitignore"), []byte(".gitlab-ci-local/\nmlgate-out/\n"), 0o644))

	bin := testenv.GateRunner(t)
	git := testenv.Git(t, repo)
	pipeline := func(parallel int, reference, out string) string {
		t.Helper()
		ci := fmt.Sprintf(`stages: [monitor]
include:
  - local: /templates/drift-check.yml
    inputs:
      reference: %q
      current: data/current.csv
      out: %s
      parallel: %d
`, reference, out, parallel)
		must(os.WriteFile(filepath.Join(repo, ".gitlab-ci.yml"), []byte(ci), 0o644))
		git("add", "-A")
		git("commit", "-qm", fmt.Sprintf("parallel %d", parallel))
		cmd := exec.Command(glci, "--force-shell-executor", "--home", t.TempDir(), "--variable", "CI_PIPELINE_SOURCE=web")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		o, err := cmd.CombinedOutput()
		t.Logf("gitlab-ci-local, parallel %d:\n%s", parallel, o)
		if err != nil {
			t.Fatalf("gitlab-ci-local, parallel %d: %v", parallel, err)
		}
		return string(o)
	}

	out := pipeline(4, "data/ref/part-*.csv", "mlgate-out/sharded")
	for i := 1; i <= 4; i++ {
		if !regexp.MustCompile(fmt.Sprintf(`PASS\s+mlgate-drift-profile: \[%d/4\]`, i)).MatchString(out) &&
			!regexp.MustCompile(fmt.Sprintf(`PASS\s+mlgate-drift-profile \[%d/4\]`, i)).MatchString(out) {
			t.Errorf("no passing profiling job %d/4 in the output", i)
		}
		if !strings.Contains(out, fmt.Sprintf("(shard %d/4 of 8 files)", i)) {
			t.Errorf("profiling job %d/4 did not say it profiled its share of the 8 files", i)
		}
	}
	if !strings.Contains(out, "Wrote mlgate-out/sharded/reference.profile.json: 4 shards") {
		t.Error("the drift job did not merge the 4 shard profiles")
	}
	out1 := pipeline(1, "data/reference.csv", "mlgate-out/single")
	if strings.Contains(out1, "mlgate-drift-profile") {
		t.Error("with parallel 1 a profiling job ran")
	}

	sharded, sStatus, sRef := driftResults(t, filepath.Join(repo, "mlgate-out/sharded/results.json"))
	single, status, _ := driftResults(t, filepath.Join(repo, "mlgate-out/single/results.json"))
	if sRef != "mlgate-out/sharded/reference.profile.json" || sStatus != status {
		t.Errorf("sharded: reference %s, status %s; single job's status %s", sRef, sStatus, status)
	}
	if len(exact.Features) != 20 || len(sharded) != 20 || len(single) != 20 {
		t.Fatalf("features: pandas %d, sharded %d, single %d; want 20", len(exact.Features), len(sharded), len(single))
	}
	drifted := 0
	for _, e := range exact.Features {
		s, one := sharded[e.Name], single[e.Name]
		if s.Status != one.Status {
			t.Errorf("%s: sharded verdict %s, single job's %s", e.Name, s.Status, one.Status)
		}
		if one.Status != "pass" {
			drifted++
		}
		if s.NRef != one.NRef {
			t.Errorf("%s: sharded n_reference %d, single %d", e.Name, s.NRef, one.NRef)
		}
		// The single job is exact: pandas' and SciPy's numbers.
		if !near(*one.PSI, *e.PSI, 1e-9) || (e.Type == "numeric" && !near(*one.KS, *e.KS, 1e-12)) {
			t.Errorf("%s: single job PSI %v KS %v, pandas/SciPy %v %v", e.Name, *one.PSI, ptr(one.KS), *e.PSI, ptr(e.KS))
		}
		if e.Type != "numeric" {
			if *s.PSI != *one.PSI || *s.Chi2 != *one.Chi2 {
				t.Errorf("%s: categorical PSI %v chi2 %v sharded, %v %v single", e.Name, *s.PSI, *s.Chi2, *one.PSI, *one.Chi2)
			}
			continue
		}
		if s.KSMethod != "profile" || s.KSBound == nil || s.PSIBound == nil {
			t.Fatalf("%s: sharded ks_method %q, bounds %v %v: want bounds from the merged profile", e.Name, s.KSMethod, ptr(s.KSBound), ptr(s.PSIBound))
		}
		dKS, dPSI := math.Abs(*s.KS-*one.KS), math.Abs(*s.PSI-*one.PSI)
		if dKS > *s.KSBound+1e-12 {
			t.Errorf("%s: |KS sharded − KS single| = |%v − %v| = %.3g > ks_error_bound %.3g", e.Name, *s.KS, *one.KS, dKS, *s.KSBound)
		}
		if !(dPSI <= *s.PSIBound+1e-12) {
			t.Errorf("%s: |PSI sharded − PSI single| = |%v − %v| = %.3g > psi_error_bound %.3g", e.Name, *s.PSI, *one.PSI, dPSI, *s.PSIBound)
		}
		t.Logf("%s: KS %.6f vs %.6f (|Δ| %.2g ≤ %.2g), PSI %.6f vs %.6f (|Δ| %.2g ≤ %.2g), %s", e.Name, *s.KS, *one.KS, dKS, *s.KSBound, *s.PSI, *one.PSI, dPSI, *s.PSIBound, s.Status)
	}
	if drifted == 0 || drifted == 20 {
		t.Errorf("%d of 20 features drifted: the data should have both", drifted)
	}
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Abs(b))
}

func ptr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
