package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// warnCSVs writes a reference and a current file of two features: x, whose
// current sample moves mass between the reference's deciles for a PSI of
// about 0.21 (a warning under the default 0.2 and 0.3), and c, which does
// not move.
func warnCSVs(tb testing.TB, dir string) (ref, cur string) {
	tb.Helper()
	var r, c strings.Builder
	r.WriteString("x,c\n")
	c.WriteString("x,c\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&r, "%.3f,%s\n", float64(i)/100, []string{"a", "b"}[i%2])
	}
	// Shares of the ten deciles in the current sample; the reference has
	// 0.1 in each. PSI = Σ (c−r)·ln(c/r) ≈ 0.2123.
	counts := []int{240, 50, 50, 60, 100, 100, 100, 100, 100, 100}
	n := 0
	for bin, k := range counts {
		for j := 0; j < k; j++ {
			fmt.Fprintf(&c, "%.3f,%s\n", float64(bin)+0.5, []string{"a", "b"}[n%2])
			n++
		}
	}
	return mustWrite(tb, dir, "ref.csv", r.String()), mustWrite(tb, dir, "cur.csv", c.String())
}

// TestOneWarningDoesNotFail is issue 16's case: with the defaults, one
// feature of two at PSI 0.21 warns, and the gate exits 0 with WARN; the
// report says the rule. The data gate's distribution check agrees.
func TestOneWarningDoesNotFail(t *testing.T) {
	dir := t.TempDir()
	ref, cur := warnCSVs(t, dir)
	code, stdout, stderr := runMain(t, nil, "drift", "--reference", ref, "--current", cur, "--format", "json", "--out", filepath.Join(dir, "o"))
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	var doc struct {
		Features []struct {
			Name   string  `json:"name"`
			PSI    float64 `json:"psi"`
			Status string  `json:"status"`
		} `json:"features"`
		Share  float64 `json:"drift_share"`
		Status string  `json:"status"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	x := doc.Features[0]
	if x.Name != "x" || x.PSI < 0.205 || x.PSI > 0.215 || x.Status != "warn" || doc.Features[1].Status != "pass" {
		t.Fatalf("features %+v, want x at PSI 0.21 warn and c pass", doc.Features)
	}
	if doc.Share != 0.5 || doc.Status != "warn" {
		t.Errorf("drift_share %v status %q, want 0.5 warn", doc.Share, doc.Status)
	}
	md := readFile(t, filepath.Join(dir, "o", "report.md"))
	if want := "the dataset fails only when a feature fails, and warnings never fail it"; !strings.Contains(md, want) {
		t.Errorf("report.md does not state the rule %q:\n%s", want, md)
	}

	dataCfg := mustWrite(t, dir, "data.yml", "gates:\n  data:\n    max_duplicates: 1\n")
	shareCfg := mustWrite(t, dir, "share.yml", "gates:\n  data:\n    max_duplicates: 1\n  drift:\n    drift_share_fail: 0.5\n")
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		// The current sample repeats rows by design: duplicates are
		// allowed so that only the distribution check counts.
		{"data gate", []string{"data", "--data", cur, "--reference", ref, "-c", dataCfg}, 0},
		{"drift with drift_share_fail 0.5", []string{"drift", "--reference", ref, "--current", cur, "-c", shareCfg}, 1},
		{"data gate with drift_share_fail 0.5", []string{"data", "--data", cur, "--reference", ref, "-c", shareCfg}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			code, stdout, stderr := runMain(t, nil, append(c.args, "--out", out)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			md := readFile(t, filepath.Join(out, "report.md"))
			if c.code == 0 && (strings.Contains(md, "the dataset fails.") || !strings.Contains(md, "warnings never fail it")) {
				t.Errorf("report.md contradicts the verdict:\n%s", md)
			}
			if c.code == 1 && !strings.Contains(md, "1 of 2 features drifted, share 0.5 ≥ 0.5: the dataset fails") {
				t.Errorf("report.md does not say why the dataset fails:\n%s", md)
			}
		})
	}
}
