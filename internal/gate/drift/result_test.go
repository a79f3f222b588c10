package drift

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestTopCategories(t *testing.T) {
	cats := []string{"a", "b", "c", "d", "e"}
	ref := []float64{0.4, 0.1, 0.1, 0.3, 0.1}
	cur := []float64{0.1, 0.05, 0.5, 0.3, 0.05}
	cases := []struct {
		limit      int
		labels     []string
		wref, wcur []float64
	}{
		{5, cats, ref, cur},
		// c (0.5), a (0.4), d (0.3) kept in their order; b and e summed.
		{4, []string{"a", "c", "d", "other (2 categories)"}, []float64{0.4, 0.1, 0.3, 0.2}, []float64{0.1, 0.5, 0.3, 0.1}},
		{3, []string{"a", "c", "other (3 categories)"}, []float64{0.4, 0.1, 0.5}, []float64{0.1, 0.5, 0.4}},
		{2, []string{"c", "other (4 categories)"}, []float64{0.1, 0.9}, []float64{0.5, 0.5}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.limit), func(t *testing.T) {
			l, r, cu := topCategories(cats, ref, cur, c.limit)
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
			if !slices.Equal(l, c.labels) || !slices.EqualFunc(r, c.wref, near) || !slices.EqualFunc(cu, c.wcur, near) {
				t.Errorf("got %v %v %v\nwant %v %v %v", l, r, cu, c.labels, c.wref, c.wcur)
			}
		})
	}
	// A tie in the largest share keeps the first name.
	if l, _, _ := topCategories([]string{"y", "x", "z"}, []float64{0.35, 0.35, 0.3}, []float64{0.35, 0.35, 0.3}, 2); !slices.Equal(l, []string{"x", "other (2 categories)"}) {
		t.Errorf("tie: %v", l)
	}
	// A feature of 100 categories charts 30 bins whose shares still sum to 1.
	many := make([]string, 100)
	sh := make([]float64, 100)
	for i := range many {
		many[i], sh[i] = fmt.Sprintf("k%03d", i), 0.01
	}
	l, r, _ := topCategories(many, sh, sh, maxChartCategories)
	sum := 0.0
	for _, v := range r {
		sum += v
	}
	if len(l) != maxChartCategories || l[len(l)-1] != "other (71 categories)" || math.Abs(sum-1) > 1e-12 {
		t.Errorf("%d bins, last %q, sum %v", len(l), l[len(l)-1], sum)
	}
}
