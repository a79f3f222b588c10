package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// mustRandomCSV writes n rows of a normal x (shifted), a lognormal y, a
// tied integer z and a category c.
func mustRandomCSV(tb testing.TB, path string, n int, seed uint64, shift float64) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("x,y,z,c\n")
	for i := 0; i < n; i++ {
		c := fmt.Sprintf("k%d", rng.IntN(5+int(shift*3)))
		fmt.Fprintf(&b, "%.6f,%.6f,%d,%s\n", rng.NormFloat64()+shift, math.Exp(rng.NormFloat64()+shift/2), rng.IntN(20), c)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestProfileAgainstFile(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name         string
		nRef, nCur   int
		shift        float64
		sketch       int
		wantKSExact  bool
		wantKSBounds bool
	}{
		{"small sketch", 20000, 15000, 0.05, 50, false, true},
		{"default sketch", 30000, 20000, 0.3, DefaultSketch, false, true},
		{"tiny reference", 40, 3000, 0.5, 100, false, true},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref := filepath.Join(dir, fmt.Sprintf("ref%d.csv", ci))
			cur := filepath.Join(dir, fmt.Sprintf("cur%d.csv", ci))
			mustRandomCSV(t, ref, c.nRef, uint64(ci), 0)
			mustRandomCSV(t, cur, c.nCur, uint64(ci+100), c.shift)
			exact, err := CompareFiles(context.Background(), ref, cur, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tab, err := dataset.Load(context.Background(), ref, dataset.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pp := filepath.Join(dir, fmt.Sprintf("ref%d.profile.json", ci))
			if err := WriteProfile(pp, BuildProfile(tab, DefaultBins, c.sketch)); err != nil {
				t.Fatal(err)
			}
			p, err := ReadProfile(pp)
			if err != nil {
				t.Fatal(err)
			}
			got, err := CompareProfileFile(context.Background(), p, pp, cur, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range exact.Features {
				g := got.Features[i]
				if g.PSI != e.PSI || !same(g.KL, e.KL) || g.JSDistance != e.JSDistance || !same(g.Chi2, e.Chi2) || !same(g.Chi2PValue, e.Chi2PValue) {
					t.Errorf("%s: profile psi %v kl %v js %v chi2 %v, file %v %v %v %v", e.Name, g.PSI, g.KL, g.JSDistance, g.Chi2, e.PSI, e.KL, e.JSDistance, e.Chi2)
				}
				if e.IsCategorical() {
					continue
				}
				bound := 1/float64(c.sketch) + 1/float64(c.nRef)
				t.Logf("%s: KS %.6g vs exact %.6g (bound %.3g); W %.6g vs %.6g", e.Name, g.KSStatistic, e.KSStatistic, bound, g.Wasserstein, e.Wasserstein)
				if d := math.Abs(g.KSStatistic - e.KSStatistic); d > bound {
					t.Errorf("%s: KS %v from the profile, %v exact: off by %v > bound %v", e.Name, g.KSStatistic, e.KSStatistic, d, bound)
				}
				q := p.Features[i].Quantiles
				wb := (q[len(q)-1] - q[0]) * bound
				if d := math.Abs(g.Wasserstein - e.Wasserstein); d > wb {
					t.Errorf("%s: Wasserstein %v from the profile, %v exact: off by %v > bound %v", e.Name, g.Wasserstein, e.Wasserstein, d, wb)
				}
			}
		})
	}
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestReadProfileErrors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		`{"version": 9}`: "profile version 9, expected 1",
		`[1,2]`:          "not a profile",
		`{"version": 1, "sketch_size": 2, "features": [{"name": "x", "type": "numeric", "n": 3, "edges": [1], "counts": [1], "quantiles": [0, 1, 2]}]}`: `column "x": 1 counts for 1 edges`,
		`{"version": 1, "features": [{"name": "x", "type": "integer"}]}`:                                                                                `unknown column type "integer"`,
	}
	for body, want := range cases {
		p := filepath.Join(dir, "bad.profile.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadProfile(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadProfile(%s) = %v, want an error containing %q", body, err, want)
		}
	}
}

// TestProfileFileBatches profiles a file a column at a time (a tiny
// budget) and in one pass: the profiles must be the same.
func TestProfileFileBatches(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ref.csv")
	mustRandomCSV(t, p, 5000, 3, 0)
	one, err := ProfileFile(context.Background(), p, 10, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	batched, err := ProfileFile(context.Background(), p, 10, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(one)
	b, _ := json.Marshal(batched)
	if string(a) != string(b) || len(one.Features) != 4 || one.Rows != 5000 {
		t.Errorf("batched profile differs from the one-pass profile:\n%.300s\n%.300s", a, b)
	}
}
