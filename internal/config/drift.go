package config

import (
	"fmt"
	"sort"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// DriftGate configures feature drift (`gate-runner drift`). A zero
// threshold means its default.
type DriftGate struct {
	// Reference and Current are the data files (CSV, JSON Lines or
	// Parquet, optionally .gz); the --reference and --current flags
	// override them.
	Reference string `yaml:"reference"`
	Current   string `yaml:"current"`
	// Bins is the number of reference-quantile bins of numeric PSI (10).
	Bins int `yaml:"bins"`
	// PSIWarn and PSIFail: PSI ≥ psi_warn warns, ≥ psi_fail fails
	// (0.2 and 0.3).
	PSIWarn float64 `yaml:"psi_warn"`
	PSIFail float64 `yaml:"psi_fail"`
	// Alpha is the significance level of the KS and chi-square tests
	// after the multiple-testing correction (0.05).
	Alpha float64 `yaml:"alpha"`
	// EffectFloor is the PSI below which a significant test alone does
	// not flag a feature (0.1).
	EffectFloor float64 `yaml:"effect_floor"`
	// DriftShareFail, when set, also fails the dataset when at least this
	// share of its features drifted (warned or failed). 0, the default,
	// leaves it off: the dataset fails only when a feature fails (PSI ≥
	// psi_fail), and warnings never fail it.
	DriftShareFail float64 `yaml:"drift_share_fail"`
	// Correction is the p-value correction across features:
	// benjamini-hochberg (the default) or none.
	Correction string `yaml:"correction"`
	// Ignore lists columns that are not features (ids, labels).
	Ignore []string `yaml:"ignore"`
	// MaxBadRows is how many rows of each file that do not parse may be
	// skipped (and counted in the report) instead of failing the gate
	// with exit 2 (0: none; CSV and JSON Lines).
	MaxBadRows int64 `yaml:"max_bad_rows"`
	// Schema fixes column types: numeric, categorical, boolean or
	// timestamp. Other columns are inferred from the reference.
	Schema map[string]string `yaml:"schema"`
	// Features sets PSI thresholds for single features.
	Features map[string]FeatureLimits `yaml:"features"`
	// Push sends the drift metrics to a Prometheus Pushgateway.
	Push *DriftPush `yaml:"push"`
}

// FeatureLimits are one feature's PSI thresholds.
type FeatureLimits struct {
	PSIWarn float64 `yaml:"psi_warn"`
	PSIFail float64 `yaml:"psi_fail"`
}

// DriftPush says where drift metrics go.
type DriftPush struct {
	// URL of the Pushgateway; --push overrides it. It may hold
	// credentials, so it is never logged.
	URL string `yaml:"url"`
}

func (g *DriftGate) validate(file string) error {
	if g == nil {
		return nil
	}
	errf := func(format string, a ...any) error {
		return &Error{File: file, Msg: "gates.drift." + fmt.Sprintf(format, a...)}
	}
	if g.Bins < 0 || g.Bins == 1 {
		return errf("bins is %d, expected at least 2", g.Bins)
	}
	if err := psiLimits(g.PSIWarn, g.PSIFail); err != nil {
		return errf("%v", err)
	}
	if g.Alpha < 0 || g.Alpha >= 1 {
		return errf("alpha is %g, expected a level between 0 and 1", g.Alpha)
	}
	if g.EffectFloor < 0 {
		return errf("effect_floor is %g, expected a PSI ≥ 0", g.EffectFloor)
	}
	if g.MaxBadRows < 0 {
		return errf("max_bad_rows is %d, expected a count ≥ 0", g.MaxBadRows)
	}
	if g.DriftShareFail < 0 || g.DriftShareFail > 1 {
		return errf("drift_share_fail is %g, expected a share between 0 and 1", g.DriftShareFail)
	}
	switch g.Correction {
	case "", "benjamini-hochberg", "bh", "none":
	default:
		return errf("correction is %q, expected benjamini-hochberg or none", g.Correction)
	}
	cols := make([]string, 0, len(g.Schema))
	for c := range g.Schema {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		if _, err := dataset.ParseKind(g.Schema[c]); err != nil {
			return errf("schema.%s: %v", c, err)
		}
	}
	names := make([]string, 0, len(g.Features))
	for n := range g.Features {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l := g.Features[n]
		w, f := l.PSIWarn, l.PSIFail
		if w == 0 {
			w = g.PSIWarn
		}
		if f == 0 {
			f = g.PSIFail
		}
		if err := psiLimits(w, f); err != nil {
			return errf("features.%s: %v", n, err)
		}
	}
	return nil
}

// psiLimits checks a pair of PSI thresholds; zero means the default
// (0.2, 0.3).
func psiLimits(warn, fail float64) error {
	if warn < 0 || fail < 0 {
		return fmt.Errorf("psi thresholds must not be negative (psi_warn %g, psi_fail %g)", warn, fail)
	}
	if warn == 0 {
		warn = 0.2
	}
	if fail == 0 {
		fail = 0.3
	}
	if warn > fail {
		return fmt.Errorf("psi_warn %g is above psi_fail %g, expected psi_warn ≤ psi_fail", warn, fail)
	}
	return nil
}
