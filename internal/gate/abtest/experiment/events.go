package experiment

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/abtest"
)

// unit is one row of the events file: its group, time and values (NaN
// where missing), one per metric column, then per denominator column, then
// per guardrail column.
type unit struct {
	group int
	id    string // the unit's id when gates.abtest.unit names a column
	t     time.Time
	vals  []float64
}

// FromEvents builds the Input from an events file: the variant column, the
// metric and guardrail columns, optionally a timestamp column (then Start
// and End default to the first and last timestamps, and the sequential mode
// looks every LookEvery) and a unit column. Without a unit column each row
// is a unit; with one, a unit's rows are summed per metric (a proportion
// without a denominator column counts a unit once, as a success when any
// of its rows is one; a mean is the per-unit sum, revenue per user), units
// found in both groups are left out, and guardrails stay per row (latency
// per request). Rows of other groups are counted in a note and left out.
func FromEvents(g *config.ABTestGate, now time.Time) (abtest.Input, []string, error) {
	in := baseInput(g)
	in.Source = g.Events
	for i, m := range g.Metrics {
		if err := m.SourceCheck(true); err != nil {
			return in, nil, gate.Input(fmt.Errorf("gates.abtest.metrics[%d] (%s): %w", i, m.Name, err))
		}
	}
	for i, gr := range g.Guardrails {
		if err := gr.SourceCheck(true); err != nil {
			return in, nil, gate.Input(fmt.Errorf("gates.abtest.guardrails[%d] (%s): %w", i, gr.Name, err))
		}
	}
	r, err := dataset.Open(g.Events)
	if err != nil {
		return in, nil, gate.Input(err)
	}
	defer r.Close()
	cols := r.Columns()
	want := []string{g.Variant}
	for _, m := range g.Metrics {
		want = append(want, m.Column)
	}
	for _, m := range g.Metrics {
		if m.DenominatorColumn != "" {
			want = append(want, m.DenominatorColumn)
		}
	}
	for _, gr := range g.Guardrails {
		want = append(want, gr.Column)
	}
	nVals := len(want) - 1
	if g.Timestamp != "" {
		want = append(want, g.Timestamp)
	}
	if g.Unit != "" {
		want = append(want, g.Unit)
	}
	idx, err := dataset.ColumnIndex(g.Events, cols, want...)
	if err != nil {
		return in, nil, gate.Input(err)
	}
	var units []unit
	other := 0
	var first, last time.Time
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return in, nil, gate.Input(err)
		}
		u := unit{group: -1}
		switch row[idx[0]] {
		case g.Control:
			u.group = 0
		case g.Challenger:
			u.group = 1
		default:
			other++
			continue
		}
		n := nVals
		if g.Unit != "" {
			u.id = row[idx[len(idx)-1]]
			if dataset.IsMissing(u.id) {
				return in, nil, gate.Input(&dataset.RowError{File: g.Events, Row: r.Row(), Column: g.Unit, Msg: "no unit id"})
			}
		}
		if g.Timestamp != "" {
			ts, err := parseTime(row[idx[1+nVals]])
			if err != nil {
				return in, nil, gate.Input(&dataset.RowError{File: g.Events, Row: r.Row(), Column: g.Timestamp, Msg: err.Error()})
			}
			u.t = ts
			if first.IsZero() || ts.Before(first) {
				first = ts
			}
			if ts.After(last) {
				last = ts
			}
		}
		u.vals = make([]float64, n)
		for i := 0; i < n; i++ {
			cell := row[idx[i+1]]
			if dataset.IsMissing(cell) {
				u.vals[i] = math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil || math.IsInf(v, 0) {
				return in, nil, gate.Input(&dataset.RowError{File: g.Events, Row: r.Row(), Column: want[i+1], Msg: fmt.Sprintf("found %q, expected a number", cell)})
			}
			u.vals[i] = v
		}
		units = append(units, u)
	}
	if len(units) == 0 {
		return in, nil, gate.Input(fmt.Errorf("%s: no rows with %s = %q or %q", g.Events, g.Variant, g.Control, g.Challenger))
	}
	in.Start, in.End = g.Start.Value(), g.End.Value()
	if in.Start.IsZero() {
		in.Start = first
	}
	if in.End.IsZero() {
		in.End = last
		if last.IsZero() {
			in.End = now
		}
	}
	if in.Start.IsZero() {
		return in, nil, gate.Input(fmt.Errorf("%s: the test's start is unknown: set gates.abtest.start or gates.abtest.timestamp (a time column)", g.Events))
	}
	if in.End.Before(in.Start) {
		return in, nil, gate.Input(fmt.Errorf("%s: the end %s is before the start %s", g.Events, in.End.Format(time.RFC3339), in.Start.Format(time.RFC3339)))
	}
	if g.Timestamp != "" {
		// Rows before the configured start or after the end are not part
		// of the test.
		units = upTo(units, in.Start, in.End, true)
		if len(units) == 0 {
			return in, nil, gate.Input(fmt.Errorf("%s: no rows between %s and %s", g.Events, in.Start.Format(time.RFC3339), in.End.Format(time.RFC3339)))
		}
	}
	var notes []string
	if g.Unit != "" {
		var both int
		units, both = dropSwitchers(units)
		if both > 0 {
			notes = append(notes, fmt.Sprintf("%d units (%s) appear in both groups; their rows were left out. Check the assignment.", both, g.Unit))
		}
		if len(units) == 0 {
			return in, nil, gate.Input(fmt.Errorf("%s: every unit appears in both groups", g.Events))
		}
		ids := [2]map[string]bool{{}, {}}
		for _, u := range units {
			ids[u.group][u.id] = true
		}
		in.Units = [2]float64{float64(len(ids[0])), float64(len(ids[1]))}
	} else {
		for _, u := range units {
			in.Units[u.group]++
		}
	}
	looks := []time.Time{in.End}
	if g.Timestamp != "" {
		looks = lookTimes(in.Start, in.End, g.LookEvery, g.Sequential)
	}
	// Column positions in unit.vals.
	denom := map[int]int{}
	pos := len(g.Metrics)
	for i, m := range g.Metrics {
		if m.DenominatorColumn != "" {
			denom[i] = pos
			pos++
		}
	}
	for i, mc := range g.Metrics {
		m := metricFrom(mc)
		for _, at := range looks {
			rows := upTo(units, in.Start, at, g.Timestamp != "")
			if g.Unit != "" {
				d, ok := denom[i]
				if !ok {
					d = -1
				}
				rows = perUnit(rows, i, d, m.Kind)
			}
			l := eventLook(rows, i, denom, m.Kind)
			l.At = at
			m.Looks = append(m.Looks, l)
		}
		nodata, bad := checkLook(g.Events, [2]string{g.Control, g.Challenger}, m, mc)
		if bad != nil {
			return in, nil, bad
		}
		m.Err = nodata
		in.Metrics = append(in.Metrics, m)
	}
	for j, gc := range g.Guardrails {
		gr := guardrailFrom(gc)
		var sum, cnt [2]float64
		for _, u := range units {
			if v := u.vals[pos+j]; !math.IsNaN(v) {
				sum[u.group] += v
				cnt[u.group]++
			}
		}
		if cnt[0] == 0 || cnt[1] == 0 {
			gr.Err = fmt.Errorf("column %s has no values for a group", gc.Column)
		} else {
			gr.Control, gr.Challenger = sum[0]/cnt[0], sum[1]/cnt[1]
		}
		in.Guardrails = append(in.Guardrails, gr)
	}
	if other > 0 {
		notes = append(notes, fmt.Sprintf("%d rows of %s belong to neither %s nor %s and were left out.", other, g.Events, g.Control, g.Challenger))
	}
	return in, notes, nil
}

