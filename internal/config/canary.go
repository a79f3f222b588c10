package config

import (
	"fmt"
	"time"
)

// CanaryGate configures canary health: PromQL checks with thresholds and
// optional Kayenta-style comparisons of canary against baseline.
type CanaryGate struct {
	Prometheus *Prometheus `yaml:"prometheus"`
	// Window is the time the checks look back over ({{window}} in
	// queries); default 15m.
	Window time.Duration `yaml:"window"`
	// End is the end of the window (RFC 3339); empty means now.
	End Time `yaml:"end"`
	// Step is the range queries' resolution; default window/60, ≥ 15s.
	Step time.Duration `yaml:"step"`
	// Alpha is the Mann–Whitney level of the comparisons; default 0.05.
	Alpha float64 `yaml:"alpha"`
	// NoData is the status of a check without data: warn (default), fail
	// or skip.
	NoData string `yaml:"nodata"`
	// Checks hold PromQL values to bounds (at least one check or compare).
	Checks []CanaryCheck `yaml:"checks"`
	// Compare judges canary against baseline over range-query samples.
	Compare []CanaryCompare `yaml:"compare"`
}

// CanaryCheck is one PromQL value held to bounds: the value must be below
// Max and above Min.
type CanaryCheck struct {
	Name  string   `yaml:"name"`
	Query string   `yaml:"query"`
	Max   *float64 `yaml:"max"`
	Min   *float64 `yaml:"min"`
}

// CanaryCompare is a Kayenta-style comparison: a significant Mann–Whitney
// difference whose ratio of means leaves 1 ± Tolerance is High or Low.
type CanaryCompare struct {
	Name     string `yaml:"name"`
	Canary   string `yaml:"canary"`
	Baseline string `yaml:"baseline"`
	// Tolerance defaults to 0.1.
	Tolerance *float64 `yaml:"tolerance"`
	// Fail is the direction that fails: increase (default), decrease or
	// either.
	Fail string `yaml:"fail"`
}

func (g *CanaryGate) validate(file string) error {
	if g == nil {
		return nil
	}
	bad := func(format string, a ...any) error {
		return &Error{File: file, Msg: "gates.canary." + fmt.Sprintf(format, a...)}
	}
	if err := g.Prometheus.validate(file, "gates.canary.prometheus"); err != nil {
		return err
	}
	if err := g.End.check(file, "gates.canary.end"); err != nil {
		return err
	}
	if g.Window == 0 {
		g.Window = 15 * time.Minute
	}
	if g.Alpha == 0 {
		g.Alpha = 0.05
	}
	if g.NoData == "" {
		g.NoData = "warn"
	}
	switch {
	case g.Window < 0 || g.Step < 0:
		return bad("window and step must be positive durations such as 15m")
	case g.Alpha <= 0 || g.Alpha >= 0.5:
		return bad("alpha is %v, expected a level in (0, 0.5)", g.Alpha)
	case g.NoData != "warn" && g.NoData != "fail" && g.NoData != "skip":
		return bad("nodata is %q, expected warn, fail or skip", g.NoData)
	case len(g.Checks) == 0 && len(g.Compare) == 0:
		return bad("has no checks and no compare: expected at least one, e.g. error rate with max 0.01")
	}
	for i, c := range g.Checks {
		switch {
		case c.Name == "":
			return bad("checks[%d] has no name", i)
		case c.Query == "":
			return bad("checks[%d] (%s) has no query", i, c.Name)
		case c.Max == nil && c.Min == nil:
			return bad("checks[%d] (%s) sets no bound: expected max or min", i, c.Name)
		}
	}
	for i := range g.Compare {
		c := &g.Compare[i]
		if c.Tolerance == nil {
			t := 0.1
			c.Tolerance = &t
		}
		if c.Fail == "" {
			c.Fail = "increase"
		}
		switch {
		case c.Name == "":
			return bad("compare[%d] has no name", i)
		case c.Canary == "" || c.Baseline == "":
			return bad("compare[%d] (%s) needs canary and baseline queries", i, c.Name)
		case *c.Tolerance < 0:
			return bad("compare[%d].tolerance is %v, expected a number ≥ 0", i, *c.Tolerance)
		case c.Fail != "increase" && c.Fail != "decrease" && c.Fail != "either":
			return bad("compare[%d].fail is %q, expected increase, decrease or either", i, c.Fail)
		}
	}
	return nil
}
