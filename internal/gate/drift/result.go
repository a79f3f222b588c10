package drift

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Result turns the report into the drift gate's result: one check per
// feature (PSI against its thresholds), a histogram of reference against
// current for every drifted feature, and the report as Details.
func (r *Report) Result() gate.Result {
	o := r.Thresholds.Defaults()
	res := gate.Result{
		Gate:    "drift",
		Title:   "Feature drift",
		Details: r,
	}
	for i := range r.Features {
		f := &r.Features[i]
		warn, fail := o.limits(f.Name)
		c := gate.Check{
			Name:      f.Name,
			Rule:      fmt.Sprintf("PSI < %s (warn), < %s (fail)", gate.FormatNumber(warn), gate.FormatNumber(fail)),
			Candidate: gate.F(f.PSI),
			Threshold: gate.F(warn),
			Status:    f.Status,
			Message:   f.Reason,
		}
		if f.Status == gate.Fail {
			c.Threshold = gate.F(fail)
		}
		res.Checks = append(res.Checks, c)
		if f.Status == gate.Warn || f.Status == gate.Fail {
			res.Charts = append(res.Charts, f.chart())
		}
	}
	if o.DriftShareFail > 0 && r.Evaluated > 0 {
		// The share rule is a check of its own, so that every gate that
		// takes the drift checks (data's distribution check too) sees it.
		c := gate.Check{
			Name:      "drifted share",
			Rule:      fmt.Sprintf("share of features that warn or fail < %s (drift_share_fail)", gate.FormatNumber(o.DriftShareFail)),
			Candidate: gate.F(r.DriftShare),
			Threshold: gate.F(o.DriftShareFail),
			Status:    gate.Pass,
		}
		if o.shareFails(r) {
			c.Status = gate.Fail
			c.Message = fmt.Sprintf("%d of %d features drifted, share %s ≥ %s: the dataset fails",
				r.Drifted, r.Evaluated, gate.FormatNumber(r.DriftShare), gate.FormatNumber(o.DriftShareFail))
		}
		res.Checks = append(res.Checks, c)
	}
	if n := r.RefBadRows + r.CurBadRows; n > 0 {
		// Skipped rows were allowed (max_bad_rows), but the reader must
		// know the comparison left them out.
		res.Checks = append(res.Checks, gate.Check{
			Name:      "bad rows",
			Rule:      fmt.Sprintf("at most %d a file skipped (max_bad_rows)", o.MaxBadRows),
			Candidate: gate.F(float64(n)),
			Status:    gate.Warn,
			Message:   strings.Join(r.FirstBadRows, "; "),
		})
	}
	res.Status = r.Status
	res.Finish()
	res.Summary = fmt.Sprintf("%d of %d features drifted (share %s); dataset %s.",
		r.Drifted, r.Evaluated, gate.FormatNumber(r.DriftShare), r.Status)
	if r.MultipleTesting == "benjamini-hochberg" {
		res.Notes = append(res.Notes, fmt.Sprintf(
			"KS and chi-square p-values are Benjamini–Hochberg adjusted across %d features; a significant test alone warns only when PSI ≥ %s.",
			len(r.Features), gate.FormatNumber(o.EffectFloor)))
	}
	res.Notes = append(res.Notes, o.Rule())
	return res
}

// Rule says in one sentence when a dataset fails under o.
func (o Options) Rule() string {
	if o.DriftShareFail > 0 {
		return fmt.Sprintf("A feature warns at PSI ≥ psi_warn and fails at PSI ≥ psi_fail; the dataset fails when a feature fails or when at least %s of the features warn or fail (drift_share_fail).",
			gate.FormatNumber(o.DriftShareFail))
	}
	return "A feature warns at PSI ≥ psi_warn and fails at PSI ≥ psi_fail; the dataset fails only when a feature fails, and warnings never fail it (drift_share_fail is off)."
}

// chart overlays the reference and current shares of the feature's bins:
// the reference-quantile bins of PSI for a numeric feature (the open outer
// bins closed at the pooled minimum and maximum), one bin per category
// (the union of both samples') for a categorical one.
func (f *Feature) chart() gate.Chart {
	share := func(c []int64) []float64 {
		var t int64
		for _, v := range c {
			t += v
		}
		s := make([]float64, len(c))
		for i, v := range c {
			if t > 0 {
				s[i] = float64(v) / float64(t)
			}
		}
		return s
	}
	series := []gate.Series{{Name: "reference", Values: share(f.refCounts)}, {Name: "current", Values: share(f.curCounts)}}
	title := fmt.Sprintf("%s: PSI %s", f.Name, gate.FormatNumber(f.PSI))
	if f.categoricalStats {
		labels, ref, cur := topCategories(f.categories, series[0].Values, series[1].Values, maxChartCategories)
		series[0].Values, series[1].Values = ref, cur
		return gate.Chart{Title: title, Kind: gate.Histogram, Check: f.Name, Labels: labels, Series: series}
	}
	edges := make([]float64, 0, len(f.edges)+2)
	edges = append(edges, math.Min(f.lo, firstOr(f.edges, f.lo)))
	edges = append(edges, f.edges...)
	edges = append(edges, math.Max(f.hi, lastOr(f.edges, f.hi)))
	return gate.Chart{Title: title, Kind: gate.Histogram, Check: f.Name, Edges: edges, Series: series}
}

// maxChartCategories bounds the bins of a categorical feature's chart:
// past it the bars would be too thin to read (and report.html too big).
const maxChartCategories = 30

// topCategories keeps, of more than limit categories, the limit−1 with
// the largest share in either sample (ties by name), in their order, and
// sums the others into one last bin "other (N categories)".
func topCategories(cats []string, ref, cur []float64, limit int) ([]string, []float64, []float64) {
	if len(cats) <= limit {
		return cats, ref, cur
	}
	idx := make([]int, len(cats))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ma, mb := math.Max(ref[idx[a]], cur[idx[a]]), math.Max(ref[idx[b]], cur[idx[b]])
		if ma != mb {
			return ma > mb
		}
		return cats[idx[a]] < cats[idx[b]]
	})
	keep := idx[:limit-1]
	sort.Ints(keep)
	var labels []string
	var r, c []float64
	for _, i := range keep {
		labels, r, c = append(labels, cats[i]), append(r, ref[i]), append(c, cur[i])
	}
	var ro, co float64
	for _, i := range idx[limit-1:] {
		ro += ref[i]
		co += cur[i]
	}
	labels = append(labels, fmt.Sprintf("other (%d categories)", len(cats)-(limit-1)))
	return labels, append(r, ro), append(c, co)
}

func firstOr(x []float64, d float64) float64 {
	if len(x) == 0 {
		return d
	}
	return x[0]
}

func lastOr(x []float64, d float64) float64 {
	if len(x) == 0 {
		return d
	}
	return x[len(x)-1]
}
