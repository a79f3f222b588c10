package drift

import (
	"fmt"
	"math"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// maxBins and maxSketch bound what a profile may ask for, so that a
// corrupt file cannot make a merge loop for hours.
const (
	maxBins   = 10000
	maxSketch = 1 << 22
)

// checkProfile checks what the statistics rely on: known types, bins and
// counts that agree, and sketches whose weights add up to the feature's n.
// The error names the file and the column.
func checkProfile(path string, p *Profile) error {
	bad := func(col, format string, a ...any) error {
		return &dataset.RowError{File: path, Column: col, Msg: fmt.Sprintf(format, a...)}
	}
	if p.Bins < 1 || p.Bins > maxBins || p.SketchSize < 1 || p.SketchSize > maxSketch || p.Shards < 1 || p.Rows < 0 {
		return bad("", "bins %d, sketch_size %d, shards %d, rows %d: expected 1 ≤ bins ≤ %d, 1 ≤ sketch_size ≤ %d, shards ≥ 1 and rows ≥ 0",
			p.Bins, p.SketchSize, p.Shards, p.Rows, maxBins, maxSketch)
	}
	seen := map[string]bool{}
	for _, f := range p.Features {
		if f.Name == "" || seen[f.Name] {
			return bad(f.Name, "empty or repeated feature name; expected unique column names")
		}
		seen[f.Name] = true
		if _, err := dataset.ParseKind(string(f.Type)); err != nil {
			return bad(f.Name, "%s", err.Error())
		}
		if f.N < 0 || f.Missing < 0 {
			return bad(f.Name, "n %d, missing %d: expected ≥ 0", f.N, f.Missing)
		}
		if f.Type == dataset.Numeric || f.Type == dataset.Timestamp {
			if err := checkNumeric(f); err != "" {
				return bad(f.Name, "%s", err)
			}
			continue
		}
		var total int64
		for k, c := range f.Categories {
			if c < 0 || c > math.MaxInt64-total {
				return bad(f.Name, "category %q count %d, expected ≥ 0 (and a total that fits 64 bits)", k, c)
			}
			total += c
		}
		if total != f.N {
			return bad(f.Name, "category counts add up to %d, expected n = %d", total, f.N)
		}
	}
	return nil
}

// checkNumeric returns what is wrong with a numeric feature, or "".
func checkNumeric(f FeatureProfile) string {
	if f.N == 0 {
		if len(f.Edges) > 0 || len(f.Counts) > 0 || f.Sketch != nil {
			return "no values (n = 0) but edges, counts or a sketch"
		}
		return ""
	}
	if len(f.Counts) != len(f.Edges)+1 || len(f.Edges) >= maxBins {
		return fmt.Sprintf("%d counts for %d edges: expected edges+1 counts", len(f.Counts), len(f.Edges))
	}
	if !strictlyAscending(f.Edges) {
		return "edges must be finite and strictly ascending"
	}
	if s := sumCounts(f.Counts); s != f.N {
		return fmt.Sprintf("bin counts add up to %s, expected n = %d", s2(s), f.N)
	}
	s := f.Sketch
	if s == nil || len(s.Values) == 0 || len(s.Values) != len(s.Weights) {
		return "a numeric feature with values needs a sketch with as many values as weights (at least one)"
	}
	if !strictlyAscending(s.Values) {
		return "sketch values must be finite and strictly ascending"
	}
	for _, w := range s.Weights {
		if w <= 0 {
			return fmt.Sprintf("sketch weight %d, expected > 0", w)
		}
	}
	if t := sumCounts(s.Weights); t != f.N {
		return fmt.Sprintf("sketch weights add up to %s, expected n = %d", s2(t), f.N)
	}
	if s.RankUp < 0 || s.RankDown < 0 || !(s.L1 >= 0) || math.IsInf(s.L1, 0) {
		return fmt.Sprintf("sketch error bounds %d, %d, %v: expected ≥ 0", s.RankUp, s.RankDown, s.L1)
	}
	if !(f.Min <= s.Values[0] && s.Values[len(s.Values)-1] <= f.Max) || math.IsInf(f.Min, 0) || math.IsInf(f.Max, 0) {
		return fmt.Sprintf("min %v and max %v do not enclose the sketch's values %v … %v", f.Min, f.Max, s.Values[0], s.Values[len(s.Values)-1])
	}
	return ""
}

func strictlyAscending(x []float64) bool {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || (i > 0 && v <= x[i-1]) {
			return false
		}
	}
	return true
}

// sumCounts adds non-negative counts; −1 when one is negative or the sum
// overflows.
func sumCounts(c []int64) int64 {
	var t int64
	for _, v := range c {
		if v < 0 || v > math.MaxInt64-t {
			return -1
		}
		t += v
	}
	return t
}

func s2(n int64) string {
	if n < 0 {
		return "a negative or overflowing total"
	}
	return strings.TrimSpace(fmt.Sprint(n))
}
