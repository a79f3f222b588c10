package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

// writeParts writes n rows of (x normal, y integer, c category) cut into
// parts files part-0.csv … and whole.csv holding the same rows.
func writeParts(t *testing.T, dir string, n, parts int) (string, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	var rows []string
	for i := 0; i < n; i++ {
		rows = append(rows, fmt.Sprintf("%.6f,%d,k%d\n", rng.NormFloat64(), rng.IntN(40), rng.IntN(5)))
	}
	var files []string
	for p := 0; p < parts; p++ {
		files = append(files, mustWrite(t, dir, fmt.Sprintf("part-%d.csv", p), "x,y,c\n"+strings.Join(rows[p*n/parts:(p+1)*n/parts], "")))
	}
	return mustWrite(t, dir, "whole.csv", "x,y,c\n"+strings.Join(rows, "")), files
}

func mustProfile(t *testing.T, path string) *drift.Profile {
	t.Helper()
	p, err := drift.ReadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProfileSeveralFiles: a glob of files profiled as one dataset gives
// the profile of the file holding all their rows (exact deciles across the
// files), whether read in memory or streamed; so does a one-shard merge.
func TestProfileSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	whole, _ := writeParts(t, dir, 9000, 5)
	wp := filepath.Join(dir, "whole.profile.json")
	if code, out, stderr := runMain(t, nil, "profile", "--data", whole, "--out", wp); code != 0 {
		t.Fatalf("profile whole: exit %d\n%s%s", code, out, stderr)
	}
	want := mustProfile(t, wp)
	for _, mem := range []string{"0", "1"} { // in memory; streamed
		gp := filepath.Join(dir, "glob"+mem+".profile.json")
		code, out, stderr := runMain(t, nil, "profile", "--data", filepath.Join(dir, "part-*.csv"), "--out", gp, "--memory", mem)
		if code != 0 || !strings.Contains(out, "9000 rows of "+filepath.Join(dir, "part-0.csv")+", ") {
			t.Fatalf("profile glob (--memory %s): exit %d\n%s%s", mem, code, out, stderr)
		}
		got := mustProfile(t, gp)
		if got.Rows != want.Rows || got.EdgesApproximate || len(got.Features) != len(want.Features) {
			t.Fatalf("--memory %s: %d rows approximate %v, want %d", mem, got.Rows, got.EdgesApproximate, want.Rows)
		}
		for i, f := range got.Features {
			w := want.Features[i]
			if !slices.Equal(f.Edges, w.Edges) || !slices.Equal(f.Counts, w.Counts) || f.N != w.N || f.Min != w.Min || f.Max != w.Max || len(f.Categories) != len(w.Categories) {
				t.Errorf("--memory %s, %s: edges %v counts %v n %d; the whole file's %v %v %d", mem, f.Name, f.Edges, f.Counts, f.N, w.Edges, w.Counts, w.N)
			}
		}
	}
	// Shell-expanded files after --data, and a comma list, are the same inputs.
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*.csv"))
	for _, args := range [][]string{append([]string{"profile", "--format", "json", "--data"}, parts...), {"profile", "--format", "json", "--data", strings.Join(parts, ",")}} {
		code, out, stderr := runMain(t, nil, append(args, "--out", filepath.Join(dir, "list.profile.json"))...)
		var doc struct {
			Files []string
			Rows  int64
		}
		if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || !slices.Equal(doc.Files, parts) || doc.Rows != 9000 {
			t.Errorf("%v: exit %d, %s%s", args[:4], code, out, stderr)
		}
	}
}

