package config

import (
	"fmt"
	"time"
)

// ABTestGate configures Gate 4, the online A/B test. The data come from
// Prometheus (PromQL templates per metric, with {{variant}} for the group's
// label value and {{window}} for the time since Start) or from an events
// file with one row per unit (user or session).
type ABTestGate struct {
	Prometheus *Prometheus `yaml:"prometheus"`
	// Events is a CSV, JSON Lines or Parquet file (optionally .gz) with a
	// variant column and the metric columns; it replaces Prometheus.
	Events string `yaml:"events"`
	// Variant is the label (Prometheus) or column (events) that names the
	// group; default "variant".
	Variant string `yaml:"variant"`
	// Control and Challenger are the groups' values of Variant; default
	// "control" and "challenger".
	Control    string `yaml:"control"`
	Challenger string `yaml:"challenger"`
	// Split is the challenger's configured share of units; default 0.1.
	Split float64 `yaml:"split"`
	// Start is when the challenger began to get traffic (RFC 3339);
	// required with Prometheus; with events the first timestamp when
	// Timestamp is set.
	Start Time `yaml:"start"`
	// End is the end of the data (RFC 3339); empty means now (or the last
	// timestamp of the events).
	End Time `yaml:"end"`
	// Unit is the events file's unit id column (user_id); empty means each
	// row is a unit. With it a unit's rows are summed per metric, and
	// units found in both groups are left out.
	Unit string `yaml:"unit"`
	// Timestamp is the events file's time column (RFC 3339 or Unix
	// seconds); with it the sequential mode looks every LookEvery.
	Timestamp string `yaml:"timestamp"`
	// MinDuration is the shortest test; default 48h.
	MinDuration time.Duration `yaml:"min_duration"`
	// Alpha is the significance level (default 0.05) and Power the power
	// the sample size is computed for (default 0.8).
	Alpha float64 `yaml:"alpha"`
	Power float64 `yaml:"power"`
	// Sequential uses the mSPRT's always-valid p-values over looks every
	// LookEvery (default 24h) from Start.
	Sequential bool          `yaml:"sequential"`
	LookEvery  time.Duration `yaml:"look_every"`
	// Units is a PromQL template counting units per group for the
	// sample-ratio check; empty: the first proportion metric's
	// denominator. With events, units are rows.
	Units string `yaml:"units"`
	// OnContinue is the gate status of a "continue" decision: fail (the
	// default, so that a promotion job does not run) or warn.
	OnContinue string `yaml:"on_continue"`
	// Metrics are the business metrics (at least one).
	Metrics []ABMetric `yaml:"metrics"`
	// Guardrails can veto a promotion.
	Guardrails []ABGuardrail `yaml:"guardrails"`
}

// ABMetric is one business metric of the A/B test.
type ABMetric struct {
	Name string `yaml:"name"`
	// Kind is proportion (CTR, conversion: z-test) or mean (Welch t-test
	// and Mann–Whitney U).
	Kind string `yaml:"kind"`
	// Numerator and Denominator are PromQL templates of a proportion's
	// successes and trials per group (Prometheus).
	Numerator   string `yaml:"numerator"`
	Denominator string `yaml:"denominator"`
	// Query is a PromQL range-query template of a mean metric: its
	// samples over the test are each group's values (Prometheus). Here
	// {{window}} is the range query's step (a 500th of the test, at least
	// 10m), so that rates over it do not overlap.
	Query string `yaml:"query"`
	// Column is the events column: a 0/1 outcome or a count of successes
	// (proportion; trials are DenominatorColumn's sum, else rows), or the
	// value (mean).
	Column            string `yaml:"column"`
	DenominatorColumn string `yaml:"denominator_column"`
	// MDE is the relative minimum detectable effect for the power
	// calculation and the mSPRT; default 0.05.
	MDE float64 `yaml:"mde"`
	// HigherIsBetter: default true.
	HigherIsBetter *bool `yaml:"higher_is_better"`
}

// ABGuardrail is a health metric that can veto a promotion.
type ABGuardrail struct {
	Name string `yaml:"name"`
	// Query is a PromQL template of the value per group (Prometheus);
	// Column the events column whose mean is the value.
	Query  string `yaml:"query"`
	Column string `yaml:"column"`
	// Max bounds the challenger's value; MaxIncrease bounds it relative to
	// the control's (0.1: at most 10% worse). At least one is set.
	Max         *float64 `yaml:"max"`
	MaxIncrease *float64 `yaml:"max_increase"`
	// HigherIsBetter: default false (latency, error rate).
	HigherIsBetter *bool `yaml:"higher_is_better"`
}

