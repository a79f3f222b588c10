package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// ProfileVersion is the layout of a profile file this code writes.
const ProfileVersion = 1

// DefaultSketch is the number of quantile intervals a profile keeps per
// numeric feature.
const DefaultSketch = 2000

// Profile is a stored reference: what drift needs of a reference file,
// without its rows. PSI, KL, JS and every categorical statistic computed
// against a profile equal those against the file. KS and Wasserstein use
// the reference's quantile sketch: the KS statistic is within
// 1/SketchSize + 1/n of the exact one and Wasserstein within
// (max − min)·(1/SketchSize + 1/n); KS p-values are asymptotic.
type Profile struct {
	Version    int              `json:"version"`
	Source     string           `json:"source"`
	Rows       int64            `json:"rows"`
	Bins       int              `json:"bins"`
	SketchSize int              `json:"sketch_size"`
	Features   []FeatureProfile `json:"features"`
}

// FeatureProfile is one column of a profile.
type FeatureProfile struct {
	Name    string       `json:"name"`
	Type    dataset.Kind `json:"type"`
	N       int64        `json:"n"`
	Missing int64        `json:"missing"`
	// Edges and Counts are the PSI bins (numeric).
	Edges  []float64 `json:"edges,omitempty"`
	Counts []int64   `json:"counts,omitempty"`
	// Quantiles are the values at ranks i/SketchSize, i = 0 … SketchSize
	// (numpy's linear method; numeric).
	Quantiles []float64 `json:"quantiles,omitempty"`
	// Categories are the category counts (categorical, boolean).
	Categories map[string]int64 `json:"categories,omitempty"`
}

// IsProfilePath reports whether path names a profile (*.profile.json).
func IsProfilePath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".profile.json")
}

// BuildProfile profiles every column of t (numeric Parts are consumed).
func BuildProfile(t *dataset.Table, bins, sketch int) *Profile {
	if bins < 1 {
		bins = DefaultBins
	}
	if sketch < 1 {
		sketch = DefaultSketch
	}
	p := &Profile{Version: ProfileVersion, Source: t.File, Rows: t.Rows, Bins: bins, SketchSize: sketch,
		Features: make([]FeatureProfile, len(t.Columns))}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, c := range t.Columns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f := FeatureProfile{Name: c.Name, Type: c.Kind, Missing: c.Missing}
			switch c.Kind {
			case dataset.Numeric, dataset.Timestamp:
				var s Sorter
				x := s.SortParts(c.Parts)
				c.Parts = nil
				f.N = int64(len(x))
				if len(x) > 0 {
					f.Edges = QuantileEdges(x, bins)
					f.Counts = SortedBinCounts(x, f.Edges)
					f.Quantiles = make([]float64, sketch+1)
					for k := range f.Quantiles {
						f.Quantiles[k] = Quantile(x, float64(k)/float64(sketch))
					}
				}
			default:
				f.Categories = c.Counts
				for _, n := range c.Counts {
					f.N += n
				}
			}
			p.Features[i] = f
		}()
	}
	wg.Wait()
	return p
}

// ReadProfile reads and checks a profile file.
func ReadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("not a profile: %v", err)}
	}
	if p.Version != ProfileVersion {
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("profile version %d, expected %d", p.Version, ProfileVersion)}
	}
	for _, f := range p.Features {
		if _, err := dataset.ParseKind(string(f.Type)); err != nil {
			return nil, &dataset.RowError{File: path, Column: f.Name, Msg: err.Error()}
		}
		numeric := f.Type == dataset.Numeric || f.Type == dataset.Timestamp
		if numeric && f.N > 0 && (len(f.Counts) != len(f.Edges)+1 || len(f.Quantiles) != p.SketchSize+1 || p.SketchSize < 1) {
			return nil, &dataset.RowError{File: path, Column: f.Name,
				Msg: fmt.Sprintf("%d counts for %d edges and %d quantiles for sketch size %d: expected edges+1 counts and sketch size+1 quantiles", len(f.Counts), len(f.Edges), len(f.Quantiles), p.SketchSize)}
		}
		if !slices.IsSorted(f.Edges) || !slices.IsSorted(f.Quantiles) {
			return nil, &dataset.RowError{File: path, Column: f.Name, Msg: "edges and quantiles must ascend"}
		}
		for _, c := range f.Counts {
			if c < 0 {
				return nil, &dataset.RowError{File: path, Column: f.Name, Msg: fmt.Sprintf("bin count %d, expected ≥ 0", c)}
			}
		}
		for k, c := range f.Categories {
			if c < 0 {
				return nil, &dataset.RowError{File: path, Column: f.Name, Msg: fmt.Sprintf("category %q count %d, expected ≥ 0", k, c)}
			}
		}
	}
	return &p, nil
}

