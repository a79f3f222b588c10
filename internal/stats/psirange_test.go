package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSketchPSIRange: for every sample shape, sketched in 4 shards of
// sketches merged (as merged profiles are), the PSI of a shifted current
// sample against the reference's exact deciles lies in the range the
// sketch gives, or no range is claimed.
func TestSketchPSIRange(t *testing.T) {
	for _, k := range []int{40, 512} {
		ref := sketchSamples(60000, 3)
		cur := sketchSamples(20000, 4)
		for name, x := range ref {
			var parts []*Sketch
			for s := 0; s < 4; s++ {
				part := slices.Clone(x[s*len(x)/4 : (s+1)*len(x)/4])
				slices.Sort(part)
				parts = append(parts, SketchFromSorted(part, k))
			}
			sk := MergeSketches(k, parts...)
			sorted := slices.Clone(x)
			slices.Sort(sorted)
			c := slices.Clone(cur[name])
			for i := range c {
				c[i] = c[i]*1.1 + 0.05
			}
			slices.Sort(c)
			edges := QuantileEdges(sorted, 10)
			exact := PSI(Shares(SortedBinCounts(sorted, edges)), Shares(SortedBinCounts(c, edges)))
			lo, hi, ok := SketchPSIRange(sk, int64(len(x)), 10, c)
			if !ok {
				if len(edges) == 9 && sk.RankError() == 0 {
					t.Errorf("k %d, %s: no range from an exact sketch with distinct deciles", k, name)
				}
				t.Logf("k %d, %s: no range claimed (edges %d, rank error %d)", k, name, len(edges), sk.RankError())
				continue
			}
			if len(edges) != 9 || !(lo <= exact && exact <= hi) {
				t.Errorf("k %d, %s: exact PSI %v (%d edges) outside the range [%v, %v]", k, name, exact, len(edges), lo, hi)
			}
			t.Logf("k %d, %s: exact PSI %.5f in [%.5f, %.5f] (rank error %d of %d)", k, name, exact, lo, hi, sk.RankError(), len(x))
		}
	}
}

// TestPSITermRange checks psiTermRange against a grid over the box.
func TestPSITermRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 500; i++ {
		r0, c0 := 1e-4+rng.Float64()*0.3, 1e-4+rng.Float64()*0.3
		r1, c1 := r0+rng.Float64()*0.05, c0+rng.Float64()*0.05
		lo, hi := psiTermRange(r0, r1, c0, c1)
		gmin, gmax := math.Inf(1), math.Inf(-1)
		for a := 0; a <= 40; a++ {
			for b := 0; b <= 40; b++ {
				r, c := r0+(r1-r0)*float64(a)/40, c0+(c1-c0)*float64(b)/40
				v := (c - r) * math.Log(c/r)
				gmin, gmax = min(gmin, v), max(gmax, v)
			}
		}
		if lo > gmin+1e-15 || hi < gmax-1e-15 || gmax-hi > 1e-12 {
			t.Fatalf("box r [%v, %v] c [%v, %v]: range [%v, %v], grid [%v, %v]", r0, r1, c0, c1, lo, hi, gmin, gmax)
		}
	}
}
