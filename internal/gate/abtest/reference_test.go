package abtest

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// The tolerances of the comparisons with SciPy and statsmodels.
const (
	relStat  = 1e-9 // statistics: z, t, U, chi-square, degrees of freedom
	relP     = 1e-6 // p-values
	relLift  = 1e-9 // the reference's gradient is a complex step, exact to rounding
	relPower = 1e-6 // statsmodels solves with a root finder
)

// ref is testdata/reference.json, written by testdata/reference.py.
type ref struct {
	SciPy       string `json:"scipy"`
	Statsmodels string `json:"statsmodels"`
	Proportions []struct {
		Name           string
		XA, NA, XB, NB float64
		Z, P           *float64
		Lift           *refLift
	}
	Samples []struct {
		Name    string
		A, B    []float64
		MwuU    *float64         `json:"mwu_u"`
		MwuP    *float64         `json:"mwu_p"`
		WelchT  *json.RawMessage `json:"welch_t"`
		WelchP  *float64         `json:"welch_p"`
		WelchDF *float64         `json:"welch_df"`
		Lift    *refLift
	}
	SRM []struct {
		Name              string
		Observed, Weights []float64
		Chi2, P           float64
	}
	Power []struct {
		Name                           string
		PA, PB, Alpha, Power, Ratio, H float64
		Nobs1                          float64
		PowerAt1000                    float64 `json:"power_at_1000"`
	}
	MSPRT []struct {
		Diff, V, Tau2, Theta0 float64
		LogLR                 float64 `json:"log_lr"`
	}
}

type refLift struct{ Estimate, Low, High float64 }

func mustRef(tb testing.TB) ref {
	tb.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		tb.Fatal(err)
	}
	var r ref
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("testdata/reference.json: %v", err)
	}
	return r
}

// near reports whether got is within rel of want, relative to |want| (so
// that p-values far in the tail are compared digit by digit); a want of
// exactly 0 allows rel·1e-12 of absolute rounding; NaN matches a nil want.
func near(got float64, want *float64, rel float64) bool {
	if want == nil {
		return math.IsNaN(got)
	}
	w := *want
	if w == 0 {
		return math.Abs(got) <= rel*1e-12
	}
	return math.Abs(got-w) <= rel*math.Abs(w)
}

func checkNear(t *testing.T, what string, got float64, want *float64, rel float64) {
	t.Helper()
	if !near(got, want, rel) {
		w := "NaN"
		if want != nil {
			w = jsonNum(*want)
		}
		t.Errorf("%s = %v, reference %s (rel tol %g)", what, got, w, rel)
	}
}

func jsonNum(v float64) string { b, _ := json.Marshal(v); return string(b) }

func ptr(v float64) *float64 { return &v }

func checkLift(t *testing.T, got Interval, want *refLift) {
	t.Helper()
	if want == nil {
		if !math.IsNaN(got.Estimate) {
			t.Errorf("lift = %v, reference undefined", got.Estimate)
		}
		return
	}
	checkNear(t, "lift", got.Estimate, ptr(want.Estimate), relLift)
	checkNear(t, "lift low", got.Low, ptr(want.Low), relLift)
	checkNear(t, "lift high", got.High, ptr(want.High), relLift)
}