// CompareProfileFile reads the current file with the profile's types and
// compares it with the profile.
func CompareProfileFile(ctx context.Context, p *Profile, profilePath, curPath string, opt Options) (*Report, error) {
	opt = opt.Defaults()
	start := time.Now()
	kinds := make(map[string]dataset.Kind, len(p.Features))
	for _, f := range p.Features {
		kinds[f.Name] = f.Type
	}
	cur, err := dataset.Load(ctx, curPath, dataset.LoadOptions{Schema: kinds, Workers: opt.Workers})
	if err != nil {
		return nil, err
	}
	read := time.Since(start)
	start = time.Now()
	for _, c := range cur.Columns {
		if _, ok := kinds[c.Name]; !ok && !slices.Contains(opt.Ignore, c.Name) {
			return nil, &dataset.RowError{File: curPath, Column: c.Name, Msg: fmt.Sprintf("column is not in the reference profile %s", profilePath)}
		}
	}
	var feats []Feature
	var s Sorter
	for _, fp := range p.Features {
		if slices.Contains(opt.Ignore, fp.Name) {
			continue
		}
		c := cur.Column(fp.Name)
		var f Feature
		switch fp.Type {
		case dataset.Numeric, dataset.Timestamp:
			f = profileNumeric(fp, s.SortParts(c.Parts), p.SketchSize)
		default:
			f = categoricalFeature(fp.Name, fp.Type, fp.Categories, c.Counts)
		}
		f.MissingRef, f.MissingCur = fp.Missing, c.Missing
		feats = append(feats, f)
	}
	r := &Report{Reference: profilePath, Current: curPath, RefRows: p.Rows, CurRows: cur.Rows, Features: feats, Thresholds: opt}
	Assess(r, opt)
	r.Timing = Timing{ReadSeconds: read.Seconds(), StatsSeconds: time.Since(start).Seconds()}
	return r, nil
}

// profileNumeric compares a sorted current sample with a numeric profile.
func profileNumeric(fp FeatureProfile, cur []float64, sketch int) Feature {
	nan := math.NaN()
	f := Feature{Name: fp.Name, Type: fp.Type, NRef: fp.N, NCur: int64(len(cur)), PSI: nan, KL: nan, JSDistance: nan,
		KSStatistic: nan, KSPValue: nan, Wasserstein: nan, Chi2: nan, Chi2PValue: nan, pValue: nan, ksMethod: "profile"}
	if fp.N == 0 || len(cur) == 0 {
		return f
	}
	f.edges, f.refCounts = fp.Edges, fp.Counts
	f.curCounts = SortedBinCounts(cur, fp.Edges)
	rs, cs := Shares(f.refCounts), Shares(f.curCounts)
	f.PSI, f.KL, f.JSDistance = PSI(rs, cs), KL(rs, cs), JSDistance(rs, cs)
	f.KSStatistic, f.Wasserstein = sketchKSW(fp.Quantiles, cur)
	m, n := float64(max(fp.N, int64(len(cur)))), float64(min(fp.N, int64(len(cur))))
	f.KSPValue = KSTwoSF(f.KSStatistic, int(math.RoundToEven(m*n/(m+n))))
	f.pValue = f.KSPValue
	q := fp.Quantiles
	f.lo, f.hi = min(q[0], cur[0]), max(q[len(q)-1], cur[len(cur)-1])
	return f
}

// sketchKSW returns sup|G − F| and ∫|G − F| where F is the ECDF of the
// sorted sample cur and G the reference CDF interpolated linearly through
// (q[k], k/K): between breakpoints F is constant and G linear, so both
// are exact for G.
func sketchKSW(q, cur []float64) (ks, w float64) {
	K := float64(len(q) - 1)
	n := float64(len(cur))
	// G at x, for x within [q[0], q[K]], with k the last index q[k] ≤ x.
	g := func(x float64, k int) float64 {
		switch {
		case k < 0:
			return 0
		case k >= len(q)-1:
			return 1
		}
		if q[k+1] == q[k] {
			return float64(k+1) / K
		}
		return (float64(k) + (x-q[k])/(q[k+1]-q[k])) / K
	}
	i, k := 0, -1 // cur values ≤ x consumed; last grid index ≤ x
	prevX, prevG, prevF := math.Inf(-1), 0.0, 0.0
	first := true
	for i < len(cur) || k < len(q)-1 {
		var x float64
		if k+1 < len(q) && (i >= len(cur) || q[k+1] <= cur[i]) {
			x = q[k+1]
		} else {
			x = cur[i]
		}
		fBefore := float64(i) / n
		for k+1 < len(q) && q[k+1] <= x {
			k++
		}
		for i < len(cur) && cur[i] <= x {
			i++
		}
		gx := g(x, k)
		// G is continuous except where grid points tie; take the
		// smallest G just below x as well for the sup.
		gLeft := gx
		if k >= 0 && q[k] == x {
			j := k
			for j > 0 && q[j-1] == x {
				j--
			}
			gLeft = float64(j) / K
			if j == 0 {
				gLeft = 0
			}
		}
		fx := float64(i) / n
		ks = max(ks, math.Abs(gLeft-fBefore), math.Abs(gx-fx))
		if !first {
			w += segment(prevX, x, prevG, gLeft, prevF)
		}
		first = false
		prevX, prevG, prevF = x, gx, fx
	}
	return ks, w
}

// segment integrates |g(t) − c| over [a, b] for g linear from ga to gb.
func segment(a, b, ga, gb, c float64) float64 {
	if b <= a {
		return 0
	}
	da, db := ga-c, gb-c
	if (da >= 0) == (db >= 0) || da == 0 || db == 0 {
		return (b - a) * math.Abs(da+db) / 2
	}
	return (b - a) * (da*da + db*db) / (2 * math.Abs(db-da))
}

// WriteProfile writes p as JSON to path.
func WriteProfile(path string, p *Profile) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
