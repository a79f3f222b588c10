package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// CategoricalResult compares category counts of a reference and a current
// sample.
type CategoricalResult struct {
	// Categories is the union of both samples' categories, sorted.
	Categories []string
	RefCounts  []int64
	CurCounts  []int64
	// Chi2, PValue and DoF are scipy.stats.chi2_contingency on the 2×K
	// table (Yates' correction applies only when DoF = 1, as in SciPy).
	Chi2   float64
	PValue float64
	DoF    int
	// PSI and JSDistance are over the floored category shares.
	PSI        float64
	JSDistance float64
	// New lists the current sample's categories the reference never saw.
	New []string
}

// Categorical compares two category-count maps. Missing values are not
// categories; the caller leaves them out. Statistics are NaN when either
// sample is empty.
func Categorical(ref, cur map[string]int64) CategoricalResult {
	cats := make([]string, 0, len(ref)+len(cur))
	for c := range ref {
		cats = append(cats, c)
	}
	for c := range cur {
		if _, ok := ref[c]; !ok {
			cats = append(cats, c)
		}
	}
	slices.Sort(cats)
	r := CategoricalResult{Categories: cats, RefCounts: make([]int64, len(cats)), CurCounts: make([]int64, len(cats))}
	for i, c := range cats {
		r.RefCounts[i], r.CurCounts[i] = ref[c], cur[c]
		if ref[c] == 0 {
			r.New = append(r.New, c)
		}
	}
	r.Chi2, r.PValue, r.DoF = Chi2Contingency(r.RefCounts, r.CurCounts)
	rs, cs := Shares(r.RefCounts), Shares(r.CurCounts)
	if len(cats) == 0 || math.IsNaN(rs[0]) || math.IsNaN(cs[0]) {
		r.PSI, r.JSDistance = math.NaN(), math.NaN()
		return r
	}
	r.PSI = PSI(rs, cs)
	r.JSDistance = JSDistance(rs, cs)
	return r
}

// Chi2Contingency is scipy.stats.chi2_contingency([a, b]) for a 2×K table
// whose every column has a positive total: Pearson's statistic against
// the expected counts of independence, with Yates' continuity correction
// when the degrees of freedom are 1, and the upper tail of χ²(dof). A
// table with dof = 0 gives (0, 1, 0) as SciPy does; an empty row gives
// NaN.
func Chi2Contingency(a, b []int64) (stat, p float64, dof int) {
	var ta, tb float64
	for i := range a {
		ta += float64(a[i])
		tb += float64(b[i])
	}
	if ta == 0 || tb == 0 || len(a) == 0 {
		return math.NaN(), math.NaN(), 0
	}
	dof = len(a) - 1
	if dof == 0 {
		return 0, 1, 0
	}
	total := ta + tb
	rows := [2][]int64{a, b}
	tots := [2]float64{ta, tb}
	for r := 0; r < 2; r++ {
		for k := range a {
			col := float64(a[k] + b[k])
			exp := tots[r] * col / total
			obs := float64(rows[r][k])
			if dof == 1 {
				diff := exp - obs
				obs += math.Copysign(min(0.5, math.Abs(diff)), diff)
				if diff == 0 {
					obs = float64(rows[r][k])
				}
			}
			d := obs - exp
			stat += d * d / exp
		}
	}
	p = distuv.ChiSquared{K: float64(dof)}.Survival(stat)
	return stat, p, dof
}
