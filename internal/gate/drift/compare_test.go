package drift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// mustCSV writes rows of a generated table: f0 the same law on both
// sides, f1 shifted by shift, c0 with a category "new" only in the
// current file when shift > 0, b0 booleans, m0 always missing.
func mustCSV(tb testing.TB, dir, name string, n int, shift float64) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("id,f0,f1,c0,b0,m0\n")
	for i := 0; i < n; i++ {
		x := float64((i*7919)%1009) / 100
		c := []string{"a", "b", "c"}[i%3]
		if shift > 0 && i%5 == 0 {
			c = "new"
		}
		fmt.Fprintf(&b, "%d,%.3f,%.3f,%s,%t,\n", i, x, x+shift, c, i%4 == 0)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestCompareFiles(t *testing.T) {
	dir := t.TempDir()
	ref := mustCSV(t, dir, "ref.csv", 3000, 0)
	cur := mustCSV(t, dir, "cur.csv", 2000, 3)
	r, err := CompareFiles(context.Background(), ref, cur, Options{Ignore: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]gate.Status{"f0": gate.Pass, "f1": gate.Fail, "c0": gate.Fail, "b0": gate.Pass, "m0": gate.Skip}
	for _, f := range r.Features {
		if f.Status != want[f.Name] {
			t.Errorf("%s: status %s (%s), want %s", f.Name, f.Status, f.Reason, want[f.Name])
		}
	}
	if r.Evaluated != 4 || r.Drifted != 2 || r.DriftShare != 0.5 || r.Status != gate.Fail {
		t.Errorf("evaluated %d drifted %d share %v status %s, want 4 2 0.5 fail", r.Evaluated, r.Drifted, r.DriftShare, r.Status)
	}
	// The same numbers as the SciPy-checked functions on the same data.
	tab, err := dataset.Load(context.Background(), ref, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := dataset.Load(context.Background(), cur, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	direct := stats.Numeric(tab.Column("f1").Flat(), tc.Column("f1").Flat(), 10)
	f1 := r.Features[1]
	if f1.PSI != direct.PSI || f1.KSPValue != direct.KS.PValue || f1.Wasserstein != direct.Wasserstein {
		t.Errorf("f1 in the report differs from Numeric: %+v vs %+v", f1, direct)
	}

	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Features []map[string]any `json:"features"`
		Share    *float64         `json:"drift_share"`
		Status   string           `json:"status"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{
		"numeric":     {"name", "type", "psi", "kl", "js_distance", "ks_statistic", "ks_pvalue", "wasserstein", "status"},
		"categorical": {"name", "type", "chi2", "chi2_pvalue", "psi", "js_distance", "new_categories", "status"},
	}
	for _, f := range doc.Features {
		kind := f["type"].(string)
		if kind == "boolean" {
			kind = "categorical"
		}
		for _, k := range keys[kind] {
			if _, ok := f[k]; !ok {
				t.Errorf("feature %v: no key %q", f["name"], k)
			}
		}
	}
	if doc.Share == nil || doc.Status != "fail" {
		t.Errorf("drift_share %v status %q", doc.Share, doc.Status)
	}
	if nc := doc.Features[2]["new_categories"].([]any); len(nc) != 1 || nc[0] != "new" {
		t.Errorf("c0 new_categories = %v, want [new]", nc)
	}

	res := r.Result()
	if len(res.Checks) != 5 || len(res.Charts) != 2 || res.Status != gate.Fail {
		t.Errorf("result: %d checks, %d charts, status %s; want 5, 2, fail", len(res.Checks), len(res.Charts), res.Status)
	}
	h := res.Charts[0]
	if h.Kind != gate.Histogram || len(h.Edges) != len(h.Series[0].Values)+1 {
		t.Errorf("f1 chart: kind %s, %d edges for %d bins", h.Kind, len(h.Edges), len(h.Series[0].Values))
	}
	// The categorical feature overlays shares over its categories (the
	// union, "new" among them), like the numeric one over its bins.
	cat := res.Charts[1]
	if cat.Kind != gate.Histogram || cat.Check != "c0" || len(cat.Labels) != len(cat.Series[1].Values) || !slices.Contains(cat.Labels, "new") {
		t.Errorf("c0 chart: kind %s, check %q, labels %v, %d current values", cat.Kind, cat.Check, cat.Labels, len(cat.Series[1].Values))
	}
	for _, c := range res.Charts {
		for _, s := range c.Series {
			sum := 0.0
			for _, v := range s.Values {
				sum += v
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("%s %s: shares sum to %v, want 1", c.Check, s.Name, sum)
			}
		}
	}
}

func TestCompareMismatchedColumns(t *testing.T) {
	dir := t.TempDir()
	ref := mustCSV(t, dir, "ref.csv", 50, 0)
	cur := filepath.Join(dir, "cur.csv")
	if err := os.WriteFile(cur, []byte("id,f0,f1,c0,b0\n1,2,3,a,true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := CompareFiles(context.Background(), ref, cur, Options{})
	var re *dataset.RowError
	if !errors.As(err, &re) || re.Column != "m0" || re.File != cur {
		t.Fatalf("err = %v, want a RowError for column m0 of %s", err, cur)
	}
}

func TestAssessThresholds(t *testing.T) {
	mk := func(name string, psi, p float64) Feature {
		return Feature{Name: name, Type: dataset.Numeric, PSI: psi, pValue: p, NRef: 10, NCur: 10}
	}
	cases := []struct {
		name   string
		feats  []Feature
		opt    Options
		want   []gate.Status
		share  float64
		status gate.Status
	}{
		{"psi bands", []Feature{mk("a", 0.05, 0.5), mk("b", 0.2, 0.5), mk("c", 0.3, 0.5), mk("d", 0.1, 0.5)}, Options{},
			[]gate.Status{gate.Pass, gate.Warn, gate.Fail, gate.Pass}, 0.5, gate.Fail},
		{"significant but trivial", []Feature{mk("a", 0.01, 1e-30), mk("b", 0.15, 1e-30), mk("c", 0, 0.9), mk("d", 0, 0.9)}, Options{},
			[]gate.Status{gate.Pass, gate.Warn, gate.Pass, gate.Pass}, 0.25, gate.Warn},
		// BH: 0.02 × 4 / 1 = 0.08 ≥ 0.05, so the test alone does not flag.
		{"bh adjusts", []Feature{mk("a", 0.15, 0.02), mk("b", 0, 0.9), mk("c", 0, 0.8), mk("d", 0, 0.7)}, Options{},
			[]gate.Status{gate.Pass, gate.Pass, gate.Pass, gate.Pass}, 0, gate.Pass},
		{"no correction", []Feature{mk("a", 0.15, 0.02), mk("b", 0, 0.9), mk("c", 0, 0.8), mk("d", 0, 0.7)}, Options{NoCorrection: true},
			[]gate.Status{gate.Warn, gate.Pass, gate.Pass, gate.Pass}, 0.25, gate.Warn},
		{"per feature", []Feature{mk("a", 0.12, 0.5), mk("b", 0.25, 0.5)}, Options{PerFeature: map[string]PSILimits{"a": {Warn: 0.1}, "b": {Fail: 0.5}}, DriftShareFail: 1},
			[]gate.Status{gate.Warn, gate.Warn}, 1, gate.Fail},
		// Issue 16: one warning of two features is a warning, not a
		// failure, unless drift_share_fail is set.
		{"a warning never fails by default", []Feature{mk("a", 0.21, 0.5), mk("b", 0.01, 0.5)}, Options{},
			[]gate.Status{gate.Warn, gate.Pass}, 0.5, gate.Warn},
		{"drift share rule when set", []Feature{mk("a", 0.21, 0.5), mk("b", 0.01, 0.5)}, Options{DriftShareFail: 0.5},
			[]gate.Status{gate.Warn, gate.Pass}, 0.5, gate.Fail},
		{"empty sample skips", []Feature{{Name: "a", PSI: math.NaN(), pValue: math.NaN()}, mk("b", 0, 0.5)}, Options{},
			[]gate.Status{gate.Skip, gate.Pass}, 0, gate.Pass},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &Report{Features: c.feats}
			Assess(r, c.opt)
			for i, f := range r.Features {
				if f.Status != c.want[i] {
					t.Errorf("%s: %s (%s), want %s", f.Name, f.Status, f.Reason, c.want[i])
				}
			}
			if r.DriftShare != c.share || r.Status != c.status {
				t.Errorf("share %v status %s, want %v %s", r.DriftShare, r.Status, c.share, c.status)
			}
		})
	}
}
