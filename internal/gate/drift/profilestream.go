package drift

import (
	"context"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// profileStream profiles files (one dataset) in two passes whose memory grows with the
// number of features, not rows.
//
// Pass 1 builds each numeric feature's sketch, exact n, missing, min, max
// and sum, and the category counts. Its result is the same bits however
// many workers read the files, in whatever order they finish, and
// however a file is cut into blocks (mapped or streamed, from a disk or
// an object): counts add up exactly, and each feature has one
// SketchBuilder that takes the values in the files' order (a copy, in
// Block.InOrder) while the workers sort and sketch the chunks it hands
// out in parallel.
// Pass 2 makes the PSI edges the exact reference deciles anyway: each
// decile needs the values at two known ranks r and r+1, and the sketch's
// rank error bound brackets them between two of its points lo ≤ hi. The
// pass counts the values below lo and equal to lo or hi and keeps only
// those strictly between, about 2·(RankUp + RankDown) per decile; sorting
// them gives the two values exactly, and with them the exact bin counts.
func profileStream(ctx context.Context, paths []string, cols []string, kinds []dataset.Kind, bins, k, workers int) (*Profile, error) {
	type pass1 struct {
		scratch stats.SketchScratch
		chunks  []*stats.SketchChunk
		counts  []map[string]int64
		missing []int64
	}
	isNum := func(i int) bool { return kinds[i] == dataset.Numeric || kinds[i] == dataset.Timestamp }
	builders := make([]*stats.SketchBuilder, len(cols))
	for i := range cols {
		if isNum(i) {
			builders[i] = stats.NewSketchBuilder(k)
		}
	}
	states := make([]*pass1, max(workers, 1))
	rows, err := streamAll(ctx, paths, cols, kinds, workers, func(w int, b *dataset.Block) error {
		st := states[w]
		if st == nil {
			st = &pass1{counts: make([]map[string]int64, len(cols)), missing: make([]int64, len(cols))}
			for i := range cols {
				if !isNum(i) {
					st.counts[i] = map[string]int64{}
				}
			}
			states[w] = st
		}
		for i := range cols {
			st.missing[i] += b.Missing[i]
			for c, n := range b.Counts[i] {
				st.counts[i][c] += n
			}
		}
		b.InOrder(func() {
			for i, sb := range builders {
				if sb != nil {
					st.chunks = sb.Take(b.Values[i], st.chunks)
				}
			}
		})
		for j, c := range st.chunks {
			c.Build(&st.scratch)
			st.chunks[j] = nil
		}
		st.chunks = st.chunks[:0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := &Profile{Version: ProfileVersion, Source: strings.Join(paths, " + "), Rows: rows, Bins: bins, SketchSize: k, Shards: 1,
		Features: make([]FeatureProfile, len(cols))}
	var scratch stats.SketchScratch
	for i, c := range cols {
		f := FeatureProfile{Name: c, Type: kinds[i]}
		for _, st := range states {
			if st == nil {
				continue
			}
			f.Missing += st.missing[i]
			if !isNum(i) {
				if f.Categories == nil {
					f.Categories = map[string]int64{}
				}
				for c, n := range st.counts[i] {
					f.Categories[c] += n
					f.N += n
				}
			}
		}
		if b := builders[i]; b != nil {
			f.Sketch = b.Sketch(&scratch)
			f.N, f.Min, f.Max, f.Sum = b.Summary()
			builders[i] = nil
		}
		if f.N == 0 || !isNum(i) {
			f.Min, f.Max, f.Sum = 0, 0, 0
		}
		if !isNum(i) && f.Categories == nil {
			f.Categories = map[string]int64{}
		}
		p.Features[i] = f
	}
	states = nil
	if err := exactEdges(ctx, paths, cols, kinds, workers, p); err != nil {
		return nil, err
	}
	return p, nil
}

// exactEdges is pass 2: it sets every numeric feature's Edges and Counts
// to the exact ones (see profileStream).
func exactEdges(ctx context.Context, paths []string, cols []string, kinds []dataset.Kind, workers int, p *Profile) error {
	plans := make([]*stats.EdgePlan, len(cols))
	for i := range p.Features {
		f := &p.Features[i]
		if f.Sketch != nil && f.N > 0 {
			plans[i] = stats.NewEdgePlan(f.Sketch, f.N, p.Bins)
		}
	}
	// Each worker collects into its own brackets; they are added up after.
	perWorker := make([][]*stats.EdgePlan, max(workers, 1))
	_, err := streamAll(ctx, paths, cols, kinds, workers, func(w int, b *dataset.Block) error {
		mine := perWorker[w]
		if mine == nil {
			mine = make([]*stats.EdgePlan, len(plans))
			for i, pl := range plans {
				if pl != nil {
					mine[i] = pl.Empty()
				}
			}
			perWorker[w] = mine
		}
		for i, pl := range mine {
			if pl != nil {
				pl.Collect(b.Values[i])
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, pl := range plans {
		if pl == nil {
			continue
		}
		for _, mine := range perWorker {
			if mine != nil {
				pl.Add(mine[i])
				mine[i] = nil
			}
		}
		f := &p.Features[i]
		edges, counts, err := pl.Resolve()
		if err != nil {
			return fmt.Errorf("%s: column %q: %w", strings.Join(paths, " + "), f.Name, err)
		}
		f.Edges, f.Counts = edges, counts
	}
	return nil
}

// streamAll streams the files one after the other to fn and returns the
// rows they hold.
func streamAll(ctx context.Context, paths []string, cols []string, kinds []dataset.Kind, workers int, fn func(worker int, b *dataset.Block) error) (int64, error) {
	var rows int64
	for _, path := range paths {
		n, err := dataset.Stream(ctx, path, cols, kinds, workers, fn)
		if err != nil {
			return 0, err
		}
		rows += n
	}
	return rows, nil
}
