package data

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/data/gx"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

// Defaults of the limits a zero config value leaves on.
const (
	DefaultMaxMissing    = 0.05
	DefaultMaxDuplicates = 0.01
	DefaultMaxImbalance  = 10
)

// Check runs Gate 2 on g.Data and on the expectations of g.GEResults
// (either may be empty). Problems with the data are failed checks naming
// the column and the numbers, a failed expectation is a failed check (or a
// warning, by its severity: package gx); an unreadable file is an error.
func Check(ctx context.Context, g *config.DataGate, opt drift.Options) (gate.Result, error) {
	res := gate.Result{Gate: "data", Title: "Gate 2: data quality"}
	var summary []string
	if g.Data != "" {
		s, err := checkData(ctx, g, opt, &res)
		if err != nil {
			return res, err
		}
		summary = append(summary, s)
	}
	if g.GEResults != "" {
		r, err := gx.ReadFile(g.GEResults)
		if err != nil {
			return res, err
		}
		checks, notes := r.Checks()
		count := map[gate.Status]int{}
		for _, c := range checks {
			count[c.Status]++
		}
		res.Checks = append(res.Checks, checks...)
		res.Notes = append(res.Notes, notes...)
		summary = append(summary, fmt.Sprintf("Great Expectations: %d of %d expectations failed, %d warned (%s).",
			count[gate.Fail], len(checks), count[gate.Warn], plural(len(r.Runs), "validation run", "validation runs")))
	}
	res.Finish()
	res.Summary = strings.Join(summary, " ")
	return res, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// checkData adds the checks of the data file to res and returns their
// summary.
func checkData(ctx context.Context, g *config.DataGate, opt drift.Options, res *gate.Result) (string, error) {
	t, err := dataset.Load(ctx, g.Data, dataset.LoadOptions{MaxBadRows: g.MaxBadRows})
	if err != nil {
		return "", err
	}
	add := func(c gate.Check) { res.Checks = append(res.Checks, c) }
	if t.BadRows > 0 {
		add(gate.Check{Name: "bad rows", Rule: fmt.Sprintf("at most %d skipped (max_bad_rows)", g.MaxBadRows),
			Candidate: gate.F(float64(t.BadRows)), Status: gate.Warn,
			Message: fmt.Sprintf("%d rows that do not parse were skipped; the first: %v", t.BadRows, t.FirstBadRow)})
	}
	opt.MaxBadRows = g.MaxBadRows

	// Row count.
	rc := gate.Check{Name: "rows", Candidate: gate.F(float64(t.Rows)), Status: gate.Pass}
	switch {
	case g.MinRows > 0 && t.Rows < g.MinRows:
		rc.Status, rc.Threshold = gate.Fail, gate.F(float64(g.MinRows))
		rc.Message = fmt.Sprintf("%d rows, expected at least %d", t.Rows, g.MinRows)
	case g.MaxRows > 0 && t.Rows > g.MaxRows:
		rc.Status, rc.Threshold = gate.Fail, gate.F(float64(g.MaxRows))
		rc.Message = fmt.Sprintf("%d rows, expected at most %d", t.Rows, g.MaxRows)
	}
	rc.Rule = rowsRule(g)
	add(rc)

	// Schema: required columns and types.
	for _, name := range sortedKeys(g.Columns) {
		spec := g.Columns[name]
		c := t.Column(name)
		if c == nil {
			st := gate.Fail
			if spec.Optional {
				st = gate.Skip
			}
			add(gate.Check{Name: name + ": present", Rule: "required column", Status: st,
				Message: fmt.Sprintf("column %s is missing from %s", name, g.Data)})
			continue
		}
		if spec.Type != "" && string(c.Kind) != spec.Type {
			add(gate.Check{Name: name + ": type", Rule: "type " + spec.Type, Status: gate.Fail,
				Message: fmt.Sprintf("column %s holds %s values, expected %s", name, c.Kind, spec.Type)})
		}
		if spec.Min != nil || spec.Max != nil {
			add(rangeCheck(name, c, spec))
		}
		if len(spec.Allowed) > 0 {
			add(allowedCheck(name, c, spec.Allowed))
		}
	}

	// Missingness, every column.
	for _, c := range t.Columns {
		limit := g.MaxMissing
		if limit == 0 {
			limit = DefaultMaxMissing
		}
		if s, ok := g.Columns[c.Name]; ok && s.MaxMissing != nil {
			limit = *s.MaxMissing
		}
		share := 0.0
		if t.Rows > 0 {
			share = float64(c.Missing) / float64(t.Rows)
		}
		ck := gate.Check{Name: c.Name + ": missing", Rule: fmt.Sprintf("missing share ≤ %s", gate.FormatNumber(limit)),
			Candidate: gate.F(share), Threshold: gate.F(limit), Status: gate.Pass}
		if share > limit {
			ck.Status = gate.Fail
			ck.Message = fmt.Sprintf("column %s: %d of %d cells missing (%s), limit %s", c.Name, c.Missing, t.Rows,
				gate.FormatNumber(share), gate.FormatNumber(limit))
		}
		add(ck)
	}

	// Duplicates.
	dup, err := duplicates(g.Data, g.Key, g.MaxBadRows)
	if err != nil {
		return "", err
	}
	limit := g.MaxDuplicates
	if limit == 0 {
		limit = DefaultMaxDuplicates
	}
	share := 0.0
	if t.Rows > 0 {
		share = float64(dup) / float64(t.Rows)
	}
	over := "whole rows"
	if len(g.Key) > 0 {
		over = "key " + strings.Join(g.Key, ", ")
	}
	dc := gate.Check{Name: "duplicates", Rule: fmt.Sprintf("duplicate share ≤ %s (%s)", gate.FormatNumber(limit), over),
		Candidate: gate.F(share), Threshold: gate.F(limit), Status: gate.Pass}
	if share > limit {
		dc.Status = gate.Fail
		dc.Message = fmt.Sprintf("%d of %d rows repeat an earlier row (%s), share %s > %s", dup, t.Rows, over,
			gate.FormatNumber(share), gate.FormatNumber(limit))
	}
	add(dc)

	// Label balance.
	if g.Label != "" {
		add(balanceCheck(t, g))
	}

	// Distribution against the reference.
	if g.Reference != "" {
		var rep *drift.Report
		if drift.IsProfilePath(g.Reference) {
			p, perr := drift.ReadProfile(g.Reference)
			if perr != nil {
				return "", perr
			}
			rep, err = drift.CompareProfileFile(ctx, p, g.Reference, g.Data, opt)
		} else {
			rep, err = drift.CompareFiles(ctx, g.Reference, g.Data, opt)
		}
		if err != nil {
			return "", err
		}
		dr := rep.Result()
		for _, c := range dr.Checks {
			c.Name = "distribution: " + c.Name
			add(c)
		}
		res.Charts = dr.Charts
		for i := range res.Charts {
			res.Charts[i].Check = "distribution: " + res.Charts[i].Check
		}
		res.Notes = append(res.Notes, dr.Notes...)
		res.Details = map[string]any{"drift": rep}
	}
	failed := 0
	for _, c := range res.Checks {
		if c.Status == gate.Fail {
			failed++
		}
	}
	return fmt.Sprintf("%d rows, %d columns: %d of %d checks failed.", t.Rows, len(t.Columns), failed, len(res.Checks)), nil
}

func rowsRule(g *config.DataGate) string {
	switch {
	case g.MinRows > 0 && g.MaxRows > 0:
		return fmt.Sprintf("%d ≤ rows ≤ %d", g.MinRows, g.MaxRows)
	case g.MinRows > 0:
		return fmt.Sprintf("rows ≥ %d", g.MinRows)
	case g.MaxRows > 0:
		return fmt.Sprintf("rows ≤ %d", g.MaxRows)
	}
	return "any number of rows"
}

func rangeCheck(name string, c *dataset.Column, spec config.DataColumn) gate.Check {
	lo, hi := math.Inf(-1), math.Inf(1)
	if spec.Min != nil {
		lo = *spec.Min
	}
	if spec.Max != nil {
		hi = *spec.Max
	}
	ck := gate.Check{Name: name + ": range", Rule: fmt.Sprintf("%s ≤ value ≤ %s", gate.FormatNumber(lo), gate.FormatNumber(hi)), Status: gate.Pass}
	var below, above int64
	mn, mx := math.Inf(1), math.Inf(-1)
	for _, p := range c.Parts {
		for _, v := range p {
			mn, mx = min(mn, v), max(mx, v)
			if v < lo {
				below++
			} else if v > hi {
				above++
			}
		}
	}
	if below+above > 0 {
		ck.Status = gate.Fail
		ck.Message = fmt.Sprintf("column %s: %d values below %s and %d above %s (min %s, max %s)", name, below,
			gate.FormatNumber(lo), above, gate.FormatNumber(hi), gate.FormatNumber(mn), gate.FormatNumber(mx))
		ck.Candidate = gate.F(float64(below + above))
	}
	return ck
}

func allowedCheck(name string, c *dataset.Column, allowed []string) gate.Check {
	ck := gate.Check{Name: name + ": categories", Rule: "one of " + strings.Join(allowed, ", "), Status: gate.Pass}
	var bad []string
	var n int64
	for _, k := range sortedKeys(c.Counts) {
		if !slices.Contains(allowed, k) {
			bad = append(bad, fmt.Sprintf("%q (%d)", k, c.Counts[k]))
			n += c.Counts[k]
		}
	}
	if len(bad) > 0 {
		if len(bad) > 10 {
			bad = append(bad[:10], fmt.Sprintf("and %d more", len(bad)-10))
		}
		ck.Status = gate.Fail
		ck.Candidate = gate.F(float64(n))
		ck.Message = fmt.Sprintf("column %s: %d values outside the allowed categories: %s", name, n, strings.Join(bad, ", "))
	}
	return ck
}

func balanceCheck(t *dataset.Table, g *config.DataGate) gate.Check {
	limit := g.MaxImbalance
	if limit == 0 {
		limit = DefaultMaxImbalance
	}
	ck := gate.Check{Name: g.Label + ": class balance", Rule: fmt.Sprintf("largest / smallest class ≤ %s", gate.FormatNumber(limit)),
		Threshold: gate.F(limit), Status: gate.Pass}
	c := t.Column(g.Label)
	if c == nil {
		ck.Status = gate.Fail
		ck.Message = fmt.Sprintf("label column %s is missing", g.Label)
		return ck
	}
	counts := map[string]int64{}
	if c.Counts != nil {
		counts = c.Counts
	} else {
		for _, p := range c.Parts {
			for _, v := range p {
				counts[fmt.Sprint(v)]++
			}
		}
	}
	if len(counts) < 2 {
		ck.Status = gate.Fail
		ck.Message = fmt.Sprintf("label %s has %d class(es), expected at least 2", g.Label, len(counts))
		return ck
	}
	var mnK, mxK string
	var mn, mx int64 = math.MaxInt64, 0
	for _, k := range sortedKeys(counts) {
		if counts[k] < mn {
			mn, mnK = counts[k], k
		}
		if counts[k] > mx {
			mx, mxK = counts[k], k
		}
	}
	ratio := float64(mx) / float64(mn)
	ck.Candidate = gate.F(ratio)
	if ratio > limit {
		ck.Status = gate.Fail
		ck.Message = fmt.Sprintf("label %s: class %s has %d rows, class %s %d: ratio %s > %s", g.Label, mxK, mx, mnK, mn,
			gate.FormatNumber(ratio), gate.FormatNumber(limit))
	}
	return ck
}

// duplicates counts the rows whose key (or whole row) repeats an earlier
// row's, by a 64-bit hash of the cells (a collision, at odds of about
// n²/2⁶⁴, would count a row as a duplicate).
func duplicates(path string, key []string, maxBad int64) (int64, error) {
	r, err := dataset.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var idx []int
	if len(key) > 0 {
		if idx, err = dataset.ColumnIndex(path, r.Columns(), key...); err != nil {
			return 0, err
		}
	}
	seed := maphash.MakeSeed()
	seen := map[uint64]struct{}{}
	var dup int64
	var h maphash.Hash
	lastBad := -1
	for {
		row, err := r.Next()
		if err == io.EOF {
			return dup, nil
		}
		var re *dataset.RowError
		if err != nil && errors.As(err, &re) && maxBad > 0 && re.Row != lastBad {
			// A row Load skipped as bad (it allowed maxBad of them, so
			// there are no more here): not a row to compare. A reader
			// that cannot go past its error repeats the same row, which
			// ends the loop.
			lastBad = re.Row
			continue
		}
		if err != nil {
			return 0, err
		}
		h.SetSeed(seed)
		if idx == nil {
			for _, c := range row {
				h.WriteString(c)
				h.WriteByte(0)
			}
		} else {
			for _, i := range idx {
				h.WriteString(row[i])
				h.WriteByte(0)
			}
		}
		s := h.Sum64()
		if _, ok := seen[s]; ok {
			dup++
			continue
		}
		seen[s] = struct{}{}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
