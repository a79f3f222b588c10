package abtest

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Decision is Gate 4's verdict on the challenger.
type Decision string

// The decisions.
const (
	Promote  Decision = "promote"
	Continue Decision = "continue"
	Rollback Decision = "rollback"
)

// Details is the A/B gate's Result.Details: the decision and the numbers
// behind it.
type Details struct {
	Decision         Decision          `json:"decision"`
	Reasons          []string          `json:"reasons"`
	Source           string            `json:"source,omitempty"`
	Start            time.Time         `json:"start"`
	End              time.Time         `json:"end"`
	ElapsedHours     float64           `json:"elapsed_hours"`
	MinDurationHours float64           `json:"min_duration_hours"`
	HoursLeft        float64           `json:"hours_left"`
	Split            float64           `json:"split"`
	Units            [2]float64        `json:"units"`
	SRM              *SRM              `json:"srm,omitempty"`
	Alpha            float64           `json:"alpha"`
	Power            float64           `json:"power"`
	Sequential       bool              `json:"sequential"`
	Metrics          []MetricResult    `json:"metrics"`
	Guardrails       []GuardrailResult `json:"guardrails,omitempty"`
}

// MetricResult is one business metric's numbers.
type MetricResult struct {
	Name        string    `json:"name"`
	Kind        Kind      `json:"kind"`
	Control     float64   `json:"control"`
	Challenger  float64   `json:"challenger"`
	NControl    float64   `json:"n_control"`
	NChallenger float64   `json:"n_challenger"`
	Lift        *Interval `json:"lift,omitempty"`
	Test        string    `json:"test"`
	Statistic   *float64  `json:"statistic,omitempty"`
	P           *float64  `json:"p,omitempty"`
	// MannWhitneyP is beside Welch's p for means with raw values.
	MannWhitneyP *float64 `json:"mann_whitney_p,omitempty"`
	// SequentialP is the mSPRT's always-valid p-value over Looks looks.
	SequentialP *float64 `json:"sequential_p,omitempty"`
	Looks       int      `json:"looks"`
	// RequiredControl and RequiredChallenger are the group sizes the
	// power calculation asks for.
	RequiredControl    *float64 `json:"required_control,omitempty"`
	RequiredChallenger *float64 `json:"required_challenger,omitempty"`
	// Verdict is better, worse, no significant change, or no data.
	Verdict string `json:"verdict"`
	Error   string `json:"error,omitempty"`
}

// GuardrailResult is one guardrail's numbers.
type GuardrailResult struct {
	Name       string   `json:"name"`
	Control    *float64 `json:"control,omitempty"`
	Challenger *float64 `json:"challenger,omitempty"`
	Limit      *float64 `json:"limit,omitempty"`
	OK         bool     `json:"ok"`
	Message    string   `json:"message,omitempty"`
}

// The metric verdicts.
const (
	Better   = "better"
	Worse    = "worse"
	NoChange = "no significant change"
	NoData   = "no data"
)