// eventLook aggregates metric i over units.
func eventLook(units []unit, i int, denom map[int]int, kind abtest.Kind) abtest.Look {
	var l abtest.Look
	var succ, trials [2]float64
	var raw [2][]float64
	for _, u := range units {
		v := u.vals[i]
		if math.IsNaN(v) {
			continue
		}
		switch kind {
		case abtest.KindProportion:
			succ[u.group] += v
			if d, ok := denom[i]; ok {
				if !math.IsNaN(u.vals[d]) {
					trials[u.group] += u.vals[d]
				}
			} else {
				trials[u.group]++
			}
		default:
			raw[u.group] = append(raw[u.group], v)
		}
	}
	if kind == abtest.KindProportion {
		l.A = abtest.Proportion{Successes: succ[0], Trials: trials[0]}
		l.B = abtest.Proportion{Successes: succ[1], Trials: trials[1]}
		return l
	}
	l.RawA, l.RawB = raw[0], raw[1]
	l.SA, l.SB = abtest.Summarize(raw[0]), abtest.Summarize(raw[1])
	return l
}

// checkLook returns an input error when a proportion's last look is not a
// proportion (more successes than trials: the wrong column), and a no-data
// error when a group has no trials yet.
func checkLook(file string, groups [2]string, m abtest.Metric, mc config.ABMetric) (nodata, bad error) {
	if m.Kind != abtest.KindProportion || len(m.Looks) == 0 {
		return nil, nil
	}
	l := m.Looks[len(m.Looks)-1]
	for i, p := range []abtest.Proportion{l.A, l.B} {
		if p.Trials == 0 {
			return fmt.Errorf("%s: no trials for %s in group %s", file, mc.Name, groups[i]), nil
		}
		if err := p.Validate(); err != nil {
			return nil, gate.Input(fmt.Errorf("%s: column %s (metric %s): %w", file, mc.Column, mc.Name, err))
		}
	}
	return nil, nil
}

// parseTime reads RFC 3339 or Unix seconds.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("found %q, expected an RFC 3339 time or Unix seconds", s)
}
