package drift

import (
	"bytes"
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
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// ProfileVersion is the layout of a profile file this code writes.
// Version 1 kept 2001 exact quantiles per numeric feature, which do not
// merge; version 2 keeps a mergeable Sketch with stated error bounds.
const ProfileVersion = 2

// Profile is a stored reference: what drift needs of a reference file,
// without its rows.
//
// PSI, KL, JS and every categorical statistic computed against a profile
// of one file equal those against the file: its PSI edges are the file's
// exact deciles and its bin counts exact. A profile merged from shards
// (EdgesApproximate) takes its edges from the merged sketch and its bin
// counts from the sketch's weights, so PSI, KL and JS are approximate:
// each edge lies between the reference values whose ranks are within the
// sketch's rank bounds of the decile's, the count below each edge is
// within [−RankDown, +RankUp] of the exact one (so each bin count within
// RankUp + RankDown), and PSI moves by at most what those share errors
// allow (tested against the exact reference shares at the same edges).
//
// KS and Wasserstein use the reference's Sketch: the KS statistic is
// within Sketch.RankError()/N of the exact one and Wasserstein-1 within
// Sketch.L1/N (both bounds are stored per feature); KS p-values are
// asymptotic. Drift against a profile reports, per numeric feature, the
// KS bound and a PSI bound (Feature.KSBound, Feature.PSIBound): 0 for
// exact edges, else from stats.SketchPSIRange, which brackets each exact
// decile with the sketch's rank bounds and bounds the PSI terms over the
// bin counts those brackets allow.
//
// A profile with no features and no rows is an empty shard's (a shard
// given no file): MergeProfiles leaves it out.
type Profile struct {
	Version    int    `json:"version"`
	Source     string `json:"source"`
	Rows       int64  `json:"rows"`
	Bins       int    `json:"bins"`
	SketchSize int    `json:"sketch_size"`
	// Shards is how many profiles were merged into this one (1 for a
	// profile of one file).
	Shards int `json:"shards"`
	// EdgesApproximate says the PSI edges and bin counts come from a
	// sketch (a merged profile), not from the exact reference deciles.
	EdgesApproximate bool             `json:"edges_approximate"`
	Features         []FeatureProfile `json:"features"`
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
	// Min and Max are exact, Sum the floating-point sum (numeric, N > 0).
	Min float64 `json:"min,omitempty"`
	Max float64 `json:"max,omitempty"`
	Sum float64 `json:"sum,omitempty"`
	// Sketch summarises the values for KS and Wasserstein (numeric).
	Sketch *stats.Sketch `json:"sketch,omitempty"`
	// Categories are the category counts (categorical, boolean).
	Categories map[string]int64 `json:"categories,omitempty"`
}

// EmptyProfile returns the profile of an empty shard: no columns, no rows.
// MergeProfiles leaves it out; bins and sketch are recorded all the same.
func EmptyProfile(bins, sketch int) *Profile {
	return &Profile{Version: ProfileVersion, Bins: bins, SketchSize: sketch, Shards: 1, Features: []FeatureProfile{}}
}

// IsEmpty reports whether p is the profile of an empty shard (no columns).
// A profile of a file with a header and no rows has its columns, so it is
// not empty.
func (p *Profile) IsEmpty() bool { return len(p.Features) == 0 && p.Rows == 0 }

// IsProfilePath reports whether path names a profile (*.profile.json).
func IsProfilePath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".profile.json")
}

