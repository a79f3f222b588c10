package drift

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// Feature is one feature's drift: the statistics of its kind and the
// status the thresholds give it. Its JSON names are the contract of
// `gate-runner drift --format json`; an undefined statistic is null.
type Feature struct {
	Name string
	// Type is numeric, categorical, boolean or timestamp. Numeric and
	// timestamp features get the numeric statistics, categorical and
	// boolean ones the categorical statistics.
	Type dataset.Kind

	// PSI, and the Jensen–Shannon distance with the natural log (SciPy's
	// default base: between 0 and sqrt(ln 2) ≈ 0.8326, not 0 and 1).
	PSI, JSDistance float64
	// Numeric.
	KL, KSStatistic, KSPValue, Wasserstein float64
	KSExact                                bool
	// ksMethod overrides exact/asymptotic ("profile": from a sketch).
	ksMethod string
	// KSBound and PSIBound bound how far KSStatistic and PSI computed
	// against a stored profile may be from the exact ones against the
	// profiled data (see Profile); they are written only then. PSIBound
	// is 0 for a profile with exact edges and NaN when no bound can be
	// given (see stats.SketchPSIRange).
	KSBound, PSIBound float64
	// Categorical.
	Chi2, Chi2PValue float64
	DoF              int
	NewCategories    []string

	// PAdjusted is the feature's test p-value (KS or chi-square) after
	// the Benjamini–Hochberg correction across features.
	PAdjusted  float64
	NRef, NCur int64
	// MissingRef and MissingCur count missing cells.
	MissingRef, MissingCur int64
	Status                 gate.Status
	// Reason says in words why the status is not pass.
	Reason string

	// For charts: bins (numeric: inner edges and both samples' range).
	edges            []float64
	lo, hi           float64
	refCounts        []int64
	curCounts        []int64
	categories       []string
	pValue           float64
	categoricalStats bool
}

// IsCategorical reports whether the feature gets the categorical
// statistics.
func (f *Feature) IsCategorical() bool { return f.categoricalStats }

// PValue returns the feature's unadjusted test p-value.
func (f *Feature) PValue() float64 { return f.pValue }

// MarshalJSON writes the contract's keys for the feature's kind, in a
// fixed order, then the extra fields.
func (f Feature) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	key := func(k string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
	}
	num := func(k string, v float64) {
		key(k)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("null")
			return
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	}
	val := func(k string, v any) error {
		key(k)
		j, err := json.Marshal(v)
		b.Write(j)
		return err
	}
	if err := val("name", f.Name); err != nil {
		return nil, err
	}
	_ = val("type", f.Type)
	if f.categoricalStats {
		num("chi2", f.Chi2)
		num("chi2_pvalue", f.Chi2PValue)
		num("psi", f.PSI)
		num("js_distance", f.JSDistance)
		nc := f.NewCategories
		if nc == nil {
			nc = []string{}
		}
		_ = val("new_categories", nc)
		_ = val("dof", f.DoF)
	} else {
		num("psi", f.PSI)
		num("kl", f.KL)
		num("js_distance", f.JSDistance)
		num("ks_statistic", f.KSStatistic)
		num("ks_pvalue", f.KSPValue)
		num("wasserstein", f.Wasserstein)
		method := "asymptotic"
		if f.KSExact {
			method = "exact"
		}
		if f.ksMethod != "" {
			method = f.ksMethod
		}
		if math.IsNaN(f.KSPValue) {
			method = ""
		}
		_ = val("ks_method", method)
		if f.ksMethod == "profile" {
			num("ks_error_bound", f.KSBound)
			num("psi_error_bound", f.PSIBound)
		}
	}
	num("p_adjusted", f.PAdjusted)
	_ = val("n_reference", f.NRef)
	_ = val("n_current", f.NCur)
	_ = val("missing_reference", f.MissingRef)
	_ = val("missing_current", f.MissingCur)
	_ = val("status", f.Status)
	if f.Reason != "" {
		_ = val("reason", f.Reason)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// numericColumns computes the statistics of a numeric (or timestamp)
// column of the reference and the current table
// (stats.Sorter.NumericParts). The columns' Parts are consumed.
func numericColumns(s *stats.Sorter, rc, cc *dataset.Column, bins int) Feature {
	defer func() { rc.Parts, cc.Parts = nil, nil }()
	r, lo, hi := s.NumericParts(rc.Parts, cc.Parts, bins)
	return numericResultFeature(rc.Name, rc.Kind, r, lo, hi)
}

// numericResultFeature is the Feature of a numeric result; lo and hi are
// the smallest and largest value of both samples (the charts' range).
func numericResultFeature(name string, kind dataset.Kind, r stats.NumericResult, lo, hi float64) Feature {
	return Feature{Name: name, Type: kind, PSI: r.PSI, KL: r.KL, JSDistance: r.JSDistance,
		KSStatistic: r.KS.Statistic, KSPValue: r.KS.PValue, KSExact: r.KS.Exact,
		Wasserstein: r.Wasserstein, Chi2: math.NaN(), Chi2PValue: math.NaN(),
		NRef: int64(r.NRef), NCur: int64(r.NCur), pValue: r.KS.PValue,
		edges: r.Edges, refCounts: r.RefCounts, curCounts: r.CurCounts, lo: lo, hi: hi}
}

// categoricalFeature computes a categorical (or boolean) feature's
// statistics.
func categoricalFeature(name string, kind dataset.Kind, ref, cur map[string]int64) Feature {
	r := stats.Categorical(ref, cur)
	f := Feature{Name: name, Type: kind, PSI: r.PSI, JSDistance: r.JSDistance,
		Chi2: r.Chi2, Chi2PValue: r.PValue, DoF: r.DoF, NewCategories: r.New,
		KL: math.NaN(), KSStatistic: math.NaN(), KSPValue: math.NaN(), Wasserstein: math.NaN(),
		pValue: r.PValue, categoricalStats: true,
		categories: r.Categories, refCounts: r.RefCounts, curCounts: r.CurCounts}
	for _, c := range r.RefCounts {
		f.NRef += c
	}
	for _, c := range r.CurCounts {
		f.NCur += c
	}
	return f
}
