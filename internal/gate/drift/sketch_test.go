package drift

import (
	"math"
	"slices"
	"sort"

	"gitlab.com/mlgate/mlgate/internal/stats"
)

// bruteErrors measures a sketch (the same oracle as internal/stats'
// sketch_test.go, repeated here because test helpers do not cross
// packages) against its sample directly: the largest
// Ĉ(x) − C(x) and C(x) − Ĉ(x) over every x (counts ≤ x and < x), and
// ∫|Ĉ − C|. sorted is the sample, ascending.
func bruteErrors(s *stats.Sketch, sorted []float64) (up, down int64, l1 float64) {
	pool := slices.Concat(sorted, s.Values)
	slices.Sort(pool)
	pool = slices.Compact(pool)
	est := func(t float64, strict bool) int64 {
		var c int64
		for i, v := range s.Values {
			if v < t || (!strict && v == t) {
				c += s.Weights[i]
			}
		}
		return c
	}
	// Walk the pool with a running index into the points instead of est
	// for speed; est checks the first and last positions independently.
	var c int64
	j := 0
	for i, t := range pool {
		cl := int64(sort.SearchFloat64s(sorted, t))
		cle := int64(sort.Search(len(sorted), func(k int) bool { return sorted[k] > t }))
		el := c
		for j < len(s.Values) && s.Values[j] <= t {
			c += s.Weights[j]
			j++
		}
		ele := c
		if i == 0 || i == len(pool)-1 {
			if el != est(t, true) || ele != est(t, false) {
				panic("running sketch count disagrees with the direct one")
			}
		}
		up = max(up, el-cl, ele-cle)
		down = max(down, cl-el, cle-ele)
		if i+1 < len(pool) {
			l1 += math.Abs(float64(ele-cle)) * (pool[i+1] - t)
		}
	}
	return up, down, l1
}
