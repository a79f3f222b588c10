package canary

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/common/model"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/abtest"
	"gitlab.com/mlgate/mlgate/internal/prom"
)

// Check holds one PromQL value to bounds.
type Check struct {
	Name  string
	Query string
	// Max and Min bound the value; at least one is set.
	Max, Min *float64
}

// Judge is a Kayenta-style comparison of canary against baseline.
type Judge struct {
	Name string
	// Canary and Baseline are range queries of one series each.
	Canary, Baseline string
	// Tolerance is the relative band around 1 the ratio of means may move
	// in before a significant difference counts (0.1: 0.9 to 1.1).
	Tolerance float64
	// Bad is the direction that fails: "increase" (High fails, the default,
	// for latency and errors), "decrease" (Low fails) or "either".
	Bad string
}

// Params are the checks, the window and how to treat missing data.
type Params struct {
	Checks []Check
	Judges []Judge
	// End is the end of the window (now); Window its length.
	End    time.Time
	Window time.Duration
	// Step is the range queries' resolution (default Window/60, at least
	// 15s).
	Step time.Duration
	// Alpha is the Mann–Whitney test's level (default 0.05).
	Alpha float64
	// NoData is the status of a check without data: warn (default), fail
	// or skip.
	NoData gate.Status
}

// Verdicts of checks and judgements.
const (
	Pass   = "pass"
	Fail   = "fail"
	NoData = "nodata"
	High   = "High"
	Low    = "Low"
)