// Defaults fills the zero values with their defaults.
func (g *ABTestGate) Defaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&g.Variant, "variant")
	def(&g.Control, "control")
	def(&g.Challenger, "challenger")
	def(&g.OnContinue, "fail")
	if g.Split == 0 {
		g.Split = 0.1
	}
	if g.MinDuration == 0 {
		g.MinDuration = 48 * time.Hour
	}
	if g.Alpha == 0 {
		g.Alpha = 0.05
	}
	if g.Power == 0 {
		g.Power = 0.8
	}
	if g.LookEvery == 0 {
		g.LookEvery = 24 * time.Hour
	}
	for i := range g.Metrics {
		if g.Metrics[i].MDE == 0 {
			g.Metrics[i].MDE = 0.05
		}
	}
}

func (g *ABTestGate) validate(file string) error {
	if g == nil {
		return nil
	}
	g.Defaults()
	bad := func(format string, a ...any) error {
		return &Error{File: file, Msg: "gates.abtest." + fmt.Sprintf(format, a...)}
	}
	if err := g.Prometheus.validate(file, "gates.abtest.prometheus"); err != nil {
		return err
	}
	switch {
	case g.Split <= 0 || g.Split >= 1:
		return bad("split is %v, expected the challenger's share in (0, 1), e.g. 0.1", g.Split)
	case g.Alpha <= 0 || g.Alpha >= 0.5:
		return bad("alpha is %v, expected a level in (0, 0.5), e.g. 0.05", g.Alpha)
	case g.Power <= g.Alpha || g.Power >= 1:
		return bad("power is %v, expected a number in (alpha, 1), e.g. 0.8", g.Power)
	case g.MinDuration < 0 || g.LookEvery < 0:
		return bad("min_duration and look_every must be positive durations such as 48h")
	case g.OnContinue != "fail" && g.OnContinue != "warn":
		return bad("on_continue is %q, expected fail or warn", g.OnContinue)
	case g.Control == g.Challenger:
		return bad("control and challenger are both %q, expected two different groups", g.Control)
	case len(g.Metrics) == 0:
		return bad("metrics is empty, expected at least one business metric (e.g. ctr)")
	}
	if err := g.Start.check(file, "gates.abtest.start"); err != nil {
		return err
	}
	if err := g.End.check(file, "gates.abtest.end"); err != nil {
		return err
	}
	if g.End != "" && g.Start != "" && !g.End.Value().After(g.Start.Value()) {
		return bad("end %s is not after start %s", g.End, g.Start)
	}
	events := g.Events != ""
	for i, m := range g.Metrics {
		p := fmt.Sprintf("metrics[%d]", i)
		if m.Name == "" {
			return bad("%s has no name", p)
		}
		if m.MDE <= 0 || m.MDE >= 10 {
			return bad("%s.mde is %v, expected a relative effect such as 0.05 (5%%)", p, m.MDE)
		}
		if m.Kind != "proportion" && m.Kind != "mean" {
			return bad("%s.kind is %q, expected proportion or mean", p, m.Kind)
		}
		if err := m.sourceCheck(events); err != nil {
			return bad("%s (%s): %v", p, m.Name, err)
		}
	}
	for i, gr := range g.Guardrails {
		p := fmt.Sprintf("guardrails[%d]", i)
		switch {
		case gr.Name == "":
			return bad("%s has no name", p)
		case gr.Max == nil && gr.MaxIncrease == nil:
			return bad("%s (%s) sets no limit: expected max or max_increase", p, gr.Name)
		case gr.MaxIncrease != nil && *gr.MaxIncrease < 0:
			return bad("%s.max_increase is %v, expected a number ≥ 0", p, *gr.MaxIncrease)
		}
		if err := gr.SourceCheck(events); err != nil {
			return bad("%s (%s): %v", p, gr.Name, err)
		}
	}
	return nil
}

// SourceCheck says what the metric lacks for the events file (events
// true) or for Prometheus.
func (m ABMetric) SourceCheck(events bool) error {
	switch {
	case events && m.Column == "":
		return fmt.Errorf("with an events file a metric needs a column")
	case events:
		return nil
	case m.Kind == "proportion" && (m.Numerator == "" || m.Denominator == ""):
		return fmt.Errorf("a proportion needs numerator and denominator PromQL templates (or a column and an events file)")
	case m.Kind == "mean" && m.Query == "":
		return fmt.Errorf("a mean needs a query, a PromQL range-query template (or a column and an events file)")
	}
	return nil
}

// sourceCheck lets a metric that suits either source pass while the
// events file may still come from the --events flag.
func (m ABMetric) sourceCheck(events bool) error {
	if !events && m.Column != "" {
		return nil
	}
	return m.SourceCheck(events)
}

// SourceCheck says what the guardrail lacks for the events file (events
// true) or for Prometheus.
func (gr ABGuardrail) SourceCheck(events bool) error {
	switch {
	case events && gr.Column == "":
		return fmt.Errorf("with an events file a guardrail needs a column")
	case !events && gr.Query == "" && gr.Column == "":
		return fmt.Errorf("a guardrail needs a query (PromQL template) or a column (events file)")
	}
	return nil
}