// BuildProfile profiles every column of t (numeric Parts are consumed):
// exact PSI edges and counts from the sorted values, and a sketch of
// them compressed at most once.
func BuildProfile(t *dataset.Table, bins, sketch int) *Profile {
	if bins < 1 {
		bins = stats.DefaultBins
	}
	if sketch < 1 {
		sketch = stats.DefaultSketch
	}
	p := &Profile{Version: ProfileVersion, Source: t.File, Rows: t.Rows, Bins: bins, SketchSize: sketch, Shards: 1,
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
				var s stats.Sorter
				x := s.SortParts(c.Parts)
				c.Parts = nil
				f.N = int64(len(x))
				if len(x) > 0 {
					f.Edges = stats.QuantileEdges(x, bins)
					f.Counts = stats.SortedBinCounts(x, f.Edges)
					f.Min, f.Max = x[0], x[len(x)-1]
					for _, v := range x {
						f.Sum += v
					}
					f.Sketch = stats.SketchFromSorted(x, sketch)
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

// ReadProfile reads and checks a profile file (a local file or an
// s3:// URL).
func ReadProfile(path string) (*Profile, error) {
	b, err := dataset.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("not a profile: %v", err)}
	}
	switch {
	case head.Version == nil:
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("not a profile: no \"version\" key; expected a profile of version %d from gate-runner profile", ProfileVersion)}
	case *head.Version == 1:
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("profile version 1 (exact quantiles, not mergeable), expected %d: run gate-runner profile on the reference again", ProfileVersion)}
	case *head.Version != ProfileVersion:
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("profile version %d, expected %d", *head.Version, ProfileVersion)}
	}
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("not a profile of version %d: %v", ProfileVersion, err)}
	}
	if dec.More() {
		return nil, &dataset.RowError{File: path, Msg: "not a profile: data after the JSON object"}
	}
	if err := checkProfile(path, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CompareProfileFile reads the current file with the profile's types and
// compares it with the profile.
func CompareProfileFile(ctx context.Context, p *Profile, profilePath, curPath string, opt Options) (*Report, error) {
	opt = opt.Defaults()
	if p.IsEmpty() {
		return nil, &dataset.RowError{File: profilePath, Msg: "the profile of an empty shard (no columns): merge the shards' profiles (gate-runner profile merge) and compare against the merged one"}
	}
	start := time.Now()
	kinds := make(map[string]dataset.Kind, len(p.Features))
	for _, f := range p.Features {
		kinds[f.Name] = f.Type
	}
	cur, err := dataset.Load(ctx, curPath, dataset.LoadOptions{Schema: kinds, Workers: opt.Workers, MaxBadRows: opt.MaxBadRows})
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
	var fps []FeatureProfile
	for _, fp := range p.Features {
		if !slices.Contains(opt.Ignore, fp.Name) {
			fps = append(fps, fp)
		}
	}
	feats := make([]Feature, len(fps))
	err = eachFeature(ctx, len(fps), opt.Workers, func(i int, s *stats.Sorter) {
		fp := fps[i]
		c := cur.Column(fp.Name)
		var f Feature
		switch fp.Type {
		case dataset.Numeric, dataset.Timestamp:
			f = profileNumeric(fp, p.Bins, p.EdgesApproximate, s.SortParts(c.Parts))
			c.Parts = nil
		default:
			f = categoricalFeature(fp.Name, fp.Type, fp.Categories, c.Counts)
		}
		f.MissingRef, f.MissingCur = fp.Missing, c.Missing
		feats[i] = f
	})
	if err != nil {
		return nil, err
	}
	r := &Report{Reference: profilePath, Current: curPath, RefRows: p.Rows, CurRows: cur.Rows, Features: feats, Thresholds: opt}
	Assess(r, opt)
	r.Timing = Timing{ReadSeconds: read.Seconds(), StatsSeconds: time.Since(start).Seconds()}
	r.noteBadRows(nil, cur)
	return r, nil
}

// profileNumeric compares a sorted current sample with a numeric profile
// of bins bins, whose edges are approximate (a merged profile's) or exact.
func profileNumeric(fp FeatureProfile, bins int, approximate bool, cur []float64) Feature {
	nan := math.NaN()
	f := Feature{Name: fp.Name, Type: fp.Type, NRef: fp.N, NCur: int64(len(cur)), PSI: nan, KL: nan, JSDistance: nan,
		KSStatistic: nan, KSPValue: nan, Wasserstein: nan, Chi2: nan, Chi2PValue: nan, pValue: nan, ksMethod: "profile",
		KSBound: nan, PSIBound: nan}
	if fp.N == 0 || len(cur) == 0 || fp.Sketch == nil {
		return f
	}
	f.edges, f.refCounts = fp.Edges, fp.Counts
	f.curCounts = stats.SortedBinCounts(cur, fp.Edges)
	rs, cs := stats.Shares(f.refCounts), stats.Shares(f.curCounts)
	f.PSI, f.KL, f.JSDistance = stats.PSI(rs, cs), stats.KL(rs, cs), stats.JSDistance(rs, cs)
	f.KSStatistic, f.Wasserstein = stats.SketchKSW(fp.Sketch, fp.N, cur)
	f.KSBound, f.PSIBound = float64(fp.Sketch.RankError())/float64(fp.N), 0
	if approximate {
		if lo, hi, ok := stats.SketchPSIRange(fp.Sketch, fp.N, bins, cur); ok {
			f.PSIBound = max(hi-f.PSI, f.PSI-lo, 0)
		} else {
			f.PSIBound = nan
		}
	}
	m, n := float64(max(fp.N, int64(len(cur)))), float64(min(fp.N, int64(len(cur))))
	f.KSPValue = stats.KSTwoSF(f.KSStatistic, int(math.RoundToEven(m*n/(m+n))))
	f.pValue = f.KSPValue
	f.lo, f.hi = min(fp.Min, cur[0]), max(fp.Max, cur[len(cur)-1])
	return f
}

// WriteProfile writes p as JSON to path.
func WriteProfile(path string, p *Profile) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode profile: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
