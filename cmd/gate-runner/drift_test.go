package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// driftCSV writes n rows: x (numeric), shifted by shift, and c
// (categorical), with a category "new" when shift > 0.
func driftCSV(tb testing.TB, dir, name string, n int, shift float64) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("x,c\n")
	for i := 0; i < n; i++ {
		c := []string{"a", "b"}[i%2]
		if shift > 0 && i%3 == 0 {
			c = "new"
		}
		fmt.Fprintf(&b, "%.3f,%s\n", float64((i*37)%101)/10+shift, c)
	}
	return mustWrite(tb, dir, name, b.String())
}

func TestDriftCommand(t *testing.T) {
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 500, 0)
	same := driftCSV(t, dir, "same.csv", 400, 0)
	moved := driftCSV(t, dir, "moved.csv", 400, 4)
	cases := []struct {
		name, cur string
		code      int
		status    string
	}{
		{"no drift passes", same, 0, "pass"},
		{"drift fails", moved, 1, "fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+c.status)
			code, stdout, stderr := runMain(t, nil, "drift", "--reference", ref, "--current", c.cur, "--format", "json", "--out", out)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			var doc struct {
				Features []map[string]any `json:"features"`
				Share    *float64         `json:"drift_share"`
				Status   string           `json:"status"`
			}
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("stdout is not the drift JSON: %v\n%s", err, stdout)
			}
			if doc.Status != c.status || doc.Share == nil || len(doc.Features) != 2 {
				t.Errorf("status %q share %v features %d", doc.Status, doc.Share, len(doc.Features))
			}
			if doc.Features[0]["type"] != "numeric" || doc.Features[1]["type"] != "categorical" {
				t.Errorf("types: %v %v", doc.Features[0]["type"], doc.Features[1]["type"])
			}
			res, err := os.ReadFile(filepath.Join(out, "results.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(res), `"gate": "drift"`) && !strings.Contains(string(res), `"gate":"drift"`) {
				t.Errorf("results.json has no drift gate:\n%.400s", res)
			}
			pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
			if c.code != 1 {
				if len(pngs) > 0 {
					t.Errorf("PNGs without drift: %v", pngs)
				}
				return
			}
			// Both drifted features: an overlaid histogram in report.html,
			// a PNG beside it, linked from report.md and listed in
			// results.json's outputs.
			html, _ := os.ReadFile(filepath.Join(out, "report.html"))
			if n := strings.Count(string(html), `data-kind="histogram"`); n != 2 {
				t.Errorf("report.html has %d histograms, want 2 (x and c)", n)
			}
			md, _ := os.ReadFile(filepath.Join(out, "report.md"))
			for _, name := range []string{"drift-x.png", "drift-c.png"} {
				if _, err := os.Stat(filepath.Join(out, name)); err != nil {
					t.Error(err)
				}
				if !strings.Contains(string(md), "]("+name+")") {
					t.Errorf("report.md does not link %s", name)
				}
				if !strings.Contains(string(res), `"`+name+`"`) {
					t.Errorf("results.json does not list %s", name)
				}
			}
		})
	}
}

func TestDriftBadInput(t *testing.T) {
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 20, 0)
	cases := []struct {
		name, body, want string
	}{
		{"ragged row", "x,c\n1,a\n2\n", `ragged-row.csv: row 2 (line 3): has 1 fields, expected 2 (x,c)`},
		{"non-numeric", "x,c\n1,a\nabc,b\n", `non-numeric.csv: row 2 (line 3), column "x": "abc" is not a number`},
		{"empty file", "", `empty-file.csv: empty file: expected a header row`},
		{"mismatched columns", "x,d\n1,a\n", `mismatched-columns.csv, column "c": no such column; the file has x, d`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur := mustWrite(t, dir, strings.ReplaceAll(c.name, " ", "-")+".csv", c.body)
			code, stdout, stderr := runMain(t, nil, "drift", "--reference", ref, "--current", cur, "--out", filepath.Join(dir, "o"))
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s%s", code, stdout, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q: want one line containing %q", stderr, c.want)
			}
		})
	}
}

