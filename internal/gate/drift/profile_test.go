package drift

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/stats"
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
		{"exact sketch", 3000, 2000, 0.1, 4000, false, true},
		{"default sketch", 30000, 20000, 0.3, stats.DefaultSketch, false, true},
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
			if err := WriteProfile(pp, BuildProfile(tab, stats.DefaultBins, c.sketch)); err != nil {
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
				sk := p.Features[i].Sketch
				bound := float64(sk.RankError())/float64(c.nRef) + 1e-12
				wb := sk.L1/float64(c.nRef) + 1e-9*e.Wasserstein
				t.Logf("%s: KS %.6g vs exact %.6g (bound %.3g); W %.6g vs %.6g (bound %.3g)", e.Name, g.KSStatistic, e.KSStatistic, bound, g.Wasserstein, e.Wasserstein, wb)
				if d := math.Abs(g.KSStatistic - e.KSStatistic); d > bound {
					t.Errorf("%s: KS %v from the profile, %v exact: off by %v > bound %v", e.Name, g.KSStatistic, e.KSStatistic, d, bound)
				}
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
	good := `{"version": 2, "rows": 3, "bins": 10, "sketch_size": 4, "shards": 1, "features": [`
	cases := map[string]string{
		`{"version": 9}`:             "profile version 9, expected 2",
		`{"version": 1, "rows": 2}`:  "profile version 1 (exact quantiles, not mergeable), expected 2",
		`{"rows": 2}`:                `no "version" key`,
		`[1,2]`:                      "not a profile",
		`{"version": 2, "bins": 10}`: "sketch_size 0",
		good + `{"name": "x", "type": "numeric", "n": 3, "edges": [1], "counts": [1], "min": 0, "max": 2, "sketch": {"values": [0, 1, 2], "weights": [1, 1, 1]}}]}`:    `column "x": 1 counts for 1 edges`,
		good + `{"name": "x", "type": "numeric", "n": 3, "edges": [1], "counts": [1, 2], "min": 0, "max": 2, "sketch": {"values": [0, 1, 2], "weights": [1, 1, 2]}}]}`: `sketch weights add up to 4, expected n = 3`,
		good + `{"name": "x", "type": "numeric", "n": 3, "edges": [1], "counts": [1, 2], "min": 0, "max": 2, "sketch": {"values": [0, 2, 1], "weights": [1, 1, 1]}}]}`: `strictly ascending`,
		good + `{"name": "x", "type": "numeric", "n": 3, "edges": [1], "counts": [1, 2], "min": 1, "max": 2, "sketch": {"values": [0, 1, 2], "weights": [1, 1, 1]}}]}`: `do not enclose`,
		good + `{"name": "x", "type": "numeric", "n": 3, "edges": [1], "counts": [1, 2], "min": 0, "max": 2}]}`:                                                        `needs a sketch`,
		good + `{"name": "c", "type": "categorical", "n": 3, "categories": {"a": 2}}]}`:                                                                                `category counts add up to 2, expected n = 3`,
		good + `{"name": "c", "type": "categorical", "n": 1, "categories": {"a": 1}}, {"name": "c", "type": "categorical"}]}`:                                          `repeated feature name`,
		`{"version": 2, "features": [{"name": "x", "type": "integer"}]}`:                                                                                               `sketch_size 0`,
		good + `{"name": "x", "type": "numeric", "quantiles": [1]}]}`:                                                                                                  `unknown field "quantiles"`,
		good + `{"name": "x", "type": "integer"}]}`: `unknown column type "integer"`,
	}
	for body, want := range cases {
		p := filepath.Join(dir, "bad.profile.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadProfile(p); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadProfile(%s) = %v, want an error naming the file and containing %q", body, err, want)
		}
	}
}

// TestProfileStreamExact profiles files both in memory and streamed (a
// tiny budget): the streamed profile's edges and counts must be the exact
// ones, and its sketch within its bounds of the data.
func TestProfileStreamExact(t *testing.T) {
	dir := t.TempDir()
	for i, n := range []int{1, 7, 5000, 60000} {
		p := filepath.Join(dir, fmt.Sprintf("ref%d.csv", i))
		mustRandomCSV(t, p, n, uint64(3+i), 0)
		for _, k := range []int{16, 300} {
			mem, err := ProfileFile(context.Background(), p, 10, k, 0)
			if err != nil {
				t.Fatal(err)
			}
			streamed, err := ProfileFile(context.Background(), p, 10, k, 1)
			if err != nil {
				t.Fatal(err)
			}
			if streamed.Rows != int64(n) || mem.Rows != int64(n) || len(streamed.Features) != 4 {
				t.Fatalf("n=%d: rows %d / %d, %d features", n, streamed.Rows, mem.Rows, len(streamed.Features))
			}
			tab, err := dataset.Load(context.Background(), p, dataset.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for j, m := range mem.Features {
				s := streamed.Features[j]
				if s.Name != m.Name || s.N != m.N || s.Missing != m.Missing || !slices.Equal(s.Edges, m.Edges) || !slices.Equal(s.Counts, m.Counts) ||
					!maps.Equal(s.Categories, m.Categories) || s.Min != m.Min || s.Max != m.Max || math.Abs(s.Sum-m.Sum) > 1e-9*math.Abs(m.Sum)+1e-9 {
					t.Errorf("n=%d k=%d %s: streamed %+v\nin memory %+v", n, k, m.Name, s, m)
				}
				if s.Sketch == nil {
					continue
				}
				x := tab.Columns[j].Flat()
				slices.Sort(x)
				up, down, l1 := bruteErrors(s.Sketch, x)
				if up > s.Sketch.RankUp || down > s.Sketch.RankDown || l1 > s.Sketch.L1*(1+1e-9)+1e-9 {
					t.Errorf("n=%d k=%d %s: streamed sketch errors %d %d %g above its bounds %d %d %g", n, k, m.Name, up, down, l1, s.Sketch.RankUp, s.Sketch.RankDown, s.Sketch.L1)
				}
			}
		}
	}
}
