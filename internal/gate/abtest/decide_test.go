package abtest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// ctrLooks returns daily looks of a CTR test with a 10% challenger where
// the control converts at pa and the challenger at pb, n control
// impressions per day.
func ctrLooks(days int, n, pa, pb float64) []Look {
	var ls []Look
	for d := 1; d <= days; d++ {
		na, nb := n*float64(d), n*float64(d)/9
		ls = append(ls, Look{At: t0.Add(time.Duration(d) * 24 * time.Hour),
			A: Proportion{Successes: float64(int(na * pa)), Trials: na},
			B: Proportion{Successes: float64(int(nb * pb)), Trials: nb}})
	}
	return ls
}

func baseInput(days int, pa, pb float64) Input {
	looks := ctrLooks(days, 90000, pa, pb)
	last := looks[len(looks)-1]
	return Input{
		Start: t0, End: t0.Add(time.Duration(days) * 24 * time.Hour), MinDuration: 48 * time.Hour,
		Split: 0.1, Units: [2]float64{last.A.Trials, last.B.Trials}, Alpha: 0.05, Power: 0.8,
		Metrics: []Metric{{Name: "ctr", Kind: KindProportion, MDE: 0.05, Looks: looks}},
	}
}

func ptrF(v float64) *float64 { return &v }

func TestDecide(t *testing.T) {
	cases := []struct {
		name     string
		in       func() Input
		decision Decision
		status   gate.Status
		reason   string
	}{
		{"better challenger promoted", func() Input { return baseInput(4, 0.10, 0.11) }, Promote, gate.Pass, "every metric improved"},
		{"no change promoted", func() Input { return baseInput(4, 0.10, 0.10) }, Promote, gate.Pass, ""},
		{"worse challenger rolled back", func() Input { return baseInput(4, 0.10, 0.09) }, Rollback, gate.Fail, "ctr is significantly worse"},
		{"too short", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.End = t0.Add(30 * time.Hour)
			return in
		}, Continue, gate.Fail, "18.0 h left"},
		{"too short, warn", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.End, in.ContinueStatus = t0.Add(30*time.Hour), gate.Warn
			return in
		}, Continue, gate.Warn, "18.0 h left"},
		{"sample ratio mismatch", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Units[1] *= 1.2
			return in
		}, Rollback, gate.Fail, "sample ratio mismatch"},
		{"too few units for the power", func() Input {
			in := baseInput(4, 0.10, 0.10)
			in.Metrics[0].MDE = 0.01
			return in
		}, Continue, gate.Fail, "sample size"},
		{"guardrail vetoes", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Guardrails = []Guardrail{{Name: "p95 latency", Control: 0.21, Challenger: 0.34, Max: ptrF(0.3), Lower: true}}
			return in
		}, Rollback, gate.Fail, "guardrail p95 latency vetoes promotion"},
		{"relative guardrail vetoes", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Guardrails = []Guardrail{{Name: "error rate", Control: 0.002, Challenger: 0.004, Max: ptrF(0.01), MaxIncrease: ptrF(0.5), Lower: true}}
			return in
		}, Rollback, gate.Fail, "limit 0.003"},
		{"guardrail holds", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Guardrails = []Guardrail{{Name: "p95 latency", Control: 0.21, Challenger: 0.22, Max: ptrF(0.3), Lower: true}}
			return in
		}, Promote, gate.Pass, ""},
		{"guardrail without data", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Guardrails = []Guardrail{{Name: "p95 latency", Err: errors.New("no series")}}
			return in
		}, Continue, gate.Fail, "p95 latency has no data"},
		{"metric without data", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Metrics[0].Err = errors.New(`query "x": no data`)
			return in
		}, Continue, gate.Fail, "no data for ctr"},
		{"worse early, fixed horizon: continue", func() Input {
			in := baseInput(4, 0.10, 0.09)
			in.End = t0.Add(24 * time.Hour)
			return in
		}, Continue, gate.Fail, "h left"},
		{"worse early, sequential: rollback", func() Input {
			in := baseInput(4, 0.10, 0.09)
			in.End, in.Sequential = t0.Add(24*time.Hour), true
			return in
		}, Rollback, gate.Fail, "ctr is significantly worse"},
		{"sequential promotes a better challenger", func() Input {
			in := baseInput(4, 0.10, 0.11)
			in.Sequential = true
			return in
		}, Promote, gate.Pass, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Decide(c.in())
			d := res.Details.(*Details)
			if d.Decision != c.decision || res.Status != c.status {
				t.Errorf("decision %s, status %s; expected %s, %s\nsummary: %s", d.Decision, res.Status, c.decision, c.status, res.Summary)
			}
			if !strings.Contains(res.Summary, c.reason) {
				t.Errorf("summary %q does not say %q", res.Summary, c.reason)
			}
			if !strings.HasPrefix(res.Summary, "Decision: "+string(c.decision)+":") {
				t.Errorf("summary %q", res.Summary)
			}
		})
	}
}

func TestDecideNumbers(t *testing.T) {
	in := baseInput(4, 0.10, 0.11)
	in.Sequential = true
	res := Decide(in)
	d := res.Details.(*Details)
	m := d.Metrics[0]
	if m.Looks != 4 || m.SequentialP == nil || m.P == nil || *m.SequentialP < *m.P {
		t.Errorf("looks %d, p %v, sequential p %v: expected 4 looks and an always-valid p ≥ the fixed one", m.Looks, m.P, m.SequentialP)
	}
	if m.Lift == nil || m.Lift.Low <= 0 || m.Lift.Estimate < 0.09 || m.Lift.Estimate > 0.11 {
		t.Errorf("lift %+v, expected about +10%% with a positive lower bound", m.Lift)
	}
	na, nb, err := RequiredSamples(0.10, 0.05, 0.05, 0.8, 0.1)
	if err != nil || m.RequiredControl == nil || *m.RequiredControl != na || *m.RequiredChallenger != nb {
		t.Errorf("required %v/%v, expected %v/%v", m.RequiredControl, m.RequiredChallenger, na, nb)
	}
	if d.SRM == nil || d.SRM.Mismatch || d.HoursLeft != 0 || d.ElapsedHours != 96 {
		t.Errorf("details %+v", d)
	}
}

func TestDecideMeansWithMannWhitney(t *testing.T) {
	a := []float64{3, 4, 5, 4, 3, 5, 4, 6, 2, 4, 5, 3, 4, 4, 5}
	b := []float64{5, 6, 5, 7, 6, 5, 6, 8}
	in := Input{Start: t0, End: t0.Add(72 * time.Hour), MinDuration: 48 * time.Hour, Split: 0.35, Alpha: 0.05, Power: 0.8,
		Metrics: []Metric{{Name: "session minutes", Kind: KindMean, MDE: 0.5, Looks: []Look{{SA: Summarize(a), SB: Summarize(b), RawA: a, RawB: b}}}}}
	res := Decide(in)
	d := res.Details.(*Details)
	m := d.Metrics[0]
	if m.Verdict != Better || m.MannWhitneyP == nil || *m.MannWhitneyP > 0.01 {
		t.Fatalf("verdict %s, Mann–Whitney p %v; summary %s", m.Verdict, m.MannWhitneyP, res.Summary)
	}
	mw, _ := MannWhitney(a, b)
	if *m.MannWhitneyP != mw.P {
		t.Errorf("Mann–Whitney p %v, expected %v", *m.MannWhitneyP, mw.P)
	}
}