// TestProfileShards profiles 5 files in 3 and in 6 shards (one empty),
// with --shard I/N and --shard auto, and merges them: every row is
// counted once, the empty shard's profile is left out, and bad --shard
// values and data are one line, exit 2.
func TestProfileShards(t *testing.T) {
	dir := t.TempDir()
	writeParts(t, dir, 9000, 5)
	glob := filepath.Join(dir, "part-*.csv")
	for _, total := range []int{3, 6} {
		out := filepath.Join(dir, fmt.Sprintf("shards%d", total))
		var rows int64
		for i := 1; i <= total; i++ {
			env := map[string]string{"CI_NODE_INDEX": fmt.Sprint(i), "CI_NODE_TOTAL": fmt.Sprint(total)}
			shardArg := "auto"
			if i%2 == 0 {
				env, shardArg = nil, fmt.Sprintf("%d/%d", i, total)
			}
			code, stdout, stderr := runMain(t, env, "profile", "--data", glob, "--shard", shardArg, "--out", out)
			p := filepath.Join(out, fmt.Sprintf("part-shard-%d-of-%d.profile.json", i, total))
			if code != 0 || !strings.Contains(stdout, "Wrote "+p) {
				t.Fatalf("shard %d/%d: exit %d\n%s%s", i, total, code, stdout, stderr)
			}
			sp := mustProfile(t, p)
			rows += sp.Rows
			if empty := i > 5; sp.IsEmpty() != empty || (empty && !strings.Contains(stdout, "an empty profile, which profile merge leaves out")) {
				t.Errorf("shard %d/%d: empty %v, %d rows: %s", i, total, sp.IsEmpty(), sp.Rows, stdout)
			}
		}
		if rows != 9000 {
			t.Errorf("%d shards hold %d rows, want 9000", total, rows)
		}
		shards, _ := filepath.Glob(filepath.Join(out, "*.profile.json"))
		merged := filepath.Join(dir, fmt.Sprintf("merged%d.profile.json", total))
		code, stdout, stderr := runMain(t, nil, append(append([]string{"profile", "merge"}, shards...), "--out", merged)...)
		if code != 0 {
			t.Fatalf("merge %d shards: exit %d\n%s%s", total, code, stdout, stderr)
		}
		if m := mustProfile(t, merged); m.Rows != 9000 || m.Shards != 5 && total == 6 || m.Shards != 3 && total == 3 || !m.EdgesApproximate {
			t.Errorf("merged %d shards: %d rows, %d shards, approximate %v", total, m.Rows, m.Shards, m.EdgesApproximate)
		}
	}
	// A merge of one shard's profile and empty ones is that profile, exact.
	one := filepath.Join(dir, "one")
	for i := 1; i <= 2; i++ {
		runMain(t, nil, "profile", "--data", filepath.Join(dir, "part-0.csv"), "--shard", fmt.Sprintf("%d/2", i), "--out", one)
	}
	code, stdout, stderr := runMain(t, nil, "profile", "merge", filepath.Join(one, "part-0-shard-1-of-2.profile.json"), filepath.Join(one, "part-0-shard-2-of-2.profile.json"), "--out", filepath.Join(dir, "one.profile.json"))
	if m := mustProfile(t, filepath.Join(dir, "one.profile.json")); code != 0 || m.EdgesApproximate || m.Rows != 1800 {
		t.Errorf("merge of one profile and an empty one: exit %d, approximate %v, %d rows\n%s%s", code, m.EdgesApproximate, m.Rows, stdout, stderr)
	}
	code, _, stderr = runMain(t, nil, "profile", "merge", filepath.Join(one, "part-0-shard-2-of-2.profile.json"))
	if code != 2 || !strings.Contains(stderr, "every profile is of an empty shard") {
		t.Errorf("merge of only an empty profile: exit %d, %q", code, stderr)
	}
	code, _, stderr = runMain(t, nil, "drift", "--reference", filepath.Join(one, "part-0-shard-2-of-2.profile.json"), "--current", filepath.Join(dir, "part-1.csv"), "--out", filepath.Join(dir, "o"))
	if code != 2 || !strings.Contains(stderr, "the profile of an empty shard") {
		t.Errorf("drift against an empty shard's profile: exit %d, %q", code, stderr)
	}

	mustWrite(t, dir, "other.csv", "x,z,c\n1,2,a\n")
	mustWrite(t, dir, "p.profile.json", "{}")
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--data", glob, "--shard", "5/4"}, nil, `--shard "5/4": shard 5 of 4; expected 1 ≤ I ≤ N`},
		{[]string{"--data", glob, "--shard", "0/0"}, nil, `--shard "0/0": shard 0 of 0`},
		{[]string{"--data", glob, "--shard", "garbage"}, nil, `--shard "garbage": expected I/N`},
		{[]string{"--data", glob, "--shard", "auto"}, map[string]string{"CI_NODE_INDEX": "3"}, `--shard auto: CI_NODE_INDEX "3" and CI_NODE_TOTAL ""`},
		{[]string{"--data", filepath.Join(dir, "nope-*.csv")}, nil, `--data: "` + filepath.Join(dir, "nope-*.csv") + `" matches no file`},
		{[]string{"--data", filepath.Join(dir, "nope.csv")}, nil, "--data: stat " + filepath.Join(dir, "nope.csv") + ": no such file"},
		{[]string{"--data", filepath.Join(dir, "p.profile.json")}, nil, "p.profile.json: a stored profile, expected data files"},
		{[]string{"--data", filepath.Join(dir, "part-0.csv"), "--data", filepath.Join(dir, "other.csv")}, nil, filepath.Join(dir, "part-0.csv") + ": columns (x, y, c), but " + filepath.Join(dir, "other.csv") + " has (x, z, c)"},
	} {
		code, stdout, stderr := runMain(t, c.env, append(append([]string{"profile"}, c.args...), "--out", filepath.Join(dir, "bad"))...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("profile %v: exit %d, stderr %q, stdout %q; want exit 2 and one line containing %q", c.args, code, stderr, stdout, c.want)
		}
	}
}
