package drift

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// Options are the drift gate's thresholds and choices. The zero value of
// each field means its default (see Defaults).
type Options struct {
	// Bins is the number of reference-quantile bins of numeric PSI (10).
	Bins int `json:"bins"`
	// PSIWarn and PSIFail: a feature with PSI ≥ PSIWarn warns, ≥ PSIFail
	// fails (0.2 and 0.3, the plan's thresholds).
	PSIWarn float64 `json:"psi_warn"`
	PSIFail float64 `json:"psi_fail"`
	// Alpha is the significance level of the KS and chi-square tests
	// after the Benjamini–Hochberg correction (0.05).
	Alpha float64 `json:"alpha"`
	// EffectFloor is the PSI a feature must reach before a significant
	// test alone makes it warn (0.1), so that a trivial shift in a huge
	// sample, which every test finds significant, is not flagged.
	EffectFloor float64 `json:"effect_floor"`
	// DriftShareFail, when above 0, also fails the dataset when at least
	// this share of the evaluated features drifted (warned or failed).
	// Zero, the default, leaves the rule off: a dataset then fails only
	// when a feature fails, and warnings never fail it however many there
	// are. (Counting only failed features would change nothing, since one
	// failed feature already fails the dataset.)
	DriftShareFail float64 `json:"drift_share_fail"`
	// PerFeature overrides PSIWarn and PSIFail for named features.
	PerFeature map[string]PSILimits `json:"per_feature,omitempty"`
	// NoCorrection turns the Benjamini–Hochberg correction off.
	NoCorrection bool `json:"no_correction,omitempty"`
	// Schema fixes the kind of some columns; others are inferred from
	// the reference.
	Schema map[string]dataset.Kind `json:"-"`
	// Ignore lists columns that are not features (ids, labels,
	// timestamps of the row).
	Ignore []string `json:"ignore,omitempty"`
	// Workers compute features in parallel (GOMAXPROCS).
	Workers int `json:"-"`
	// MaxBadRows is how many rows of each file that do not parse are
	// skipped and counted (dataset.LoadOptions.MaxBadRows).
	MaxBadRows int64 `json:"max_bad_rows,omitempty"`
}

