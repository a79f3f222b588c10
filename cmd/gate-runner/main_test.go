package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMain runs gate-runner in-process with env and returns exit code,
// stdout and stderr.
func runMain(tb testing.TB, env map[string]string, args ...string) (int, string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] },
		Now: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func mustWrite(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestCompareRatioRule is the acceptance case: a candidate at 94%
// of production's Precision@5 fails with exit 1 and a report naming the
// rule and both values; at 96% it passes.
func TestCompareRatioRule(t *testing.T) {
	dir := t.TempDir()
	base := mustWrite(t, dir, "prod.json", `{"precision@5": 0.25, "recall@10": 0.4}`)
	cases := []struct {
		name string
		p5   string
		code int
	}{
		{"94% fails", "0.235", 1},
		{"96% passes", "0.24", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cand := mustWrite(t, dir, "cand.json", `{"precision@5": `+c.p5+`, "recall@10": 0.41}`)
			out := filepath.Join(dir, "out-"+c.p5)
			code, stdout, stderr := runMain(t, nil, "compare", "--candidate", cand, "--baseline", base,
				"--rule", "precision@5:min_ratio=0.95", "--rule", "recall@10:min_ratio=0.95", "--out", out)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			md, err := os.ReadFile(filepath.Join(out, "report.md"))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"results.json", "report.md", "report.html", "junit.xml", "metrics.txt", "gates.env"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("missing %s", f)
				}
			}
			if c.code == 1 {
				want := "candidate precision@5 is 0.235 (production 0.25); required: ≥ 95% of production (min_ratio 0.95)"
				if !strings.Contains(string(md), want) || !strings.Contains(stdout, want) {
					t.Errorf("report lacks %q:\n%s", want, md)
				}
				env, _ := os.ReadFile(filepath.Join(out, "gates.env"))
				if !strings.Contains(string(env), "MLGATE_STATUS=fail") {
					t.Errorf("gates.env: %s", env)
				}
			}
		})
	}
}

func TestCompareFromConfigFirstModel(t *testing.T) {
	dir := t.TempDir()
	cand := mustWrite(t, dir, "cand.yaml", "eval:\n  precision@5: 0.2\n  latency_ms: 350\n")
	cfg := mustWrite(t, dir, "mlgate.yml", `
model: {name: rec, version: rec-v0.1.0}
report: {out: `+filepath.Join(dir, "out")+`}
gates:
  compare:
    candidate: {file: `+cand+`}
    rules:
      - {metric: eval.precision@5, min_ratio: 0.95}
      - {metric: eval.latency_ms, max: 300, higher_is_better: false}
`)
	code, stdout, _ := runMain(t, nil, "run", "-c", cfg)
	if code != 1 || !strings.Contains(stdout, "No baseline yet") || !strings.Contains(stdout, "required: ≤ 300 (max)") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	good := mustWrite(t, dir, "good.json", `{"precision@5": 0.2}`)
	broken := mustWrite(t, dir, "broken.json", `{"precision@5": `)
	badCfg := mustWrite(t, dir, "bad.yml", "gates:\n  compare:\n    rulez: []\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"broken metrics file", []string{"compare", "--candidate", broken, "--rule", "precision@5:min=0.1"}, broken + ": not valid JSON: unexpected EOF"},
		{"missing file", []string{"compare", "--candidate", filepath.Join(dir, "nope.json"), "--rule", "precision@5:min=0.1"}, "nope.json: no such file or directory"},
		{"bad rule", []string{"compare", "--candidate", good, "--rule", "precision@5:min_ration=0.95"}, `unknown condition "min_ration"`},
		{"no rules", []string{"compare", "--candidate", good}, "no rules: give --rule"},
		{"bad format", []string{"compare", "--candidate", good, "--format", "xml", "--rule", "p:min=1"}, `--format is "xml", expected table, json or markdown`},
		{"bad config", []string{"validate", "-c", badCfg}, badCfg + `:3: unknown key "rulez" in gates.compare: expected one of baseline, candidate, rules`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runMain(t, nil, append(c.args, "--out", filepath.Join(dir, "o"))...)
			if c.name == "bad config" {
				code, _, stderr = runMain(t, nil, c.args...)
			}
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line containing %q", stderr, c.want)
			}
		})
	}
}

func TestValidateAndVersion(t *testing.T) {
	dir := t.TempDir()
	cfg := mustWrite(t, dir, "ok.yml", "gates:\n  compare:\n    candidate: {file: c.json}\n    rules: [{metric: p, min: 1}]\n")
	if code, out, _ := runMain(t, nil, "validate", "-c", cfg); code != 0 || out != cfg+": valid; gates: compare\n" {
		t.Errorf("validate: %d %q", code, out)
	}
	if code, out, _ := runMain(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "gate-runner ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestGitLabSections(t *testing.T) {
	dir := t.TempDir()
	cand := mustWrite(t, dir, "c.json", `{"p": 2}`)
	cfg := mustWrite(t, dir, "m.yml", "report: {out: "+filepath.Join(dir, "o")+"}\ngates:\n  compare:\n    candidate: {file: "+cand+"}\n    rules: [{metric: p, min: 1}]\n")
	code, _, stderr := runMain(t, map[string]string{"GITLAB_CI": "true"}, "run", "-c", cfg)
	if code != 0 || !strings.Contains(stderr, "section_start:1795435200:mlgate_compare[collapsed=true]") || !strings.Contains(stderr, "section_end:1795435200:mlgate_compare") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func readFile(tb testing.TB, p string) string {
	tb.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
