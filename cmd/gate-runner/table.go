package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// printTable prints a report for a terminal or a CI log.
func printTable(w io.Writer, r *gate.Report) {
	for i, g := range r.Gates {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s  %s\n", g.Title, strings.ToUpper(string(g.Status)), g.Summary)
		for _, n := range g.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		if len(g.Checks) == 0 {
			continue
		}
		bl, cl := g.BaselineLabel, g.CandidateLabel
		if bl == "" {
			bl = "production"
		}
		if cl == "" {
			cl = "candidate"
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		if hasBaseline(g.Checks) {
			fmt.Fprintf(tw, "  check\t%s\t%s\tdelta\tratio\trule\tstatus\n", bl, cl)
			for _, c := range g.Checks {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, num(c.Baseline), value(c), num(c.Delta), pct(c.Ratio), c.Rule, c.Status)
			}
		} else {
			fmt.Fprintf(tw, "  check\tvalue\trule\tstatus\n")
			for _, c := range g.Checks {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, value(c), c.Rule, c.Status)
			}
		}
		tw.Flush()
		for _, c := range g.Checks {
			if c.Message != "" && c.Status != gate.Pass {
				fmt.Fprintf(w, "  %s %s: %s\n", strings.ToUpper(string(c.Status)), c.Name, c.Message)
			}
		}
	}
	st := r.Overall()
	fmt.Fprintf(w, "\nOverall: %s\n", strings.ToUpper(string(st)))
}

// value is a check's value: its Observed words, else its Candidate.
func value(c gate.Check) string {
	if c.Observed != "" {
		return c.Observed
	}
	return num(c.Candidate)
}

func num(p *float64) string {
	if p == nil {
		return "-"
	}
	return gate.FormatNumber(*p)
}

func pct(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *p*100)
}

func hasBaseline(cs []gate.Check) bool {
	for _, c := range cs {
		if c.Baseline != nil {
			return true
		}
	}
	return false
}