// Defaults returns o with every zero field set to its default.
func (o Options) Defaults() Options {
	if o.Bins <= 0 {
		o.Bins = stats.DefaultBins
	}
	if o.PSIWarn == 0 {
		o.PSIWarn = 0.2
	}
	if o.PSIFail == 0 {
		o.PSIFail = 0.3
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.EffectFloor == 0 {
		o.EffectFloor = 0.1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// PSILimits are one feature's PSI thresholds; a zero field keeps the
// dataset-wide one.
type PSILimits struct {
	Warn float64 `json:"psi_warn,omitempty"`
	Fail float64 `json:"psi_fail,omitempty"`
}

// limits returns the PSI thresholds of the named feature.
func (o Options) limits(name string) (warn, fail float64) {
	warn, fail = o.PSIWarn, o.PSIFail
	if l, ok := o.PerFeature[name]; ok {
		if l.Warn > 0 {
			warn = l.Warn
		}
		if l.Fail > 0 {
			fail = l.Fail
		}
	}
	return warn, fail
}

// Report is the drift of a dataset: `gate-runner drift --format json`.
type Report struct {
	Reference string    `json:"reference"`
	Current   string    `json:"current"`
	RefRows   int64     `json:"reference_rows"`
	CurRows   int64     `json:"current_rows"`
	Features  []Feature `json:"features"`
	// BadRows count the rows of each file skipped because they did not
	// parse (Options.MaxBadRows), and FirstBadRows say where the first
	// of each was and why.
	RefBadRows   int64    `json:"reference_bad_rows,omitempty"`
	CurBadRows   int64    `json:"current_bad_rows,omitempty"`
	FirstBadRows []string `json:"first_bad_rows,omitempty"`
	// DriftShare is the share of evaluated features that warn or fail.
	DriftShare float64 `json:"drift_share"`
	Drifted    int     `json:"drifted"`
	Evaluated  int     `json:"evaluated"`
	// Status is the worst feature status, and fail when DriftShareFail
	// is set and DriftShare reaches it.
	Status gate.Status `json:"status"`
	// MultipleTesting names the p-value correction across features.
	MultipleTesting string  `json:"multiple_testing"`
	Thresholds      Options `json:"thresholds"`
	// Timing says where the time went, so that parsing and statistics can
	// be told apart.
	Timing Timing `json:"timing"`
}

// Timing is the wall time of reading both files and of the statistics.
type Timing struct {
	ReadSeconds  float64 `json:"read_seconds"`
	StatsSeconds float64 `json:"stats_seconds"`
}

// CompareFiles reads the reference (types from opt.Schema or inferred)
// and the current file (with the reference's types) and compares them.
// Once the reference's types are known the two files are read at the
// same time: each load has serial stretches (its first and last blocks,
// merging the workers' columns) that the other fills.
func CompareFiles(ctx context.Context, refPath, curPath string, opt Options) (*Report, error) {
	opt = opt.Defaults()
	start := time.Now()
	cols, kinds, err := dataset.Kinds(refPath, dataset.LoadOptions{Schema: opt.Schema})
	if err != nil {
		return nil, err
	}
	schema := make(map[string]dataset.Kind, len(cols))
	for i, c := range cols {
		schema[c] = kinds[i]
	}
	var ref, cur *dataset.Table
	var refErr, curErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		cur, curErr = dataset.Load(ctx, curPath, dataset.LoadOptions{Schema: schema, Workers: opt.Workers, MaxBadRows: opt.MaxBadRows})
	}()
	ref, refErr = dataset.Load(ctx, refPath, dataset.LoadOptions{Schema: schema, Workers: opt.Workers, MaxBadRows: opt.MaxBadRows})
	wg.Wait()
	// The reference's error first, so that the message does not depend
	// on which load finished first.
	if refErr != nil {
		return nil, refErr
	}
	if curErr != nil {
		return nil, curErr
	}
	read := time.Since(start)
	r, err := CompareTables(ctx, ref, cur, opt)
	if err != nil {
		return nil, err
	}
	r.Timing.ReadSeconds = read.Seconds()
	r.noteBadRows(ref, cur)
	return r, nil
}

// noteBadRows records the bad rows Load skipped in either table (ref may
// be nil: a profile has none).
func (r *Report) noteBadRows(ref, cur *dataset.Table) {
	for _, t := range []*dataset.Table{ref, cur} {
		if t == nil || t.BadRows == 0 {
			continue
		}
		if t == ref {
			r.RefBadRows = t.BadRows
		} else {
			r.CurBadRows = t.BadRows
		}
		r.FirstBadRows = append(r.FirstBadRows, fmt.Sprintf("%d bad rows skipped, the first: %v", t.BadRows, t.FirstBadRow))
	}
}

// CompareTables compares every column of ref (except opt.Ignore) with the
// same column of cur. The two must have the same columns; numeric columns'
// Parts are consumed (set to nil).
func CompareTables(ctx context.Context, ref, cur *dataset.Table, opt Options) (*Report, error) {
	opt = opt.Defaults()
	start := time.Now()
	if err := sameColumns(ref, cur, opt.Ignore); err != nil {
		return nil, err
	}
	var cols []*dataset.Column
	for _, c := range ref.Columns {
		if !slices.Contains(opt.Ignore, c.Name) {
			cols = append(cols, c)
		}
	}
	feats := make([]Feature, len(cols))
	err := eachFeature(ctx, len(cols), opt.Workers, func(i int, s *stats.Sorter) {
		rc := cols[i]
		cc := cur.Column(rc.Name)
		switch rc.Kind {
		case dataset.Numeric, dataset.Timestamp:
			feats[i] = numericColumns(s, rc, cc, opt.Bins)
		default:
			feats[i] = categoricalFeature(rc.Name, rc.Kind, rc.Counts, cc.Counts)
		}
		feats[i].MissingRef, feats[i].MissingCur = rc.Missing, cc.Missing
	})
	if err != nil {
		return nil, err
	}
	r := &Report{Reference: ref.File, Current: cur.File, RefRows: ref.Rows, CurRows: cur.Rows,
		Features: feats, Thresholds: opt}
	Assess(r, opt)
	r.Timing.StatsSeconds = time.Since(start).Seconds()
	return r, nil
}

// eachFeature calls fn(i, sorter) for i in [0, n) from workers
// goroutines, each with its own Sorter (whose buffers it reuses from one
// feature to the next), and returns ctx's error if it was cancelled.
func eachFeature(ctx context.Context, n, workers int, fn func(i int, s *stats.Sorter)) error {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s stats.Sorter
			for i := range next {
				fn(i, &s)
			}
		}()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// Assess sets every feature's adjusted p-value and status and the
// dataset's drift share and status.
func Assess(r *Report, opt Options) {
	opt = opt.Defaults()
	ps := make([]float64, len(r.Features))
	for i := range r.Features {
		ps[i] = r.Features[i].pValue
	}
	r.MultipleTesting = "benjamini-hochberg"
	qs := stats.BenjaminiHochberg(ps)
	if opt.NoCorrection {
		r.MultipleTesting = "none"
		qs = ps
	}
	r.Drifted, r.Evaluated = 0, 0
	st := gate.Status("")
	for i := range r.Features {
		f := &r.Features[i]
		f.PAdjusted = qs[i]
		f.Status, f.Reason = featureStatus(f, opt)
		if f.Status != gate.Skip {
			r.Evaluated++
		}
		if f.Status == gate.Warn || f.Status == gate.Fail {
			r.Drifted++
		}
		st = gate.Worse(st, f.Status)
	}
	r.DriftShare = 0
	if r.Evaluated > 0 {
		r.DriftShare = float64(r.Drifted) / float64(r.Evaluated)
	}
	if opt.shareFails(r) {
		st = gate.Fail
	}
	if st == "" {
		st = gate.Skip
	}
	r.Status = st
}

// shareFails reports whether the drift share rule is on and fails r.
func (o Options) shareFails(r *Report) bool {
	return o.DriftShareFail > 0 && r.Evaluated > 0 && r.DriftShare >= o.DriftShareFail
}

func featureStatus(f *Feature, o Options) (gate.Status, string) {
	warn, fail := o.limits(f.Name)
	test := "KS"
	if f.categoricalStats {
		test = "chi-square"
	}
	switch {
	case f.NRef == 0 || f.NCur == 0 || math.IsNaN(f.PSI):
		side := "reference"
		if f.NRef > 0 {
			side = "current"
		}
		return gate.Skip, fmt.Sprintf("no values in the %s sample", side)
	case f.PSI >= fail:
		return gate.Fail, fmt.Sprintf("PSI %s ≥ %s", gate.FormatNumber(f.PSI), gate.FormatNumber(fail))
	case f.PSI >= warn:
		return gate.Warn, fmt.Sprintf("PSI %s ≥ %s", gate.FormatNumber(f.PSI), gate.FormatNumber(warn))
	case f.PAdjusted < o.Alpha && f.PSI >= o.EffectFloor:
		return gate.Warn, fmt.Sprintf("%s p %s < %s (adjusted) and PSI %s ≥ %s", test,
			gate.FormatNumber(f.PAdjusted), gate.FormatNumber(o.Alpha), gate.FormatNumber(f.PSI), gate.FormatNumber(o.EffectFloor))
	}
	return gate.Pass, ""
}

// sameColumns checks that cur has exactly ref's columns (ignored ones
// aside), naming the first that differs.
func sameColumns(ref, cur *dataset.Table, ignore []string) error {
	for _, c := range ref.Columns {
		if cur.Column(c.Name) == nil && !slices.Contains(ignore, c.Name) {
			return &dataset.RowError{File: cur.File, Column: c.Name,
				Msg: fmt.Sprintf("column of the reference %s is missing; the file has %s", ref.File, names(cur))}
		}
	}
	for _, c := range cur.Columns {
		if ref.Column(c.Name) == nil && !slices.Contains(ignore, c.Name) {
			return &dataset.RowError{File: cur.File, Column: c.Name,
				Msg: fmt.Sprintf("column is not in the reference %s, which has %s", ref.File, names(ref))}
		}
	}
	return nil
}

func names(t *dataset.Table) string {
	n := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}
