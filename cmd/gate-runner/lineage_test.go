package main

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/report"
)

// TestRunRecordsLineage: `run` records the commit, a hash of each file the
// config names (the .dvc md5 where one lies beside it) and params.yaml, in
// results.json and report.md.
func TestRunRecordsLineage(t *testing.T) {
	dir := t.TempDir()
	cand := mustWrite(t, dir, "cand.json", `{"precision@5": 0.24}`)
	base := mustWrite(t, dir, "prod.json", `{"precision@5": 0.25}`)
	sum := md5.Sum([]byte(`{"precision@5": 0.25}`))
	mustWrite(t, dir, "prod.json.dvc", "outs:\n- md5: "+hex.EncodeToString(sum[:])+"\n  size: 21\n  path: prod.json\n")
	params := mustWrite(t, dir, "params.yaml", "train:\n  lr: 0.01\n  factors: 64\n")
	out := filepath.Join(dir, "out")
	cfg := mustWrite(t, dir, "mlgate.yml", `
report: {out: `+out+`}
gates:
  compare:
    candidate: {file: `+cand+`}
    baseline: {file: `+base+`}
    rules:
      - {metric: precision@5, min_ratio: 0.95}
`)
	code, stdout, stderr := runMain(t, map[string]string{"CI_COMMIT_SHA": "c0ffee"}, "run", "-c", cfg, "--params", params)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	r, err := report.ReadJSON(filepath.Join(out, report.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	cs := sha256.Sum256([]byte(`{"precision@5": 0.24}`))
	l := r.Lineage
	if l == nil || l.Commit != "c0ffee" || l.Files[cand] != "sha256:"+hex.EncodeToString(cs[:]) ||
		l.Files[base] != "md5:"+hex.EncodeToString(sum[:])+" (dvc)" || l.Params["train.factors"] != 64.0 || l.ParamsFile != params {
		t.Fatalf("lineage %+v", l)
	}
	md, _ := os.ReadFile(filepath.Join(out, report.MarkdownFile))
	for _, want := range []string{"commit `c0ffee`", "| train.lr | 0.01 |", "`sha256:" + hex.EncodeToString(cs[:]) + "`"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}
