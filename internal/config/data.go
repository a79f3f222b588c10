package config

import (
	"fmt"
	"sort"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// DataGate configures Gate 2, data quality (`gate-runner data`). A zero
// limit means the check is off unless a default is stated.
type DataGate struct {
	// Data is the training data file; --data overrides it.
	Data string `yaml:"data"`
	// Reference is the data (or NAME.profile.json) whose distribution the
	// data must match; --reference overrides it. Empty: no match check.
	Reference string `yaml:"reference"`
	// GEResults is a Great Expectations validation result (a suite's, a
	// checkpoint's or one expectation's JSON, GE 0.x or 1.x) whose
	// expectations become checks of the gate; --ge-results overrides it.
	// Empty: none. With GEResults the gate needs no Data.
	GEResults string `yaml:"ge_results"`
	// MinRows and MaxRows bound the number of rows (0: no bound).
	MinRows int64 `yaml:"min_rows"`
	MaxRows int64 `yaml:"max_rows"`
	// MaxMissing is every column's limit on the share of missing cells
	// (default 0.05); a column's own max_missing overrides it.
	MaxMissing float64 `yaml:"max_missing"`
	// MaxDuplicates limits the share of rows that repeat an earlier row
	// (over Key when set, else the whole row); default 0.01.
	MaxDuplicates float64  `yaml:"max_duplicates"`
	Key           []string `yaml:"key"`
	// Label and MaxImbalance: the largest class count over the smallest
	// must stay at most max_imbalance (default 10 when a label is set).
	Label        string  `yaml:"label"`
	MaxImbalance float64 `yaml:"max_imbalance"`
	// Columns are the schema: each listed column is required and checked.
	Columns map[string]DataColumn `yaml:"columns"`
	// MaxBadRows is how many rows that do not parse may be skipped (a
	// warning naming the first) instead of exit 2 (0: none; CSV and JSON
	// Lines).
	MaxBadRows int64 `yaml:"max_bad_rows"`
}

// DataColumn is one column's expectations.
type DataColumn struct {
	// Type is numeric, categorical, boolean or timestamp.
	Type string `yaml:"type"`
	// Optional columns may be absent.
	Optional   bool     `yaml:"optional"`
	MaxMissing *float64 `yaml:"max_missing"`
	Min        *float64 `yaml:"min"`
	Max        *float64 `yaml:"max"`
	// Allowed lists the only categories the column may hold.
	Allowed []string `yaml:"allowed"`
}

func (g *DataGate) validate(file string) error {
	if g == nil {
		return nil
	}
	errf := func(format string, a ...any) error {
		return &Error{File: file, Msg: "gates.data." + fmt.Sprintf(format, a...)}
	}
	if g.MaxBadRows < 0 {
		return errf("max_bad_rows is %d, expected a count ≥ 0", g.MaxBadRows)
	}
	if g.MinRows < 0 || g.MaxRows < 0 || (g.MaxRows > 0 && g.MinRows > g.MaxRows) {
		return errf("min_rows %d, max_rows %d: expected 0 ≤ min_rows ≤ max_rows", g.MinRows, g.MaxRows)
	}
	for name, v := range map[string]float64{"max_missing": g.MaxMissing, "max_duplicates": g.MaxDuplicates} {
		if v < 0 || v > 1 {
			return errf("%s is %g, expected a share between 0 and 1", name, v)
		}
	}
	if g.MaxImbalance != 0 && g.MaxImbalance < 1 {
		return errf("max_imbalance is %g, expected a ratio ≥ 1", g.MaxImbalance)
	}
	names := make([]string, 0, len(g.Columns))
	for n := range g.Columns {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := g.Columns[n]
		if c.Type != "" {
			if _, err := dataset.ParseKind(c.Type); err != nil {
				return errf("columns.%s.type: %v", n, err)
			}
		}
		if c.MaxMissing != nil && (*c.MaxMissing < 0 || *c.MaxMissing > 1) {
			return errf("columns.%s.max_missing is %g, expected a share between 0 and 1", n, *c.MaxMissing)
		}
		if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
			return errf("columns.%s: min %g is above max %g", n, *c.Min, *c.Max)
		}
	}
	return nil
}
