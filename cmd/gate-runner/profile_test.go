package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileMergeCommand profiles two shards, merges them (to stdout and
// with --out) and compares against the merged profile: categorical
// statistics equal those against the whole file, and the merged profile
// says its edges are approximate.
func TestProfileMergeCommand(t *testing.T) {
	dir := t.TempDir()
	a := driftCSV(t, dir, "a.csv", 300, 0)
	b := driftCSV(t, dir, "b.csv", 200, 0)
	whole := mustWrite(t, dir, "whole.csv", mustRead(t, a)+strings.SplitN(mustRead(t, b), "\n", 2)[1])
	cur := driftCSV(t, dir, "cur.csv", 400, 0.5)
	pa, pb := filepath.Join(dir, "a.profile.json"), filepath.Join(dir, "b.profile.json")
	for _, p := range [][2]string{{a, pa}, {b, pb}} {
		if code, stdout, stderr := runMain(t, nil, "profile", "--data", p[0], "--out", p[1], "--memory", "0"); code != 0 {
			t.Fatalf("profile %s: exit %d\n%s%s", p[0], code, stdout, stderr)
		}
	}
	merged := filepath.Join(dir, "ab.profile.json")
	code, stdout, stderr := runMain(t, nil, "profile", "merge", pa, "--out", merged, pb)
	if code != 0 || !strings.Contains(stdout, "2 shards") {
		t.Fatalf("profile merge --out: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runMain(t, nil, "profile", "merge", pa, pb)
	var doc struct {
		Rows             int64 `json:"rows"`
		Shards           int   `json:"shards"`
		EdgesApproximate bool  `json:"edges_approximate"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); code != 0 || err != nil || doc.Rows != 500 || doc.Shards != 2 || !doc.EdgesApproximate {
		t.Fatalf("profile merge to stdout: exit %d, %+v (%v)\n%.300s%s", code, doc, err, stdout, stderr)
	}
	if file := mustRead(t, merged); strings.TrimSpace(file) != strings.TrimSpace(stdout) {
		t.Errorf("--out and stdout differ:\n%.200s\n%.200s", file, stdout)
	}
	stats := func(reference string) map[string]float64 {
		_, stdout, stderr := runMain(t, nil, "drift", "--reference", reference, "--current", cur, "--format", "json", "--out", filepath.Join(dir, "o"))
		var doc struct {
			Features []struct {
				Name string  `json:"name"`
				Chi2 float64 `json:"chi2"`
				KS   float64 `json:"ks_statistic"`
			} `json:"features"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("%v\n%s%s", err, stdout, stderr)
		}
		out := map[string]float64{}
		for _, f := range doc.Features {
			out[f.Name+".chi2"], out[f.Name+".ks"] = f.Chi2, f.KS
		}
		return out
	}
	fromFile, fromMerged := stats(whole), stats(merged)
	// 500 reference values with 101 distinct ones: the sketch (K 4096) is
	// exact, so KS is too (up to rounding).
	if fromFile["c.chi2"] != fromMerged["c.chi2"] || math.Abs(fromFile["x.ks"]-fromMerged["x.ks"]) > 1e-12 {
		t.Errorf("from the whole file %v, from the merged profile %v", fromFile, fromMerged)
	}
}

// TestProfileMergeBadInput: each bad input exits 2 with one line naming
// the file and what is wrong.
func TestProfileMergeBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.profile.json")
	if code, _, stderr := runMain(t, nil, "profile", "--data", driftCSV(t, dir, "a.csv", 100, 0), "--out", good); code != 0 {
		t.Fatal(stderr)
	}
	other := filepath.Join(dir, "other.profile.json")
	if code, _, stderr := runMain(t, nil, "profile", "--data", mustWrite(t, dir, "o.csv", "x,d\n1,a\n2,b\n"), "--out", other); code != 0 {
		t.Fatal(stderr)
	}
	bins := filepath.Join(dir, "bins.profile.json")
	if code, _, stderr := runMain(t, nil, "profile", "--data", filepath.Join(dir, "a.csv"), "--out", bins, "--bins", "5"); code != 0 {
		t.Fatal(stderr)
	}
	old := mustWrite(t, dir, "old.profile.json", `{"version":1,"features":[]}`)
	junk := mustWrite(t, dir, "junk.profile.json", `{"version":2,"features":[`)
	cases := []struct {
		args       []string
		file, want string
	}{
		{[]string{good, other}, other, `column 2 is "d", but in ` + good + ` it is "c"`},
		{[]string{good, bins}, bins, "bins 5 and sketch size 4096, but " + good + " has bins 10"},
		{[]string{good, old}, old, "profile version 1"},
		{[]string{good, junk}, junk, "not a profile"},
		{[]string{good, filepath.Join(dir, "missing.profile.json")}, "missing.profile.json", "no such file"},
		{[]string{}, "", "needs the profiles to merge"},
		{[]string{good, "--out", filepath.Join(dir, "x.json")}, "x.json", "must end in .profile.json"},
	}
	for _, c := range cases {
		code, _, stderr := runMain(t, nil, append([]string{"profile", "merge"}, c.args...)...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(stderr, c.file) || !strings.Contains(stderr, c.want) {
			t.Errorf("profile merge %v: exit %d, stderr %q; want exit 2 and one line naming %s with %q", c.args, code, stderr, c.file, c.want)
		}
	}
}

// TestDriftOldProfile: a profile of an older format is refused with one
// line that says what to do.
func TestDriftOldProfile(t *testing.T) {
	dir := t.TempDir()
	old := mustWrite(t, dir, "old.profile.json", `{"version":1,"features":[]}`)
	cur := driftCSV(t, dir, "cur.csv", 50, 0)
	code, _, stderr := runMain(t, nil, "drift", "--reference", old, "--current", cur, "--out", filepath.Join(dir, "o"))
	if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, old+": profile version 1") || !strings.Contains(stderr, "run gate-runner profile") {
		t.Errorf("drift against a version-1 profile: exit %d, %q", code, stderr)
	}
}

func mustRead(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
