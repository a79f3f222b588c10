package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMetricsRunFileExtraFields: a TREC run file with fields after the
// sixth on some lines (trec_eval reads them, ignoring the rest, as its own
// test/results.trunc has them) gives the same metrics as without them.
func TestMetricsRunFileExtraFields(t *testing.T) {
	dir := t.TempDir()
	qrels := "301 0 d1 1\n301 0 d4 1\n303 0 d2 1\n303 0 d9 1\n"
	plain := "301 Q0 d1 1 3.5 run\n301 Q0 d2 2 2.5 run\n301 Q0 d4 3 1.5 run\n303 Q0 d3 1 9 run\n303 Q0 d2 2 8 run\n"
	extra := "301 Q0 d1 1 3.5 run extra fields\n301 Q0 d2 2 2.5 run\n301 Q0 d4 3 1.5 run x\n303 Q0 d3 1 9 run 1 2 3\n303 Q0 d2 2 8 run\n"
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	q := write("test.qrels", qrels)
	var outs []string
	for _, run := range []string{write("plain.run", plain), write("extra.run", extra)} {
		code, stdout, stderr := runMain(t, nil, "metrics", "--predictions", run, "--labels", q, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", run, code, stderr)
		}
		outs = append(outs, stdout)
	}
	if outs[0] != outs[1] {
		t.Errorf("extra fields changed the metrics:\n%s\n%s", outs[0], outs[1])
	}
}
