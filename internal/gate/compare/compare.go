package compare

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Side names where a set of metrics came from, for messages: "candidate
// (metrics/candidate.json)".
type Side struct {
	Metrics gate.Metrics
	// Source says where the metrics came from, in a few words.
	Source string
}

// Compare is Gate 3: it holds the candidate's metrics to the rules, against
// the baseline's where there is one. A nil baseline means there is no
// production model yet: only absolute bounds (min, max) apply and the result
// says so.
func Compare(candidate Side, baseline *Side, rules []gate.Rule) gate.Result {
	res := gate.Result{Gate: "compare", Title: "Gate 3: offline metrics"}
	if baseline == nil {
		res.Notes = append(res.Notes, "No baseline yet (first model): only absolute bounds (min, max) were applied; relative rules were skipped.")
	}
	for _, r := range rules {
		res.Checks = append(res.Checks, applyRule(r, candidate, baseline)...)
	}
	res.Finish()
	if len(rules) == 0 {
		res.Status = gate.Skip
		res.Summary = "No rules configured."
		return res
	}
	res.Summary = summarize(res)
	res.Charts = compareChart(rules, candidate, baseline)
	return res
}

func summarize(res gate.Result) string {
	var failed, warned []string
	for _, c := range res.Checks {
		switch c.Status {
		case gate.Fail:
			failed = append(failed, c.Name)
		case gate.Warn:
			warned = append(warned, c.Name)
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Sprintf("%d of %d checks failed: %s.", len(failed), len(res.Checks), strings.Join(uniq(failed), ", "))
	case len(warned) > 0:
		return fmt.Sprintf("All checks passed, %d with a warning: %s.", len(warned), strings.Join(uniq(warned), ", "))
	}
	return fmt.Sprintf("All %d checks passed.", len(res.Checks))
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func applyRule(r gate.Rule, cand Side, base *Side) []gate.Check {
	bad := gate.Fail
	if r.Severity == gate.Warn {
		bad = gate.Warn
	}
	cv, haveC := cand.Metrics[r.Metric]
	var bv float64
	haveB := false
	if base != nil {
		bv, haveB = base.Metrics[r.Metric]
	}
	proto := gate.Check{Name: r.Metric}
	if haveC {
		proto.Candidate = gate.F(cv)
	}
	if haveB {
		proto.Baseline = gate.F(bv)
	}
	if haveC && haveB {
		proto.Delta = gate.F(cv - bv)
		if bv != 0 {
			proto.Ratio = gate.F(cv / bv)
		}
	}
	dir := "higher is better"
	if !r.Higher() {
		dir = "lower is better"
	}

	var out []gate.Check
	add := func(rule string, threshold float64, relative bool, ok func(c float64) bool) {
		c := proto
		c.Rule = rule
		c.Threshold = gate.F(threshold)
		switch {
		case !haveC:
			c.Status = gate.Fail
			c.Message = fmt.Sprintf("metric %s is missing from the candidate (%s)", r.Metric, cand.Source)
		case relative && base == nil:
			c.Status = gate.Skip
			c.Message = "no baseline yet: relative rule not applied"
		case relative && !haveB:
			c.Status = gate.Fail
			c.Message = fmt.Sprintf("metric %s is missing from the baseline (%s)", r.Metric, base.Source)
		case math.IsNaN(cv):
			c.Status = bad
			c.Message = fmt.Sprintf("candidate %s is NaN", r.Metric)
		case relative && math.IsNaN(bv):
			c.Status = bad
			c.Message = fmt.Sprintf("baseline %s is NaN", r.Metric)
		case ok(cv):
			c.Status = gate.Pass
		default:
			c.Status = bad
			if relative {
				c.Message = fmt.Sprintf("candidate %s is %s (production %s); required: %s", r.Metric, num(cv), num(bv), rule)
			} else {
				c.Message = fmt.Sprintf("candidate %s is %s; required: %s", r.Metric, num(cv), rule)
			}
		}
		out = append(out, c)
	}

	if r.Min != nil {
		m := *r.Min
		add(fmt.Sprintf("≥ %s (min)", num(m)), m, false, func(c float64) bool { return c >= m })
	}
	if r.Max != nil {
		m := *r.Max
		add(fmt.Sprintf("≤ %s (max)", num(m)), m, false, func(c float64) bool { return c <= m })
	}
	if r.MinRatio != nil {
		q := *r.MinRatio
		var t float64
		var text string
		if r.Higher() {
			t = bv - (1-q)*math.Abs(bv)
			text = fmt.Sprintf("≥ %s of production (min_ratio %s)", pct(q), num(q))
		} else {
			t = bv + (1/q-1)*math.Abs(bv)
			text = fmt.Sprintf("≤ production / %s (min_ratio %s, %s)", num(q), num(q), dir)
		}
		add(text, t, true, within(t, r.Higher()))
	}
	if r.MaxDrop != nil {
		d := *r.MaxDrop
		t := bv - d
		if !r.Higher() {
			t = bv + d
		}
		add(fmt.Sprintf("worse than production by at most %s (max_drop, %s)", num(d), dir), t, true, within(t, r.Higher()))
	}
	if r.MinDelta != nil {
		d := *r.MinDelta
		t := bv + d
		if !r.Higher() {
			t = bv - d
		}
		add(fmt.Sprintf("better than production by at least %s (min_delta, %s)", num(d), dir), t, true, within(t, r.Higher()))
	}
	return out
}

// within returns the test "c is on the good side of t".
func within(t float64, higher bool) func(float64) bool {
	if higher {
		return func(c float64) bool { return c >= t }
	}
	return func(c float64) bool { return c <= t }
}

func compareChart(rules []gate.Rule, cand Side, base *Side) []gate.Chart {
	seen := map[string]bool{}
	var names []string
	for _, r := range rules {
		if !seen[r.Metric] {
			seen[r.Metric] = true
			names = append(names, r.Metric)
		}
	}
	sort.Strings(names)
	ch := gate.Chart{Title: "Candidate vs production", Kind: gate.Bars, Labels: names}
	cs := gate.Series{Name: "candidate"}
	bs := gate.Series{Name: "production"}
	for _, n := range names {
		cs.Values = append(cs.Values, valueOr(cand.Metrics, n))
		if base != nil {
			bs.Values = append(bs.Values, valueOr(base.Metrics, n))
		}
	}
	if base != nil {
		ch.Series = append(ch.Series, bs)
	}
	ch.Series = append(ch.Series, cs)
	return []gate.Chart{ch}
}

func valueOr(m gate.Metrics, k string) float64 {
	if v, ok := m[k]; ok {
		return v
	}
	return math.NaN()
}

// num formats a value for messages: up to 6 significant digits.
func num(v float64) string { return gate.FormatNumber(v) }

func pct(q float64) string { return gate.FormatNumber(q*100) + "%" }
