package abtest

import (
	"fmt"
	"math"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// DefaultMDE is the relative minimum detectable effect used when a metric
// sets none.
const DefaultMDE = 0.05

// evalMetric tests one metric and returns its numbers, its checks (the
// test, and the sample size when the power calculation could be made) and
// whether the sample size is reached.
func evalMetric(in Input, m Metric, pending gate.Status) (MetricResult, []gate.Check, bool) {
	mr := MetricResult{Name: m.Name, Kind: m.Kind, Looks: len(m.Looks)}
	noData := func(msg string) (MetricResult, []gate.Check, bool) {
		mr.Verdict, mr.Error = NoData, msg
		return mr, []gate.Check{{Name: m.Name, Rule: "has data", Status: pending, Message: msg}}, false
	}
	if m.Err != nil {
		return noData(m.Err.Error())
	}
	if len(m.Looks) == 0 {
		return noData("no data")
	}
	mde := m.MDE
	if mde == 0 {
		mde = DefaultMDE
	}
	last := m.Looks[len(m.Looks)-1]
	var (
		tr       TestResult
		err      error
		lift     Interval
		liftErr  error
		effect   float64 // standardized effect for the power calculation
		na, nb   float64
		ctl, chl float64
	)
	switch m.Kind {
	case KindProportion:
		mr.Test = "two-proportion z-test"
		tr, err = ProportionZTest(last.A, last.B)
		if err == nil {
			lift, liftErr = ProportionLift(last.A, last.B, 0.95)
			ctl, chl = last.A.Rate(), last.B.Rate()
			na, nb = last.A.Trials, last.B.Trials
			if ctl > 0 && ctl < 1 && ctl*(1+mde) > 0 && ctl*(1+mde) < 1 {
				effect = EffectSizeH(ctl, ctl*(1+mde))
			}
		}
	case KindMean:
		mr.Test = "Welch t-test"
		tr, err = WelchSummary(last.SA, last.SB)
		if err == nil {
			lift, liftErr = MeanLift(last.SA, last.SB, 0.95)
			ctl, chl = last.SA.Mean, last.SB.Mean
			na, nb = last.SA.N, last.SB.N
			if sd := math.Sqrt(last.SA.Var); sd > 0 {
				effect = mde * math.Abs(ctl) / sd
			}
			if len(last.RawA) > 0 && len(last.RawB) > 0 {
				if mw, err := MannWhitney(last.RawA, last.RawB); err == nil {
					mr.MannWhitneyP = gate.F(mw.P)
				}
			}
		}
	default:
		err = fmt.Errorf("%w: metric kind %q, expected proportion or mean", ErrInvalid, m.Kind)
	}
	if err != nil {
		return noData(err.Error())
	}
	mr.Control, mr.Challenger, mr.NControl, mr.NChallenger = ctl, chl, na, nb
	mr.Statistic, mr.P = gate.F(tr.Statistic), gate.F(tr.P)
	if liftErr == nil && !math.IsNaN(lift.Estimate) {
		mr.Lift = &lift
	}
	p := tr.P
	if in.Sequential {
		tau := mde * math.Abs(ctl)
		if tau == 0 {
			tau = mde * math.Sqrt(tr.Var) // no control level yet: scale by the noise
		}
		seq, serr := NewSequential(tau*tau, 0)
		if serr == nil {
			for _, l := range m.Looks {
				if t, e := lookTest(m.Kind, l); e == nil {
					seq.Look(t.Diff, t.Var)
				}
			}
			p = seq.P()
			mr.SequentialP = gate.F(p)
		}
	}
	better := tr.Diff > 0
	if m.Lower {
		better = tr.Diff < 0
	}
	switch {
	case math.IsNaN(p) || p >= in.Alpha || tr.Diff == 0:
		mr.Verdict = NoChange
	case better:
		mr.Verdict = Better
	default:
		mr.Verdict = Worse
	}

	c := gate.Check{Name: m.Name, Rule: fmt.Sprintf("not significantly worse (α = %s, %s)", gate.FormatNumber(in.Alpha), mr.Test),
		Baseline: gate.F(ctl), Candidate: gate.F(chl), Delta: gate.F(chl - ctl), Status: gate.Pass}
	if ctl != 0 {
		c.Ratio = gate.F(chl / ctl)
	}
	c.Message = metricMessage(mr, in.Sequential)
	if mr.Verdict == Worse {
		c.Status = gate.Fail
		if !in.Sequential {
			c.Status = gate.Warn // only valid at the horizon; Decide says which
		}
	}
	checks := []gate.Check{c}

	enough := true
	if effect != 0 {
		ra, rb, perr := requiredFor(effect, in.Alpha, in.Power, in.Split)
		if perr == nil {
			mr.RequiredControl, mr.RequiredChallenger = gate.F(ra), gate.F(rb)
			enough = na >= ra && nb >= rb
			sc := gate.Check{Name: m.Name + " sample size", Rule: fmt.Sprintf("≥ %s control and %s challenger units for a %s change at power %s", gate.FormatNumber(ra), gate.FormatNumber(rb), pct(mde), gate.FormatNumber(in.Power)),
				Candidate: gate.F(nb), Baseline: gate.F(na), Threshold: gate.F(rb), Status: gate.Pass}
			if !enough {
				sc.Status = pending
				sc.Message = fmt.Sprintf("%s control and %s challenger units, power calculation asks for %s and %s", gate.FormatNumber(na), gate.FormatNumber(nb), gate.FormatNumber(ra), gate.FormatNumber(rb))
			}
			checks = append(checks, sc)
		}
	} else {
		enough = false
		checks = append(checks, gate.Check{Name: m.Name + " sample size", Rule: "power calculation", Status: pending,
			Message: "no power calculation yet: the control has no variation (no conversions, or all)"})
	}
	return mr, checks, enough
}

// requiredFor returns the control and challenger sizes for effect size h.
func requiredFor(h, alpha, power, split float64) (float64, float64, error) {
	ratio := split / (1 - split)
	n, err := SampleSize(h, alpha, power, ratio)
	if err != nil {
		return 0, 0, err
	}
	return math.Ceil(n), math.Ceil(ratio * n), nil
}

func lookTest(k Kind, l Look) (TestResult, error) {
	if k == KindProportion {
		return ProportionZTest(l.A, l.B)
	}
	return WelchSummary(l.SA, l.SB)
}

func metricMessage(mr MetricResult, sequential bool) string {
	s := mr.Verdict
	if mr.Lift != nil {
		s += fmt.Sprintf(": lift %s [%s, %s]", pct(mr.Lift.Estimate), pct(mr.Lift.Low), pct(mr.Lift.High))
	}
	if mr.P != nil {
		s += fmt.Sprintf(", %s p %s", mr.Test, FormatP(*mr.P))
	}
	if mr.MannWhitneyP != nil {
		s += fmt.Sprintf(", Mann–Whitney p %s", FormatP(*mr.MannWhitneyP))
	}
	if sequential && mr.SequentialP != nil {
		s += fmt.Sprintf(", always-valid p %s over %d looks", FormatP(*mr.SequentialP), mr.Looks)
	}
	return s
}

func evalGuardrail(g Guardrail) (GuardrailResult, gate.Check) {
	gr := GuardrailResult{Name: g.Name, OK: true}
	c := gate.Check{Name: g.Name, Status: gate.Pass}
	if g.Err != nil {
		gr.OK = false
		gr.Message = fmt.Sprintf("%s has no data: %v", g.Name, g.Err)
		c.Rule, c.Message = "has data", gr.Message
		return gr, c
	}
	gr.Control, gr.Challenger = gate.F(g.Control), gate.F(g.Challenger)
	c.Baseline, c.Candidate = gr.Control, gr.Challenger
	c.Delta = gate.F(g.Challenger - g.Control)
	word, cmp := "≤", func(v, lim float64) bool { return v <= lim }
	if !g.Lower {
		word, cmp = "≥", func(v, lim float64) bool { return v >= lim }
	}
	limit := math.NaN()
	var rules []string
	if g.Max != nil {
		limit = *g.Max
		rules = append(rules, word+" "+gate.FormatNumber(*g.Max))
	}
	if g.MaxIncrease != nil {
		rel := g.Control * (1 + *g.MaxIncrease)
		if !g.Lower {
			rel = g.Control * (1 - *g.MaxIncrease)
		}
		if math.IsNaN(limit) || (g.Lower && rel < limit) || (!g.Lower && rel > limit) {
			limit = rel
		}
		rules = append(rules, fmt.Sprintf("%s control × %s", word, gate.FormatNumber(1+sign(g.Lower)**g.MaxIncrease)))
	}
	c.Rule = joinAnd(rules)
	c.Threshold = gate.F(limit)
	gr.Limit = gate.F(limit)
	if math.IsNaN(g.Challenger) || (!math.IsNaN(limit) && !cmp(g.Challenger, limit)) {
		gr.OK = false
		c.Status = gate.Fail
		gr.Message = fmt.Sprintf("%s vetoes promotion: challenger %s, limit %s (control %s)", g.Name, gate.FormatNumber(g.Challenger), gate.FormatNumber(limit), gate.FormatNumber(g.Control))
		c.Message = gr.Message
	}
	return gr, c
}

func sign(lower bool) float64 {
	if lower {
		return 1
	}
	return -1
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return "no limit"
	case 1:
		return s[0]
	}
	return s[0] + " and " + s[1]
}
