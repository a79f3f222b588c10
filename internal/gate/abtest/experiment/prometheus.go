package experiment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/common/model"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/abtest"
	"gitlab.com/mlgate/mlgate/internal/prom"
)

// FromPrometheus builds the Input from PromQL templates, querying each
// group at each look: every LookEvery from Start in sequential mode, only
// at End otherwise. {{variant}} is the group's label value and {{window}}
// the time from Start to the look.
func FromPrometheus(ctx context.Context, q prom.Querier, g *config.ABTestGate, now time.Time) (abtest.Input, error) {
	in := baseInput(g)
	if g.Start == "" {
		return in, gate.Input(errors.New("gates.abtest.start is not set: a Prometheus A/B test needs the time the challenger began to get traffic"))
	}
	for i, m := range g.Metrics {
		if err := m.SourceCheck(false); err != nil {
			return in, gate.Input(fmt.Errorf("gates.abtest.metrics[%d] (%s): %w", i, m.Name, err))
		}
	}
	for i, gr := range g.Guardrails {
		if gr.Query == "" {
			return in, gate.Input(fmt.Errorf("gates.abtest.guardrails[%d] (%s): with Prometheus a guardrail needs a query (PromQL template)", i, gr.Name))
		}
	}
	in.Start, in.End = g.Start.Value(), g.End.Value()
	if in.End.IsZero() {
		in.End = now
	}
	if !in.End.After(in.Start) {
		return in, gate.Input(fmt.Errorf("gates.abtest.start %s is not before the end %s", in.Start.Format(time.RFC3339), in.End.Format(time.RFC3339)))
	}
	in.Source = "Prometheus"
	looks := lookTimes(in.Start, in.End, g.LookEvery, g.Sequential)
	groups := []string{g.Control, g.Challenger}
	value := func(tmpl string, group string, at time.Time) (float64, error) {
		query, err := prom.Expand(tmpl, map[string]string{"variant": group, "window": window(at.Sub(in.Start))})
		if err != nil {
			return 0, gate.Input(err)
		}
		return q.Scalar(ctx, query, at)
	}
	var firstDenominator [2]float64
	haveDenominator := false
	for _, mc := range g.Metrics {
		m := metricFrom(mc)
		var err error
		switch m.Kind {
		case abtest.KindProportion:
			for k, at := range looks {
				l := abtest.Look{At: at}
				var v [4]float64
				for i, t := range []string{mc.Numerator, mc.Denominator, mc.Numerator, mc.Denominator} {
					if v[i], err = value(t, groups[i/2], at); err != nil {
						break
					}
				}
				if err != nil && errors.Is(err, prom.ErrNoData) && k < len(looks)-1 {
					err = nil // no data yet at an early look: skip the look
					continue
				}
				if err != nil {
					break
				}
				l.A = abtest.Proportion{Successes: v[0], Trials: v[1]}
				l.B = abtest.Proportion{Successes: v[2], Trials: v[3]}
				m.Looks = append(m.Looks, l)
			}
			if err == nil && !haveDenominator && len(m.Looks) > 0 {
				last := m.Looks[len(m.Looks)-1]
				firstDenominator, haveDenominator = [2]float64{last.A.Trials, last.B.Trials}, true
			}
		case abtest.KindMean:
			m.Looks, err = meanLooks(ctx, q, mc.Query, groups, in.Start, in.End, looks)
		}
		if err != nil {
			if !errors.Is(err, prom.ErrNoData) {
				return in, sourceErr("metric "+mc.Name, err)
			}
			m.Looks, m.Err = nil, err
		}
		in.Metrics = append(in.Metrics, m)
	}
	switch {
	case g.Units != "":
		for i, grp := range groups {
			v, err := value(g.Units, grp, in.End)
			if err != nil && !errors.Is(err, prom.ErrNoData) {
				return in, sourceErr("units", err)
			}
			in.Units[i] = v
		}
	case haveDenominator:
		in.Units = firstDenominator
	}
	for _, gc := range g.Guardrails {
		gr := guardrailFrom(gc)
		var v [2]float64
		for i, grp := range groups {
			var err error
			if v[i], err = value(gc.Query, grp, in.End); err != nil {
				if !errors.Is(err, prom.ErrNoData) {
					return in, sourceErr("guardrail "+gc.Name, err)
				}
				gr.Err = err
			}
		}
		gr.Control, gr.Challenger = v[0], v[1]
		in.Guardrails = append(in.Guardrails, gr)
	}
	return in, nil
}

// sourceErr marks a wrong query (rejected, ambiguous) as an input error;
// anything else (Prometheus unreachable) stays as it is.
func sourceErr(what string, err error) error {
	err = fmt.Errorf("gates.abtest %s: %w", what, err)
	if errors.Is(err, prom.ErrQuery) || errors.Is(err, prom.ErrAmbiguous) {
		return gate.Input(err)
	}
	return err
}

// meanLooks reads each group's range-query samples over the whole window
// once and cuts them at each look. The step is a 500th of the test, at
// least 10 minutes, and {{window}} is the step, so that the samples (rates
// over the window, say) do not overlap.
func meanLooks(ctx context.Context, q prom.Querier, tmpl string, groups []string, start, end time.Time, looks []time.Time) ([]abtest.Look, error) {
	step := max(end.Sub(start)/500, 10*time.Minute).Round(time.Second)
	var samples [2][]prom.Sample
	for i, grp := range groups {
		query, err := prom.Expand(tmpl, map[string]string{"variant": grp, "window": window(step)})
		if err != nil {
			return nil, gate.Input(err)
		}
		if samples[i], err = q.Range(ctx, query, start, end, step); err != nil {
			return nil, err
		}
	}
	var out []abtest.Look
	for _, at := range looks {
		l := abtest.Look{At: at}
		for i := range groups {
			var vs []float64
			for _, s := range samples[i] {
				if !s.T.After(at) {
					vs = append(vs, s.V)
				}
			}
			if i == 0 {
				l.RawA, l.SA = vs, abtest.Summarize(vs)
			} else {
				l.RawB, l.SB = vs, abtest.Summarize(vs)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// window formats d as a PromQL duration, rounded to whole seconds.
func window(d time.Duration) string {
	return model.Duration(d.Round(time.Second)).String()
}

// lookTimes returns start+k·every up to end, and end itself; only end when
// not sequential.
func lookTimes(start, end time.Time, every time.Duration, sequential bool) []time.Time {
	if !sequential || every <= 0 {
		return []time.Time{end}
	}
	var ts []time.Time
	for t := start.Add(every); t.Before(end); t = t.Add(every) {
		ts = append(ts, t)
	}
	return append(ts, end)
}

func baseInput(g *config.ABTestGate) abtest.Input {
	st := gate.Fail
	if g.OnContinue == "warn" {
		st = gate.Warn
	}
	return abtest.Input{MinDuration: g.MinDuration, Split: g.Split, Alpha: g.Alpha, Power: g.Power,
		Sequential: g.Sequential, ContinueStatus: st}
}

func metricFrom(mc config.ABMetric) abtest.Metric {
	return abtest.Metric{Name: mc.Name, Kind: abtest.Kind(mc.Kind), MDE: mc.MDE,
		Lower: mc.HigherIsBetter != nil && !*mc.HigherIsBetter}
}

func guardrailFrom(gc config.ABGuardrail) abtest.Guardrail {
	return abtest.Guardrail{Name: gc.Name, Max: gc.Max, MaxIncrease: gc.MaxIncrease,
		Lower: gc.HigherIsBetter == nil || !*gc.HigherIsBetter}
}
