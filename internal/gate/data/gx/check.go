package gx

import (
	"fmt"
	"math"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Limits on what a check carries: the observed value in the report's
// table, examples of unexpected values, the raw result of an unknown type.
const (
	maxObserved = 120
	maxExamples = 10
	maxRaw      = 2000
)

// Checks turns every expectation of every run into a check, in the
// file's order, and says in a note per run what it was and how it went.
// Check names are "TARGET: TYPE" (a column, columns or "table"), led by
// the run ("SUITE: " or "run N: ") when the file holds several, and made
// unique with " (2)", " (3)"….
func (r *Results) Checks() ([]gate.Check, []string) {
	var checks []gate.Check
	var notes []string
	seen := map[string]int{}
	suites := map[string]int{}
	for _, run := range r.Runs {
		suites[run.Suite]++
	}
	for i := range r.Runs {
		run := &r.Runs[i]
		lead := ""
		if len(r.Runs) > 1 {
			switch {
			case run.Suite == "":
				lead = fmt.Sprintf("run %d: ", i+1)
			case suites[run.Suite] > 1:
				lead = fmt.Sprintf("%s (run %d): ", run.Suite, i+1)
			default:
				lead = run.Suite + ": "
			}
		}
		count := map[gate.Status]int{}
		for j := range run.Expectations {
			c := check(run, &run.Expectations[j])
			c.Name = lead + c.Name
			if n := seen[c.Name]; n > 0 {
				seen[c.Name]++
				c.Name = fmt.Sprintf("%s (%d)", c.Name, n+1)
			} else {
				seen[c.Name] = 1
			}
			count[c.Status]++
			checks = append(checks, c)
		}
		notes = append(notes, runNote(r, run, i, count))
	}
	return checks, notes
}

func runNote(r *Results, run *Run, i int, count map[gate.Status]int) string {
	var what []string
	if run.Suite != "" {
		what = append(what, "suite "+run.Suite)
	}
	if run.RunName != "" {
		what = append(what, "run "+run.RunName)
	}
	if run.RunTime != "" {
		what = append(what, "at "+run.RunTime)
	}
	if run.GEVersion != "" {
		what = append(what, "Great Expectations "+run.GEVersion)
	}
	head := "Great Expectations " + r.Form + " " + r.File
	if len(r.Runs) > 1 {
		head += fmt.Sprintf(", run %d of %d", i+1, len(r.Runs))
	}
	if len(what) > 0 {
		head += " (" + strings.Join(what, ", ") + ")"
	}
	return fmt.Sprintf("%s: %d expectations, %d passed, %d failed, %d warned.", head, len(run.Expectations),
		count[gate.Pass], count[gate.Fail], count[gate.Warn])
}

// check is one expectation's check.
func check(run *Run, x *Expectation) gate.Check {
	sp, isKnown := known[x.Type]
	c := gate.Check{Name: target(x) + ": " + x.Type, Rule: ruleText(x), Status: gate.Pass}
	var detail string
	res := x.Result
	switch {
	case x.Exception != "":
		c.Observed = "exception"
		detail = "Great Expectations raised an exception: " + x.Exception
	case !isKnown:
		c.Observed = compact(res, maxObserved)
		if n, ok := toFloat(res["observed_value"]); ok {
			c.Candidate = gate.F(n)
		}
		detail = fmt.Sprintf("expectation type %s is not one mlgate knows; its result as Great Expectations wrote it: %s", x.Type, compact(res, maxRaw))
	case res["unexpected_count"] != nil:
		detail = unexpected(&c, x)
	case hasKey(res, "observed_value"):
		detail = observed(&c, x, sp.obs)
	case sp.obs == obsExist:
		c.Observed = "present"
		if x.Success != nil && !*x.Success {
			c.Observed = "absent"
			detail = "column " + target(x) + " is missing"
		}
	default:
		c.Observed = "—"
		detail = "Great Expectations wrote no details of the result (result_format BOOLEAN_ONLY?)"
	}
	if x.Success != nil && *x.Success {
		if !isKnown {
			c.Message = detail
		}
		return c
	}
	sev := severityOf(run, x)
	st, note := sev.Status()
	c.Status = st
	msg := target(x) + ": " + detail + "; expected " + c.Rule
	if st == gate.Warn {
		msg += fmt.Sprintf(" (severity %s in %s: a warning)", sev.Value, sev.Key)
	}
	if note != "" {
		msg += "; " + note
	}
	c.Message = msg
	return c
}

// unexpected renders a column map expectation's result: how many values
// were unexpected, of how many, and examples.
func unexpected(c *gate.Check, x *Expectation) string {
	res := obj{m: x.Result}
	n, _, _ := res.number("unexpected_count")
	total, hasTotal, _ := res.number("element_count")
	missing, hasMissing, _ := res.number("missing_count")
	pct, hasPct, _ := res.number("unexpected_percent_nonmissing")
	if !hasPct {
		pct, hasPct, _ = res.number("unexpected_percent")
	}
	of := ""
	switch {
	case hasTotal && hasMissing && missing > 0:
		of = " of " + num(total-missing) + " non-missing"
		if !hasPct && total-missing > 0 {
			pct, hasPct = 100*n/(total-missing), true
		}
	case hasTotal:
		of = " of " + num(total)
		if !hasPct && total > 0 {
			pct, hasPct = 100*n/total, true
		}
	}
	obs := num(n) + of + " unexpected"
	if hasPct {
		obs += " (" + num(pct) + "%)"
		c.Candidate = gate.F(pct / 100)
	}
	c.Observed = obs
	if m, ok := toFloat(x.Kwargs["mostly"]); ok {
		c.Threshold = gate.F(1 - m)
	}
	d := obs
	if hasMissing && missing > 0 {
		d += ", " + num(missing) + " missing"
	}
	if ex := examples(res); ex != "" {
		d += "; e.g. " + ex
	}
	return d
}

// examples lists the first unexpected values: partial_unexpected_counts
// (value and count) when given, else partial_unexpected_list.
func examples(res obj) string {
	var parts []string
	total := 0
	if l, _, _ := res.list("partial_unexpected_counts"); len(l) > 0 {
		total = len(l)
		for _, e := range l {
			if len(parts) == maxExamples {
				break
			}
			m, _ := e.(map[string]any)
			cnt, _ := toFloat(m["count"])
			parts = append(parts, fmt.Sprintf("%s (%s×)", quoted(m["value"]), num(cnt)))
		}
	} else if l, _, _ := res.list("partial_unexpected_list"); len(l) > 0 {
		total = len(l)
		for _, e := range l {
			if len(parts) == maxExamples {
				break
			}
			parts = append(parts, quoted(e))
		}
	}
	if total > len(parts) {
		parts = append(parts, fmt.Sprintf("and %d more", total-len(parts)))
	}
	return strings.Join(parts, ", ")
}

// observed renders an aggregate expectation's observed_value.
func observed(c *gate.Check, x *Expectation, how observer) string {
	v := x.Result["observed_value"]
	details, _ := x.Result["details"].(map[string]any)
	if f, ok := toFloat(v); ok {
		c.Candidate = gate.F(f)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			c.Observed = valueText(v, 0)
		}
		if t, ok := toFloat(x.Kwargs["threshold"]); ok {
			c.Threshold = gate.F(t)
		}
		return "observed " + valueText(v, 0)
	}
	switch how {
	case obsColumnsOrdered, obsColumnsSet:
		c.Observed = fmt.Sprintf("%s columns: %s", count(v), listText(v, 8))
		return c.Observed + mismatches(details)
	case obsDistinctSubset, obsDistinctSuperset, obsDistinctEqual:
		c.Observed = fmt.Sprintf("%s distinct: %s", count(v), valueCounts(v, details))
		return c.Observed + setDiff(v, x.Kwargs["value_set"], how)
	case obsQuantiles:
		c.Observed = quantiles(v)
		return c.Observed + failedQuantiles(v, details)
	case obsOtherTable:
		if m, ok := v.(map[string]any); ok {
			c.Observed = fmt.Sprintf("%s rows, the other table %s", valueText(m["self"], 0), valueText(m["other"], 0))
			return c.Observed
		}
	}
	c.Observed = valueText(v, maxExamples)
	return "observed " + valueText(v, maxExamples)
}
