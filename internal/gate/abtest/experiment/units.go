package experiment

import (
	"math"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate/abtest"
)

// upTo returns the rows from start to at (all rows when the file has no
// times).
func upTo(rows []unit, start, at time.Time, timed bool) []unit {
	if !timed {
		return rows
	}
	out := make([]unit, 0, len(rows))
	for _, r := range rows {
		if !r.t.After(at) && !r.t.Before(start) {
			out = append(out, r)
		}
	}
	return out
}

// perUnit sums metric i (and its denominator column d, when d ≥ 0) over each unit's rows and returns one row per unit, in first-seen
// order. A proportion without a denominator becomes 1 when any of the
// unit's rows is a success, else 0. Missing cells are skipped; a unit whose
// every cell is missing stays missing.
func perUnit(rows []unit, i, d int, kind abtest.Kind) []unit {
	pos := map[string]int{}
	var out []unit
	for _, r := range rows {
		k, ok := pos[r.id]
		if !ok {
			k = len(out)
			pos[r.id] = k
			vals := make([]float64, len(r.vals))
			for j := range vals {
				vals[j] = math.NaN()
			}
			out = append(out, unit{group: r.group, id: r.id, t: r.t, vals: vals})
		}
		u := &out[k]
		cols := []int{i}
		if d >= 0 {
			cols = append(cols, d)
		}
		for _, j := range cols {
			v := r.vals[j]
			if math.IsNaN(v) {
				continue
			}
			if math.IsNaN(u.vals[j]) {
				u.vals[j] = 0
			}
			u.vals[j] += v
		}
	}
	if kind == abtest.KindProportion && d < 0 {
		for k := range out {
			if v := out[k].vals[i]; !math.IsNaN(v) {
				out[k].vals[i] = 0
				if v > 0 {
					out[k].vals[i] = 1
				}
			}
		}
	}
	return out
}

// dropSwitchers leaves out the rows of units seen in both groups and
// returns how many such units there were.
func dropSwitchers(rows []unit) ([]unit, int) {
	seen := map[string]int{}
	both := map[string]bool{}
	for _, r := range rows {
		if g, ok := seen[r.id]; ok && g != r.group {
			both[r.id] = true
		}
		seen[r.id] = r.group
	}
	if len(both) == 0 {
		return rows, 0
	}
	out := rows[:0:0]
	for _, r := range rows {
		if !both[r.id] {
			out = append(out, r)
		}
	}
	return out, len(both)
}
