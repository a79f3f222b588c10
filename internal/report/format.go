package report

import (
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// cell formats an optional number for a table: "—" when absent.
// valueCell is a check's value for a table: its Observed words when it has
// them, else its Candidate number.
func valueCell(c gate.Check) string {
	if c.Observed != "" {
		return c.Observed
	}
	return cell(c.Candidate)
}

func cell(p *float64) string {
	if p == nil {
		return "—"
	}
	return gate.FormatNumber(*p)
}

// deltaCell formats a signed change: "+0.012" or "−0.004".
func deltaCell(p *float64) string {
	if p == nil {
		return "—"
	}
	s := gate.FormatNumber(*p)
	if *p > 0 {
		return "+" + s
	}
	return strings.Replace(s, "-", "−", 1)
}

// ratioCell formats a ratio as a percentage: "96.0%".
func ratioCell(p *float64) string {
	if p == nil {
		return "—"
	}
	return gate.FormatNumber(roundTo(*p*100, 1)) + "%"
}

func roundTo(v float64, digits int) float64 {
	p := 1.0
	for i := 0; i < digits; i++ {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}

// verdictWord is the overall verdict in words.
func verdictWord(s gate.Status) string {
	switch s {
	case gate.Pass:
		return "passed"
	case gate.Warn:
		return "passed with warnings"
	case gate.Fail:
		return "failed"
	}
	return "skipped"
}

// Marker is the hidden line that identifies a report's comment on a merge
// request, so that later pipelines edit it instead of adding another.
func Marker(name string) string {
	if name == "" {
		name = "mlgate"
	}
	return "<!-- mlgate:report:" + name + " -->"
}