func TestProportionZTestAgainstStatsmodels(t *testing.T) {
	r := mustRef(t)
	for _, c := range r.Proportions {
		t.Run(c.Name, func(t *testing.T) {
			a, b := Proportion{c.XA, c.NA}, Proportion{c.XB, c.NB}
			got, err := ProportionZTest(a, b)
			if err != nil {
				t.Fatal(err)
			}
			checkNear(t, "z", got.Statistic, c.Z, relStat)
			checkNear(t, "p", got.P, c.P, relP)
			l, err := ProportionLift(a, b, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			checkLift(t, l, c.Lift)
		})
	}
}

func TestSamplesAgainstSciPy(t *testing.T) {
	r := mustRef(t)
	for _, c := range r.Samples {
		t.Run(c.Name, func(t *testing.T) {
			mw, err := MannWhitney(c.A, c.B)
			if err != nil {
				t.Fatal(err)
			}
			checkNear(t, "U", mw.Statistic, c.MwuU, relStat)
			checkNear(t, "Mann–Whitney p", mw.P, c.MwuP, relP)
			if len(c.A) < 2 || len(c.B) < 2 {
				if _, err := Welch(c.A, c.B); err == nil {
					t.Error("Welch with a single value: no error")
				}
				return
			}
			w, err := Welch(c.A, c.B)
			if err != nil {
				t.Fatal(err)
			}
			wantT := refFloat(t, c.WelchT)
			if math.IsInf(wantT, 0) {
				if w.Statistic != wantT {
					t.Errorf("t = %v, reference %v", w.Statistic, wantT)
				}
			} else {
				checkNear(t, "t", w.Statistic, nanPtr(wantT), relStat)
			}
			checkNear(t, "Welch p", w.P, c.WelchP, relP)
			if c.WelchDF != nil {
				checkNear(t, "df", w.DF, c.WelchDF, relStat)
			}
			l, err := MeanLift(Summarize(c.A), Summarize(c.B), 0.95)
			if err != nil {
				t.Fatal(err)
			}
			checkLift(t, l, c.Lift)
		})
	}
}

// refFloat reads a number that the reference may write as null or as the
// string "inf" / "-inf".
func refFloat(t *testing.T, raw *json.RawMessage) float64 {
	t.Helper()
	if raw == nil || string(*raw) == "null" {
		return math.NaN()
	}
	var s string
	if json.Unmarshal(*raw, &s) == nil {
		switch s {
		case "inf":
			return math.Inf(1)
		case "-inf":
			return math.Inf(-1)
		}
		t.Fatalf("reference number %q", s)
	}
	var f float64
	if err := json.Unmarshal(*raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func nanPtr(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func TestSampleRatioAgainstSciPy(t *testing.T) {
	r := mustRef(t)
	for _, c := range r.SRM {
		t.Run(c.Name, func(t *testing.T) {
			got, err := SampleRatio(c.Observed, c.Weights)
			if err != nil {
				t.Fatal(err)
			}
			checkNear(t, "chi-square", got.ChiSquare, ptr(c.Chi2), relStat)
			checkNear(t, "p", got.P, ptr(c.P), relP)
			if got.Mismatch != (c.P < SRMAlpha) {
				t.Errorf("mismatch = %v at p = %v", got.Mismatch, c.P)
			}
		})
	}
}

func TestPowerAgainstStatsmodels(t *testing.T) {
	r := mustRef(t)
	for _, c := range r.Power {
		t.Run(c.Name, func(t *testing.T) {
			h := EffectSizeH(c.PA, c.PB)
			checkNear(t, "h", h, ptr(c.H), relStat)
			checkNear(t, "power at n=1000", Power(h, 1000, 1000*c.Ratio, c.Alpha), ptr(c.PowerAt1000), relP)
			n, err := SampleSize(h, c.Alpha, c.Power, c.Ratio)
			if err != nil {
				t.Fatal(err)
			}
			checkNear(t, "nobs1", n, ptr(c.Nobs1), relPower)
			// statsmodels' root finder stops near 1e-8; ours solves the
			// power equation to rounding.
			if got := Power(h, n, c.Ratio*n, c.Alpha); math.Abs(got-c.Power) > 1e-12 {
				t.Errorf("power at nobs1 %v = %v, expected %v", n, got, c.Power)
			}
		})
	}
}

func TestMixtureLRAgainstIntegration(t *testing.T) {
	r := mustRef(t)
	for _, c := range r.MSPRT {
		got := MixtureLogLR(c.Diff, c.V, c.Tau2, c.Theta0)
		if math.Abs(got-c.LogLR) > relStat*math.Max(1, math.Abs(c.LogLR)) {
			t.Errorf("log Λ(diff %v, V %v, τ² %v, θ₀ %v) = %v, numerical integral %v", c.Diff, c.V, c.Tau2, c.Theta0, got, c.LogLR)
		}
	}
}
