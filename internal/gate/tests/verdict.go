package tests

import (
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Totals are the counts of one or more reports.
type Totals struct {
	Tests   int `json:"tests"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Errors  int `json:"errors"`
	Skipped int `json:"skipped"`
}

// Run returns the number of tests that ran (all but the skipped ones).
func (t Totals) Run() int { return t.Tests - t.Skipped }

// Details is the tests gate's Result.Details.
type Details struct {
	Totals   Totals            `json:"totals"`
	Files    map[string]Totals `json:"files"`
	MinTests int               `json:"min_tests"`
}

func totals(r *Report) Totals {
	return Totals{
		Tests:   len(r.Cases),
		Passed:  r.Count(Passed),
		Failed:  r.Count(Failed),
		Errors:  r.Count(Errored),
		Skipped: r.Count(Skipped),
	}
}

// Verdict is Gate 1's verdict on parsed reports: it fails when any test
// failed or errored, or when fewer than minTests tests ran (skipped tests
// do not count as run). It has one check per count and one per failing
// test, with the test's trimmed message.
func Verdict(reports []*Report, minTests int) gate.Result {
	res := gate.Result{Gate: "tests", Title: "Gate 1: tests"}
	det := Details{Files: map[string]Totals{}, MinTests: minTests}
	var failing []gate.Check
	for _, r := range reports {
		t := totals(r)
		det.Files[r.File] = t
		det.Totals.Tests += t.Tests
		det.Totals.Passed += t.Passed
		det.Totals.Failed += t.Failed
		det.Totals.Errors += t.Errors
		det.Totals.Skipped += t.Skipped
		for _, c := range r.Cases {
			if c.Outcome != Failed && c.Outcome != Errored {
				continue
			}
			msg := c.Message
			if c.Type != "" && !strings.Contains(msg, c.Type) {
				msg = strings.TrimSpace(c.Type + ": " + msg)
			}
			if msg == "" {
				msg = "no message"
			}
			failing = append(failing, gate.Check{
				Name:    c.ID(),
				Rule:    "passes",
				Status:  gate.Fail,
				Message: fmt.Sprintf("%s (%s): %s", c.Outcome, r.File, msg),
			})
		}
	}
	tot := det.Totals
	count := func(name, rule string, v, limit int, ok bool, msg string) gate.Check {
		c := gate.Check{Name: name, Rule: rule, Candidate: gate.F(float64(v)), Threshold: gate.F(float64(limit)), Status: gate.Pass}
		if !ok {
			c.Status, c.Message = gate.Fail, msg
		}
		return c
	}
	res.Checks = append(res.Checks,
		count("tests run", fmt.Sprintf("≥ %d (min_tests)", minTests), tot.Run(), minTests, tot.Run() >= minTests,
			fmt.Sprintf("%s ran, expected at least %d", plural(tot.Run(), "test"), minTests)),
		count("failures", "= 0", tot.Failed, 0, tot.Failed == 0, plural(tot.Failed, "test")+" failed"),
		count("errors", "= 0", tot.Errors, 0, tot.Errors == 0, plural(tot.Errors, "test")+" had an error"),
	)
	res.Checks = append(res.Checks, failing...)
	res.Details = det
	res.Finish()
	res.Summary = fmt.Sprintf("%s in %s: %d passed, %d failed, %s, %d skipped.",
		plural(tot.Tests, "test"), plural(len(reports), "file"), tot.Passed, tot.Failed, plural(tot.Errors, "error"), tot.Skipped)
	if tot.Run() < minTests {
		res.Summary += fmt.Sprintf(" Fewer than min_tests = %d ran.", minTests)
	}
	return res
}

// plural returns "1 test" or "n tests".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
