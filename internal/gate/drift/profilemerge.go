package drift

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// ErrNoProfiles is MergeProfiles called with nothing to merge.
var ErrNoProfiles = errors.New("no profiles to merge")

// MergeProfiles merges the profiles of shards of one dataset (paths name
// them in errors): row, value and missing counts add, category counts
// add, and numeric sketches merge (their error bounds add; the merged
// sketch is compressed once more). The shards must have the same columns
// in the same order, with the same types, bins and sketch size; a
// mismatch is a *dataset.RowError naming the shard and what differs.
//
// A merged profile's PSI edges are the deciles of the merged sketch and
// its bin counts the sketch's weights between them, so it is marked
// EdgesApproximate: the rank of each edge in the whole data, and each bin
// count, are within the merged sketch's RankError of the exact ones.
//
// The profile of an empty shard (IsEmpty) adds nothing and is left out;
// when only one profile remains it is returned as it is, exact edges and
// all, so that one shard's merge changes nothing. Only empty profiles is
// an error.
func MergeProfiles(paths []string, ps []*Profile) (*Profile, error) {
	if len(ps) == 0 || len(ps) != len(paths) {
		return nil, ErrNoProfiles
	}
	var keptPaths []string
	var kept []*Profile
	for i, p := range ps {
		if !p.IsEmpty() {
			keptPaths, kept = append(keptPaths, paths[i]), append(kept, p)
		}
	}
	if len(kept) == 0 {
		return nil, &dataset.RowError{File: strings.Join(paths, ", "), Msg: "every profile is of an empty shard (no columns): expected at least one profile of data"}
	}
	if len(kept) == 1 {
		return kept[0], nil
	}
	paths, ps = keptPaths, kept
	first := ps[0]
	for s, p := range ps[1:] {
		if err := sameLayout(paths[0], first, paths[s+1], p); err != nil {
			return nil, err
		}
	}
	out := &Profile{Version: ProfileVersion, Bins: first.Bins, SketchSize: first.SketchSize, EdgesApproximate: true,
		Features: make([]FeatureProfile, len(first.Features))}
	var sources []string
	for _, p := range ps {
		out.Rows += p.Rows
		out.Shards += p.Shards
		sources = append(sources, p.Source)
	}
	out.Source = strings.Join(sources, " + ")
	for i, f0 := range first.Features {
		f := FeatureProfile{Name: f0.Name, Type: f0.Type, Min: math.Inf(1), Max: math.Inf(-1)}
		var parts []*stats.Sketch
		for _, p := range ps {
			g := p.Features[i]
			f.N += g.N
			f.Missing += g.Missing
			if g.Categories != nil {
				if f.Categories == nil {
					f.Categories = map[string]int64{}
				}
				for c, n := range g.Categories {
					f.Categories[c] += n
				}
			}
			if g.Sketch != nil && g.N > 0 {
				parts = append(parts, g.Sketch)
				f.Min, f.Max, f.Sum = min(f.Min, g.Min), max(f.Max, g.Max), f.Sum+g.Sum
			}
		}
		if len(parts) == 0 {
			f.Min, f.Max = 0, 0
		} else {
			f.Sketch = stats.MergeSketches(out.SketchSize, parts...)
			f.Edges, f.Counts = f.Sketch.Bins(f.N, out.Bins)
		}
		out.Features[i] = f
	}
	return out, nil
}

// sameLayout checks that profile b (file pb) can merge with a (file pa).
func sameLayout(pa string, a *Profile, pb string, b *Profile) error {
	bad := func(col, format string, args ...any) error {
		return &dataset.RowError{File: pb, Column: col, Msg: fmt.Sprintf(format, args...)}
	}
	if b.Version != a.Version {
		return bad("", "profile version %d, but %s has %d", b.Version, pa, a.Version)
	}
	if b.Bins != a.Bins || b.SketchSize != a.SketchSize {
		return bad("", "bins %d and sketch size %d, but %s has bins %d and sketch size %d: profile every shard with the same --bins and --sketch", b.Bins, b.SketchSize, pa, a.Bins, a.SketchSize)
	}
	names := func(p *Profile) string {
		var s []string
		for _, f := range p.Features {
			s = append(s, f.Name)
		}
		return strings.Join(s, ", ")
	}
	if len(b.Features) != len(a.Features) {
		return bad("", "%d columns (%s), but %s has %d (%s)", len(b.Features), names(b), pa, len(a.Features), names(a))
	}
	for i, f := range b.Features {
		g := a.Features[i]
		if f.Name != g.Name {
			return bad(f.Name, "column %d is %q, but in %s it is %q", i+1, f.Name, pa, g.Name)
		}
		if f.Type != g.Type {
			return bad(f.Name, "type %s, but %s has type %s: give every shard the same schema", f.Type, pa, g.Type)
		}
	}
	return nil
}