// TestDriftMaxBadRows: rows that do not parse are skipped and counted
// when --max-bad-rows allows them (the gate warns and names the first),
// and exit 2 with one line giving the count when there are more.
func TestDriftMaxBadRows(t *testing.T) {
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 20, 0)
	var b strings.Builder
	b.WriteString("x,c\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "%d,c%d\n", i, i%3)
	}
	b.WriteString("abc,c1\n7\n")
	cur := mustWrite(t, dir, "cur.csv", b.String())
	out := filepath.Join(dir, "o")
	code, stdout, stderr := runMain(t, nil, "drift", "--reference", ref, "--current", cur, "--out", out, "--max-bad-rows", "2", "--format", "json")
	if code == 2 {
		t.Fatalf("exit 2 with two bad rows allowed\n%s%s", stdout, stderr)
	}
	var rep struct {
		CurRows    int64    `json:"current_rows"`
		CurBadRows int64    `json:"current_bad_rows"`
		First      []string `json:"first_bad_rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.CurRows != 20 || rep.CurBadRows != 2 || len(rep.First) != 1 || !strings.Contains(rep.First[0], `row 21 (line 22), column "x": "abc" is not a number`) {
		t.Errorf("report: %+v", rep)
	}
	res, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res), `"name": "bad rows"`) || !strings.Contains(string(res), `"status": "warn"`) {
		t.Errorf("results.json has no warning check for the bad rows:\n%s", res)
	}
	code, stdout, stderr = runMain(t, nil, "drift", "--reference", ref, "--current", cur, "--out", out, "--max-bad-rows", "1")
	want := `cur.csv: row 21 (line 22), column "x": "abc" is not a number; expected a number (the column is numeric) (2 bad rows in all, more than the 1 allowed)`
	if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, want) {
		t.Errorf("one bad row allowed: exit %d, stderr %q; want 2 and one line containing %q\n%s", code, stderr, want, stdout)
	}
}

// TestDriftPushToPushgateway runs `drift --push` against the real
// Pushgateway, started on a loopback port.
func TestDriftPushToPushgateway(t *testing.T) {
	testenv.Slow(t, "starts a real Pushgateway")
	const bin = "/usr/bin/prometheus-pushgateway"
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("%s not installed (Debian package prometheus-pushgateway): skipping the --push test", bin)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--web.listen-address="+addr, "--persistence.file="+tmp+"/pg.data")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	base := "http://" + addr
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("pushgateway did not become ready")
		}
	}
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 300, 0)
	cur := driftCSV(t, dir, "cur.csv", 300, 4)
	cfg := mustWrite(t, dir, "mlgate.yml", "version: 1\nmodel:\n  name: ranker\ngates:\n  drift:\n    psi_fail: 0.5\n")
	code, stdout, stderr := runMain(t, nil, "drift", "-c", cfg, "--reference", ref, "--current", cur, "--push", base, "--out", filepath.Join(dir, "o"))
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`mlgate_feature_psi{feature="x",instance="",job="mlgate_drift",model="ranker"}`,
		`mlgate_feature_ks_pvalue{feature="x",instance="",job="mlgate_drift",model="ranker"}`,
		`mlgate_drift_share{instance="",job="mlgate_drift",model="ranker"} 1`,
		`mlgate_drift_status{instance="",job="mlgate_drift",model="ranker"} 2`,
		`mlgate_drift_last_run_timestamp_seconds{instance="",job="mlgate_drift",model="ranker"} 1.7954352e+09`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("pushgateway lacks %s", want)
		}
	}
}

// TestRunDriftFromConfig runs the drift gate from `gate-runner run` with
// files, a schema and per-feature limits from the config.
func TestRunDriftFromConfig(t *testing.T) {
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 300, 0)
	cur := driftCSV(t, dir, "cur.csv", 300, 0.3)
	cfg := mustWrite(t, dir, "mlgate.yml", fmt.Sprintf(`version: 1
gates:
  drift:
    reference: %s
    current: %s
    drift_share_fail: 1
    schema:
      c: categorical
    features:
      c:
        psi_warn: 5
        psi_fail: 9
`, ref, cur))
	code, stdout, stderr := runMain(t, nil, "run", "-c", cfg, "--out", filepath.Join(dir, "o"), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, want 0 (c's limits are raised, x moves little)\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, `"gate": "drift"`) {
		t.Errorf("run output has no drift gate:\n%.300s", stdout)
	}
}

// TestDriftFromProfile stores a profile and compares against it: the PSI
// equals the one against the file, the KS method says "profile".
func TestDriftFromProfile(t *testing.T) {
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 500, 0)
	cur := driftCSV(t, dir, "cur.csv", 400, 0.5)
	prof := filepath.Join(dir, "ref.profile.json")
	if code, stdout, stderr := runMain(t, nil, "profile", "--data", ref, "--out", prof); code != 0 {
		t.Fatalf("profile: exit %d\n%s%s", code, stdout, stderr)
	}
	psi := func(reference string) (float64, string) {
		_, stdout, stderr := runMain(t, nil, "drift", "--reference", reference, "--current", cur, "--format", "json", "--out", filepath.Join(dir, "o"))
		var doc struct {
			Features []struct {
				PSI    float64 `json:"psi"`
				Method string  `json:"ks_method"`
			} `json:"features"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("%v\n%s%s", err, stdout, stderr)
		}
		return doc.Features[0].PSI, doc.Features[0].Method
	}
	fromFile, m1 := psi(ref)
	fromProfile, m2 := psi(prof)
	if fromFile != fromProfile || m1 != "exact" || m2 != "profile" {
		t.Errorf("psi %v (%s) from the file, %v (%s) from the profile", fromFile, m1, fromProfile, m2)
	}
	if code, _, stderr := runMain(t, nil, "profile", "--data", ref, "--out", filepath.Join(dir, "x.json")); code != 2 || !strings.Contains(stderr, ".profile.json") {
		t.Errorf("bad --out name: exit %d, %s", code, stderr)
	}
}