// checkRecord is the evidence behind one threshold check's gate.Check
// (the check's one result), as results.json keeps it in Details: the
// expanded query, both bounds, and nodata apart from the status it maps
// to.
type checkRecord struct {
	Name    string   `json:"name"`
	Query   string   `json:"query"`
	Value   *float64 `json:"value,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Verdict string   `json:"verdict"`
	Message string   `json:"message,omitempty"`
}

// judgeRecord is the evidence behind one canary-vs-baseline gate.Check,
// as results.json keeps it in Details: the samples' counts and means,
// the Mann–Whitney U and p, and the classification.
type judgeRecord struct {
	Name         string   `json:"name"`
	NCanary      int      `json:"n_canary"`
	NBaseline    int      `json:"n_baseline"`
	MeanCanary   *float64 `json:"mean_canary,omitempty"`
	MeanBaseline *float64 `json:"mean_baseline,omitempty"`
	Ratio        *float64 `json:"ratio,omitempty"`
	U            *float64 `json:"u,omitempty"`
	P            *float64 `json:"p,omitempty"`
	// Classification is Pass, High, Low or nodata.
	Classification string `json:"classification"`
	Verdict        string `json:"verdict"`
	Message        string `json:"message,omitempty"`
}

// Details is the canary gate's Result.Details: the window, the overall
// verdict and the evidence behind each of the result's checks. The
// checks themselves, with their statuses, are the Result's gate.Checks.
type Details struct {
	Verdict string        `json:"verdict"`
	Start   time.Time     `json:"start"`
	End     time.Time     `json:"end"`
	Checks  []checkRecord `json:"checks"`
	Judges  []judgeRecord `json:"judges,omitempty"`
}

// Run runs every check and judgement. Queries may use {{window}} (the
// window as a PromQL duration). A query that Prometheus rejects, or that
// returns several series, is an error (the config is wrong); no series or
// NaN is nodata.
func Run(ctx context.Context, q prom.Querier, p Params) (gate.Result, error) {
	res := gate.Result{Gate: "canary", Title: "Canary health"}
	if p.NoData == "" {
		p.NoData = gate.Warn
	}
	if p.Alpha == 0 {
		p.Alpha = 0.05
	}
	if p.Step == 0 {
		p.Step = max(p.Window/60, 15*time.Second)
	}
	start := p.End.Add(-p.Window)
	d := &Details{Start: start, End: p.End}
	vars := map[string]string{"window": model.Duration(p.Window).String()}
	for _, c := range p.Checks {
		cr, gc, err := runCheck(ctx, q, c, p, vars)
		if err != nil {
			return gate.Result{}, err
		}
		d.Checks = append(d.Checks, cr)
		res.Checks = append(res.Checks, gc)
	}
	for _, j := range p.Judges {
		jr, gc, err := runJudge(ctx, q, j, p, start, vars)
		if err != nil {
			return gate.Result{}, err
		}
		d.Judges = append(d.Judges, jr)
		res.Checks = append(res.Checks, gc)
	}
	res.Details = d
	res.Finish()
	counts := map[string]int{}
	for _, c := range d.Checks {
		counts[c.Verdict]++
	}
	for _, j := range d.Judges {
		counts[j.Verdict]++
	}
	switch {
	case res.Status == gate.Fail:
		d.Verdict = "unhealthy"
	case counts[NoData] > 0:
		d.Verdict = "unknown"
	default:
		d.Verdict = "healthy"
	}
	for _, j := range d.Judges {
		if j.Verdict != NoData {
			res.Notes = append(res.Notes, fmt.Sprintf("%s, canary vs baseline: %s.", j.Name, j.Message))
		}
	}
	res.Notes = append(res.Notes, fmt.Sprintf("Window %s to %s.", start.UTC().Format(time.RFC3339), p.End.UTC().Format(time.RFC3339)))
	res.Summary = fmt.Sprintf("Canary %s over %s: %d pass, %d fail, %d nodata.", d.Verdict, model.Duration(p.Window), counts[Pass], counts[Fail], counts[NoData])
	return res, nil
}

// dataErr sorts a query error: nodata is a verdict, everything else is a
// wrong query or an unreachable Prometheus.
func dataErr(name string, err error) (string, error) {
	if errors.Is(err, prom.ErrNoData) {
		return err.Error(), nil
	}
	if errors.Is(err, prom.ErrAmbiguous) || errors.Is(err, prom.ErrQuery) {
		return "", gate.Input(fmt.Errorf("canary check %s: %w", name, err))
	}
	return "", fmt.Errorf("canary check %s: %w", name, err)
}

func runCheck(ctx context.Context, q prom.Querier, c Check, p Params, vars map[string]string) (checkRecord, gate.Check, error) {
	cr := checkRecord{Name: c.Name, Max: c.Max, Min: c.Min}
	gc := gate.Check{Name: c.Name, Rule: bounds(c.Min, c.Max)}
	query, err := prom.Expand(c.Query, vars)
	if err != nil {
		return cr, gc, gate.Input(fmt.Errorf("canary check %s: %w", c.Name, err))
	}
	cr.Query = query
	v, err := q.Scalar(ctx, query, p.End)
	if err != nil {
		msg, err := dataErr(c.Name, err)
		if err != nil {
			return cr, gc, err
		}
		cr.Verdict, cr.Message = NoData, msg
		gc.Status, gc.Message = p.NoData, "nodata: "+msg
		return cr, gc, nil
	}
	cr.Value, gc.Candidate = gate.F(v), gate.F(v)
	cr.Verdict, gc.Status = Pass, gate.Pass
	switch {
	case c.Max != nil && !(v < *c.Max):
		gc.Threshold = c.Max
		cr.Verdict, gc.Status = Fail, gate.Fail
		cr.Message = fmt.Sprintf("%s = %s, expected < %s", c.Name, gate.FormatNumber(v), gate.FormatNumber(*c.Max))
	case c.Min != nil && !(v > *c.Min):
		gc.Threshold = c.Min
		cr.Verdict, gc.Status = Fail, gate.Fail
		cr.Message = fmt.Sprintf("%s = %s, expected > %s", c.Name, gate.FormatNumber(v), gate.FormatNumber(*c.Min))
	case c.Max != nil:
		gc.Threshold = c.Max
	default:
		gc.Threshold = c.Min
	}
	gc.Message = cr.Message
	return cr, gc, nil
}

func bounds(lo, hi *float64) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("> %s and < %s", gate.FormatNumber(*lo), gate.FormatNumber(*hi))
	case hi != nil:
		return "< " + gate.FormatNumber(*hi)
	case lo != nil:
		return "> " + gate.FormatNumber(*lo)
	}
	return "no bound"
}

func runJudge(ctx context.Context, q prom.Querier, j Judge, p Params, start time.Time, vars map[string]string) (judgeRecord, gate.Check, error) {
	jr := judgeRecord{Name: j.Name}
	bad := j.Bad
	if bad == "" {
		bad = "increase"
	}
	gc := gate.Check{Name: j.Name + " (canary vs baseline)",
		Rule: fmt.Sprintf("no significant %s beyond ±%s (Mann–Whitney, α = %s)", bad, pctStr(j.Tolerance), gate.FormatNumber(p.Alpha))}
	nodata := func(msg string) (judgeRecord, gate.Check, error) {
		jr.Classification, jr.Verdict, jr.Message = NoData, NoData, msg
		gc.Status, gc.Message = p.NoData, "nodata: "+msg
		return jr, gc, nil
	}
	var series [2][]float64
	for i, tmpl := range []string{j.Canary, j.Baseline} {
		query, err := prom.Expand(tmpl, vars)
		if err != nil {
			return jr, gc, gate.Input(fmt.Errorf("canary judge %s: %w", j.Name, err))
		}
		ss, err := q.Range(ctx, query, start, p.End, p.Step)
		if err != nil {
			msg, err := dataErr(j.Name, err)
			if err != nil {
				return jr, gc, err
			}
			return nodata(msg)
		}
		for _, s := range ss {
			if !math.IsInf(s.V, 0) {
				series[i] = append(series[i], s.V)
			}
		}
	}
	can, base := series[0], series[1]
	jr.NCanary, jr.NBaseline = len(can), len(base)
	if len(can) < 3 || len(base) < 3 {
		return nodata(fmt.Sprintf("%d canary and %d baseline samples, expected at least 3 each", len(can), len(base)))
	}
	mw, err := abtest.MannWhitney(base, can)
	if err != nil {
		return nodata(err.Error())
	}
	mc, mb := abtest.Summarize(can).Mean, abtest.Summarize(base).Mean
	jr.MeanCanary, jr.MeanBaseline = gate.F(mc), gate.F(mb)
	jr.U, jr.P = gate.F(mw.Statistic), gate.F(mw.P)
	gc.Candidate, gc.Baseline, gc.Delta = gate.F(mc), gate.F(mb), gate.F(mc-mb)
	var ratio float64
	switch {
	case mb != 0:
		ratio = mc / mb
	case mc == 0:
		ratio = 1
	default: // a baseline at 0 and a canary above it: an unbounded rise
		ratio = math.Inf(int(math.Copysign(1, mc)))
	}
	jr.Ratio, gc.Ratio = gate.F(ratio), gate.F(ratio)
	jr.Classification = Pass
	if mw.P < p.Alpha {
		switch {
		case ratio > 1+j.Tolerance:
			jr.Classification = High
		case ratio < 1-j.Tolerance:
			jr.Classification = Low
		}
	}
	failing := (jr.Classification == High && bad != "decrease") || (jr.Classification == Low && bad != "increase")
	jr.Verdict, gc.Status = Pass, gate.Pass
	jr.Message = fmt.Sprintf("%s: canary mean %s vs baseline %s (ratio %s), Mann–Whitney p %s over %d and %d samples",
		jr.Classification, gate.FormatNumber(mc), gate.FormatNumber(mb), gate.FormatNumber(ratio), abtest.FormatP(mw.P), len(can), len(base))
	if failing {
		jr.Verdict, gc.Status = Fail, gate.Fail
	}
	gc.Message = jr.Message
	return jr, gc, nil
}

func pctStr(v float64) string { return gate.FormatNumber(v*100) + "%" }