// Decide is Gate 4. It rolls back on a sample-ratio mismatch, a guardrail
// breach or a metric significantly worse (at once in sequential mode, at the
// planned horizon otherwise); it continues while the minimum duration or
// the power calculation's sample size is not reached or data are missing;
// otherwise it promotes: every metric better or not significantly changed.
func Decide(in Input) gate.Result {
	res := gate.Result{Gate: "abtest", Title: "Gate 4: online A/B test"}
	pending := in.ContinueStatus
	if pending == "" {
		pending = gate.Fail
	}
	d := &Details{Source: in.Source, Start: in.Start, End: in.End, Split: in.Split, Units: in.Units,
		Alpha: in.Alpha, Power: in.Power, Sequential: in.Sequential,
		MinDurationHours: in.MinDuration.Hours()}
	var rollback, wait []string

	// Duration.
	elapsed := in.End.Sub(in.Start)
	d.ElapsedHours = elapsed.Hours()
	dur := gate.Check{Name: "duration", Rule: fmt.Sprintf("≥ %s h (min_duration)", gate.FormatNumber(in.MinDuration.Hours())),
		Candidate: gate.F(round(elapsed.Hours(), 2)), Threshold: gate.F(in.MinDuration.Hours()), Status: gate.Pass}
	durationOK := elapsed >= in.MinDuration
	if !durationOK {
		d.HoursLeft = math.Ceil((in.MinDuration-elapsed).Hours()*10) / 10
		dur.Status = pending
		dur.Message = fmt.Sprintf("the test has run %.1f h of %s h: %.1f h left", elapsed.Hours(), gate.FormatNumber(in.MinDuration.Hours()), d.HoursLeft)
		wait = append(wait, dur.Message)
	}
	res.Checks = append(res.Checks, dur)

	// Sample ratio.
	if in.Units[0]+in.Units[1] > 0 {
		srm, err := SampleRatio(in.Units[:], []float64{1 - in.Split, in.Split})
		c := gate.Check{Name: "sample ratio", Rule: fmt.Sprintf("challenger share matches split %s (χ² p ≥ %s)", gate.FormatNumber(in.Split), gate.FormatNumber(SRMAlpha)),
			Threshold: gate.F(in.Split), Status: gate.Pass}
		switch {
		case err != nil:
			c.Status, c.Message = gate.Fail, err.Error()
			rollback = append(rollback, "sample-ratio check impossible: "+err.Error())
		default:
			d.SRM = &srm
			c.Candidate = gate.F(srm.Shares[1])
			c.Message = fmt.Sprintf("%s control and %s challenger units: χ² = %s, p %s", gate.FormatNumber(in.Units[0]), gate.FormatNumber(in.Units[1]), gate.FormatNumber(srm.ChiSquare), FormatP(srm.P))
			if srm.Mismatch {
				c.Status = gate.Fail
				c.Message = "sample ratio mismatch: " + c.Message + "; the split is broken and the results cannot be trusted"
				rollback = append(rollback, fmt.Sprintf("sample ratio mismatch (challenger share %s, configured %s, p %s)", pct(srm.Shares[1]), pct(in.Split), FormatP(srm.P)))
			}
		}
		res.Checks = append(res.Checks, c)
	}

	// Metrics.
	samplesOK := true
	var early []string
	for _, m := range in.Metrics {
		mr, checks, enough := evalMetric(in, m, pending)
		d.Metrics = append(d.Metrics, mr)
		res.Checks = append(res.Checks, checks...)
		switch {
		case mr.Verdict == NoData:
			wait = append(wait, fmt.Sprintf("no data for %s", m.Name))
		case !enough:
			samplesOK = false
		}
		if mr.Verdict == Worse {
			early = append(early, m.Name)
		}
	}
	if !samplesOK {
		wait = append(wait, "the sample size the power calculation asks for is not reached")
	}
	horizon := durationOK && samplesOK
	for _, n := range early {
		if in.Sequential || horizon {
			rollback = append(rollback, n+" is significantly worse")
			for i := range res.Checks {
				if res.Checks[i].Name == n {
					res.Checks[i].Status = gate.Fail
				}
			}
		}
	}
	if len(early) > 0 && !in.Sequential && !horizon {
		res.Notes = append(res.Notes, fmt.Sprintf("%s looks worse, but a fixed-horizon test is only valid at its planned end; set sequential: true to stop early safely.", strings.Join(early, ", ")))
	}

	// Guardrails.
	for _, g := range in.Guardrails {
		gr, c := evalGuardrail(g)
		d.Guardrails = append(d.Guardrails, gr)
		if !gr.OK && g.Err == nil {
			rollback = append(rollback, "guardrail "+gr.Message)
		} else if !gr.OK {
			c.Status = pending
			wait = append(wait, "guardrail "+gr.Message)
		}
		res.Checks = append(res.Checks, c)
	}

	switch {
	case len(rollback) > 0:
		d.Decision, d.Reasons, res.Status = Rollback, rollback, gate.Fail
	case len(wait) > 0:
		d.Decision, d.Reasons, res.Status = Continue, wait, pending
	default:
		d.Decision, res.Status = Promote, gate.Pass
		d.Reasons = []string{"every metric improved or did not change significantly, guardrails held"}
	}
	res.Details = d
	res.Finish()
	res.Summary = summary(d)
	for _, m := range d.Metrics {
		if m.Verdict != NoData {
			res.Notes = append(res.Notes, fmt.Sprintf("%s (control %s, challenger %s): %s.", m.Name, gate.FormatNumber(m.Control), gate.FormatNumber(m.Challenger), metricMessage(m, in.Sequential)))
		}
	}
	if d.SRM != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("Sample ratio: %s control and %s challenger units (challenger %s, configured %s), χ² = %s, p %s.",
			gate.FormatNumber(in.Units[0]), gate.FormatNumber(in.Units[1]), pct(d.SRM.Shares[1]), pct(in.Split), gate.FormatNumber(d.SRM.ChiSquare), FormatP(d.SRM.P)))
	}
	if in.Sequential {
		res.Notes = append(res.Notes, "Sequential mode: p-values are the mSPRT's always-valid p-values (normal mixture, Johari et al.), safe to look at any time.")
	}
	res.Notes = append(res.Notes, "Lift intervals: delta method, 95%.")
	res.Charts = liftChart(d)
	return res
}

func summary(d *Details) string {
	s := fmt.Sprintf("Decision: %s: %s.", d.Decision, strings.Join(d.Reasons, "; "))
	if d.Decision == Continue && d.HoursLeft > 0 {
		s += fmt.Sprintf(" Look again in %.1f h.", d.HoursLeft)
	}
	return s
}

func pct(v float64) string { return gate.FormatNumber(round(v*100, 3)) + "%" }

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func liftChart(d *Details) []gate.Chart {
	ch := gate.Chart{Title: "Relative lift of the challenger, % (95% CI)", Kind: gate.Bars}
	est, lo, hi := gate.Series{Name: "lift %"}, gate.Series{Name: "CI low %"}, gate.Series{Name: "CI high %"}
	for _, m := range d.Metrics {
		if m.Lift == nil {
			continue
		}
		ch.Labels = append(ch.Labels, m.Name)
		est.Values = append(est.Values, 100*m.Lift.Estimate)
		lo.Values = append(lo.Values, 100*m.Lift.Low)
		hi.Values = append(hi.Values, 100*m.Lift.High)
	}
	if len(ch.Labels) == 0 {
		return nil
	}
	ch.Series = []gate.Series{lo, est, hi}
	return []gate.Chart{ch}
}
