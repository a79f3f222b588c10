package main

import (
	"os"
	"path/filepath"
	"strings"
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

// TestMetricsTRECByContent: trec_eval's own file names (results.test,
// qrels.test) have no extension the table readers know; their first line
// says they are a run and a qrels file, and they are read as such. A file
// that is neither still gets the table readers' message.
func TestMetricsTRECByContent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	q := write("qrels.test", "301 0 d1 1\n301 0 d4 1\n303 0 d2 1\n")
	run := write("results.test", "\n301 Q0 d1 1 3.5 run\n301 Q0 d4 2 2.5 run extra\n303 Q0 d2 1 9 run\n")
	code, stdout, stderr := runMain(t, nil, "metrics", "--predictions", run, "--labels", q, "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"map": 1`) {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	other := write("notes.test", "just some text\n")
	code, _, stderr = runMain(t, nil, "metrics", "--predictions", other, "--labels", q, "--format", "json")
	if code != 2 || !strings.Contains(stderr, `unknown file type ".test"`) {
		t.Errorf("a file that is neither: exit %d, %s", code, stderr)
	}
}