func TestConceptCommand(t *testing.T) {
	dir := t.TempDir()
	var oldB, newB strings.Builder
	oldB.WriteString("x,y\n")
	newB.WriteString("x,y\n")
	for i := 0; i < 400; i++ {
		x := float64((i*37)%100) / 10
		fmt.Fprintf(&oldB, "%.1f,%d\n", x, map[bool]int{true: 1}[(x > 5) != (i%7 == 0)])
		fmt.Fprintf(&newB, "%.1f,%d\n", x, map[bool]int{true: 1}[(x < 5) != (i%7 == 0)])
	}
	old := mustWrite(t, dir, "old.csv", oldB.String())
	nw := mustWrite(t, dir, "new.csv", newB.String())
	code, stdout, stderr := runMain(t, nil, "concept", "--old", old, "--new", nw, "--label", "y", "--out", filepath.Join(dir, "o"))
	if code != 1 || !strings.Contains(stdout, "AUC fell from") {
		t.Errorf("reversed concept: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runMain(t, nil, "concept", "--old", old, "--new", nw, "--label", "zz", "--out", filepath.Join(dir, "o"))
	if code != 2 || !strings.Contains(stderr, `column "zz"`) {
		t.Errorf("missing label: exit %d, %s", code, stderr)
	}
}

func TestDataCommand(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("age,country,label\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "%d,%s,%d\n", i%100, []string{"DE", "FR", "IT"}[i%3], i%2)
	}
	data := mustWrite(t, dir, "train.csv", b.String())
	good := mustWrite(t, dir, "good.yml", "version: 1\ngates:\n  data:\n    max_duplicates: 0.5\n    label: label\n    columns:\n      age: {type: numeric, min: 0, max: 120}\n")
	bad := mustWrite(t, dir, "bad.yml", "version: 1\ngates:\n  data:\n    max_duplicates: 0.5\n    columns:\n      country: {allowed: [DE, FR]}\n")
	code, stdout, stderr := runMain(t, nil, "data", "-c", good, "--data", data, "--reference", data, "--out", filepath.Join(dir, "o1"))
	if code != 0 {
		t.Errorf("good data: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runMain(t, nil, "data", "-c", bad, "--data", data, "--out", filepath.Join(dir, "o2"))
	if code != 1 || !strings.Contains(stdout, `column country: 66 values outside the allowed categories: "IT" (66)`) {
		t.Errorf("bad categories: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runMain(t, nil, "data", "--data", filepath.Join(dir, "absent.csv"))
	if code != 2 || !strings.Contains(stderr, "absent.csv") {
		t.Errorf("absent file: exit %d %s", code, stderr)
	}
}

// TestDriftBadParquet: a Parquet current file whose numeric column holds
// a word, or that is not Parquet at all, exits 2 with one line naming the
// file (and the row and column).
func TestDriftBadParquet(t *testing.T) {
	dir := t.TempDir()
	ref := driftCSV(t, dir, "ref.csv", 20, 0)
	type row struct {
		X string `parquet:"x"`
		C string `parquet:"c"`
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []row{{"1.5", "a"}, {"2", "b"}, {"abc", "a"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"word.parquet", buf.Bytes(), `word.parquet: row 3, column "x": "abc" is not a number`},
		{"csv.parquet", []byte("x,c\n1,a\n"), `csv.parquet: not a readable Parquet file`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur := filepath.Join(dir, c.name)
			if err := os.WriteFile(cur, c.body, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runMain(t, nil, "drift", "--reference", ref, "--current", cur, "--out", filepath.Join(dir, "o"))
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s%s", code, stdout, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q: want one line containing %q", stderr, c.want)
			}
		})
	}
}
