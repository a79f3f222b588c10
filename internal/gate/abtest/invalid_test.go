package abtest

import (
	"errors"
	"math"
	"testing"
)

func TestInvalidInputs(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		call func() error
	}{
		{"successes above trials", func() error { _, err := ProportionZTest(Proportion{5, 4}, Proportion{1, 10}); return err }},
		{"negative trials", func() error { _, err := ProportionZTest(Proportion{0, 10}, Proportion{0, -1}); return err }},
		{"no trials", func() error { _, err := ProportionZTest(Proportion{0, 0}, Proportion{1, 10}); return err }},
		{"NaN count", func() error { _, err := ProportionZTest(Proportion{nan, 10}, Proportion{1, 10}); return err }},
		{"Welch one value", func() error { _, err := Welch([]float64{1}, []float64{1, 2}); return err }},
		{"Mann–Whitney empty", func() error { _, err := MannWhitney(nil, []float64{1}); return err }},
		{"Mann–Whitney NaN", func() error { _, err := MannWhitney([]float64{nan}, []float64{1}); return err }},
		{"lift level", func() error { _, err := Lift(1, 0, 1, 0, 1.5); return err }},
		{"SRM lengths", func() error { _, err := SampleRatio([]float64{1, 2}, []float64{1}); return err }},
		{"SRM zero weight", func() error { _, err := SampleRatio([]float64{1, 2}, []float64{1, 0}); return err }},
		{"SRM empty", func() error { _, err := SampleRatio([]float64{0, 0}, []float64{1, 1}); return err }},
		{"power zero effect", func() error { _, err := SampleSize(0, 0.05, 0.8, 1); return err }},
		{"power below alpha", func() error { _, err := SampleSize(0.1, 0.05, 0.01, 1); return err }},
		{"share 1", func() error { _, _, err := RequiredSamples(0.1, 0.05, 0.05, 0.8, 1); return err }},
		{"mde to rate above 1", func() error { _, _, err := RequiredSamples(0.9, 0.5, 0.05, 0.8, 0.1); return err }},
		{"tau zero", func() error { _, err := NewSequential(0, 0); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, expected one wrapping ErrInvalid", err)
			}
		})
	}
}

func TestRequiredSamplesRoundsUpAndHasPower(t *testing.T) {
	na, nb, err := RequiredSamples(0.05, 0.05, 0.05, 0.8, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if na != math.Ceil(na) || nb != math.Ceil(nb) || na < 8*nb {
		t.Fatalf("na %v nb %v: expected whole numbers with na ≈ 9·nb", na, nb)
	}
	h := EffectSizeH(0.05, 0.0525)
	if p := Power(h, na, nb, 0.05); p < 0.8 {
		t.Errorf("power at the required sizes = %v, expected ≥ 0.8", p)
	}
	if p := Power(h, na-20, (na-20)/9, 0.05); p >= 0.8 {
		t.Errorf("power just below the required sizes = %v, expected < 0.8", p)
	}
}

func TestSequentialRunningMinimum(t *testing.T) {
	s, err := NewSequential(1e-4, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.P() != 1 {
		t.Fatalf("p before any look = %v, expected 1", s.P())
	}
	p1 := s.Look(0.05, 1e-4) // a strong effect (z = 5)
	p2 := s.Look(0, 1e-4)    // then none
	if !(p1 < 0.01) || p2 != p1 {
		t.Errorf("p after looks = %v then %v, expected a small p that stays", p1, p2)
	}
	if p := s.Look(0.01, 0); p != p1 || s.Looks() != 3 {
		t.Errorf("a look without variance changed p to %v (looks %d)", p, s.Looks())
	}
}
