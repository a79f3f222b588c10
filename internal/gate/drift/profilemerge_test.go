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
	"sort"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// writeShards writes n rows of a normal x (with missing cells), a
// Pareto-tailed y, a tied integer z and a category c to whole.csv and, cut
// in 4 row ranges, to shard0.csv … shard3.csv.
func writeShards(t *testing.T, dir string, n int, seed uint64, shift float64) (string, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	header := "x,y,z,c\n"
	var rows []string
	for i := 0; i < n; i++ {
		x := fmt.Sprintf("%.6f", rng.NormFloat64()+shift)
		if rng.IntN(50) == 0 {
			x = "NA"
		}
		y := math.Pow(1-rng.Float64(), -1/1.5) + shift
		rows = append(rows, fmt.Sprintf("%s,%.6g,%d,k%d\n", x, y, rng.IntN(12), rng.IntN(6+int(shift*4))))
	}
	write := func(name string, rs []string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(header+strings.Join(rs, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	whole := write(fmt.Sprintf("whole%d.csv", seed), rows)
	var shards []string
	for s := 0; s < 4; s++ {
		shards = append(shards, write(fmt.Sprintf("shard%d_%d.csv", seed, s), rows[s*n/4:(s+1)*n/4]))
	}
	return whole, shards
}

// psiRefBound bounds |PSI(r', c) − PSI(r, c)| when every reference share
// moves by at most delta: PSI's term (c − r)·ln(c/r) has a derivative in r
// that increases with r, so its largest magnitude over [r − δ, r + δ] is
// at an end.
func psiRefBound(ref, cur []float64, delta float64) float64 {
	d := func(r, c float64) float64 { return math.Log(r) - math.Log(c) - c/r + 1 }
	var b float64
	for i := range ref {
		lo, hi := max(ref[i]-delta, stats.ShareFloor), ref[i]+delta
		b += delta * max(math.Abs(d(lo, cur[i])), math.Abs(d(hi, cur[i])))
	}
	return b
}

func TestMergeShards(t *testing.T) {
	dir := t.TempDir()
	const n = 40000
	whole, shards := writeShards(t, dir, n, 1, 0)
	cur, _ := writeShards(t, dir, 15000, 2, 0.2)
	ctx := context.Background()
	const k = 150
	var ps []*Profile
	for i, s := range shards {
		p, err := ProfileFile(ctx, s, 10, k, int64(i%2)) // in memory and streamed
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	m, err := MergeProfiles(shards, ps)
	if err != nil {
		t.Fatal(err)
	}
	// The merged profile must survive its own file format.
	mp := filepath.Join(dir, "merged.profile.json")
	if err := WriteProfile(mp, m); err != nil {
		t.Fatal(err)
	}
	if m, err = ReadProfile(mp); err != nil {
		t.Fatal(err)
	}
	full, err := ProfileFile(ctx, whole, 10, k, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != n || m.Shards != 4 || !m.EdgesApproximate || full.EdgesApproximate {
		t.Fatalf("merged: rows %d shards %d approximate %v (whole file approximate %v)", m.Rows, m.Shards, m.EdgesApproximate, full.EdgesApproximate)
	}
	tab, err := dataset.Load(ctx, whole, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	curTab, err := dataset.Load(ctx, cur, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exact, err := CompareFiles(ctx, whole, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromMerged, err := CompareProfileFile(ctx, m, mp, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Features {
		w := full.Features[i]
		if f.Name != w.Name || f.N != w.N || f.Missing != w.Missing || !maps.Equal(f.Categories, w.Categories) || f.Min != w.Min || f.Max != w.Max ||
			math.Abs(f.Sum-w.Sum) > 1e-9*math.Abs(w.Sum) {
			t.Errorf("%s: merged n %d missing %d min %v max %v sum %v categories %v; whole file %d %d %v %v %v %v",
				f.Name, f.N, f.Missing, f.Min, f.Max, f.Sum, f.Categories, w.N, w.Missing, w.Min, w.Max, w.Sum, w.Categories)
		}
		e, g := exact.Features[i], fromMerged.Features[i]
		if f.Sketch == nil {
			if g.Chi2 != e.Chi2 || g.PSI != e.PSI || g.JSDistance != e.JSDistance {
				t.Errorf("%s: categorical statistics from the merged profile %v %v %v, from the file %v %v %v", f.Name, g.Chi2, g.PSI, g.JSDistance, e.Chi2, e.PSI, e.JSDistance)
			}
			continue
		}
		x := tab.Columns[i].Flat()
		slices.Sort(x)
		s := f.Sketch
		up, down, l1 := bruteErrors(s, x)
		if up > s.RankUp || down > s.RankDown || l1 > s.L1*(1+1e-9) {
			t.Errorf("%s: merged sketch errors %d %d %g above its bounds %d %d %g", f.Name, up, down, l1, s.RankUp, s.RankDown, s.L1)
		}
		// Each decile of the merged sketch lies between the values the
		// rank bounds allow, and the edges are those deciles.
		cum := s.Cumulative()
		var deciles []float64
		for j, r := range stats.DecileRanks(f.N, m.Bins) {
			q := stats.QuantileAt(f.N, float64(j+1)/float64(m.Bins), func(j int64) float64 { return s.ValueAt(cum, j) })
			lo, hi := x[max(r-s.RankUp, 0)], x[min(r+1+s.RankDown, f.N-1)]
			if q < lo || q > hi {
				t.Errorf("%s: decile %d at %v, outside [%v, %v], the values within the rank bound of rank %d", f.Name, j+1, q, lo, hi, r)
			}
			deciles = append(deciles, q)
		}
		slices.Sort(deciles)
		if !slices.Equal(slices.Compact(deciles), f.Edges) {
			t.Errorf("%s: edges %v, the merged sketch's deciles %v", f.Name, f.Edges, deciles)
		}
		// Bin counts: the Cumulative count below each edge is the
		// sketch's, within its bounds of the exact one.
		var c int64
		for j, e := range f.Edges {
			c += f.Counts[j]
			ex := int64(sort.SearchFloat64s(x, e))
			if c-ex > s.RankUp || ex-c > s.RankDown {
				t.Errorf("%s: %d values below edge %v by the merged counts, %d exactly: outside [−%d, +%d]", f.Name, c, e, ex, s.RankDown, s.RankUp)
			}
		}
		nf := float64(f.N)
		if d := math.Abs(g.KSStatistic - e.KSStatistic); d > float64(s.RankError())/nf+1e-12 {
			t.Errorf("%s: KS %v from the merged profile, %v exact: off by %v > %v", f.Name, g.KSStatistic, e.KSStatistic, d, float64(s.RankError())/nf)
		}
		// Plus rounding: the two walks sum in different orders.
		if d := math.Abs(g.Wasserstein - e.Wasserstein); d > s.L1/nf*(1+1e-9)+1e-12*math.Abs(e.Wasserstein) {
			t.Errorf("%s: Wasserstein %v from the merged profile, %v exact: off by %v > %v", f.Name, g.Wasserstein, e.Wasserstein, d, s.L1/nf)
		}
		// PSI: against the exact reference shares at the merged edges.
		cx := curTab.Columns[i].Flat()
		rsh, csh := stats.Shares(stats.BinCounts(x, f.Edges)), stats.Shares(stats.BinCounts(cx, f.Edges))
		want := stats.PSI(rsh, csh)
		bound := psiRefBound(rsh, csh, float64(s.RankUp+s.RankDown)/nf)
		if d := math.Abs(g.PSI - want); d > bound+1e-12 {
			t.Errorf("%s: PSI %v from the merged profile, %v from the exact reference at its edges: off by %v > %v", f.Name, g.PSI, want, d, bound)
		}
		// What drift reports: the exact KS and PSI (the whole file's own
		// deciles as edges) within the bounds it states.
		if d := math.Abs(g.KSStatistic - e.KSStatistic); d > g.KSBound+1e-12 || g.KSBound != float64(s.RankError())/nf {
			t.Errorf("%s: KS %v from the merged profile, %v exact: off by %v, stated bound %v", f.Name, g.KSStatistic, e.KSStatistic, d, g.KSBound)
		}
		if d := math.Abs(g.PSI - e.PSI); !(d <= g.PSIBound+1e-12) {
			t.Errorf("%s: PSI %v from the merged profile, %v exact: off by %v, stated bound %v", f.Name, g.PSI, e.PSI, d, g.PSIBound)
		}
		t.Logf("%s: exact PSI %.5f, merged %.5f, stated bound %.3g", f.Name, e.PSI, g.PSI, g.PSIBound)
		t.Logf("%s: KS %.5f (exact %.5f, bound %.2g), W %.5g (exact %.5g, bound %.2g), PSI %.5f (same edges %.5f, bound %.2g; whole-file edges %.5f)",
			f.Name, g.KSStatistic, e.KSStatistic, float64(s.RankError())/nf, g.Wasserstein, e.Wasserstein, s.L1/nf, g.PSI, want, bound, e.PSI)
	}
}

func TestMergeMismatch(t *testing.T) {
	base := func() *Profile {
		return &Profile{Version: ProfileVersion, Bins: 10, SketchSize: 100, Shards: 1, Features: []FeatureProfile{
			{Name: "x", Type: dataset.Numeric}, {Name: "c", Type: dataset.Categorical, Categories: map[string]int64{}}}}
	}
	cases := map[string]func(p *Profile){
		"bins 5 and sketch size 100, but a.profile.json has bins 10": func(p *Profile) { p.Bins = 5 },
		"sketch size 7": func(p *Profile) { p.SketchSize = 7 },
		`column "c": type numeric, but a.profile.json has type categorical`: func(p *Profile) { p.Features[1].Type = dataset.Numeric },
		`column 2 is "d", but in a.profile.json it is "c"`:                  func(p *Profile) { p.Features[1].Name = "d" },
		"1 columns (x), but a.profile.json has 2 (x, c)":                    func(p *Profile) { p.Features = p.Features[:1] },
	}
	for want, change := range cases {
		b := base()
		change(b)
		_, err := MergeProfiles([]string{"a.profile.json", "b.profile.json"}, []*Profile{base(), b})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "b.profile.json") {
			t.Errorf("merge with %q: %v", want, err)
		}
	}
}
