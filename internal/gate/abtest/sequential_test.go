package abtest

import (
	"math"
	"math/rand/v2"
	"testing"
)

// aaRates simulates experiments A/A experiments, each looked at looks
// times after perLook more units per group, and returns the share of
// experiments that a naive test (p < alpha at any look) and the mSPRT
// (always-valid p ≤ alpha at any look) declared significant. draw gives one
// unit's value; test turns the two groups so far into a difference, its
// variance and the naive p-value.
func aaRates(seed uint64, experiments, looks, perLook int, alpha, tau2 float64,
	draw func(*rand.Rand) float64,
	test func(a, b *acc) (diff, v, p float64),
) (naive, seq float64) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var nNaive, nSeq int
	for e := 0; e < experiments; e++ {
		var a, b acc
		s, err := NewSequential(tau2, 0)
		if err != nil {
			panic(err)
		}
		hitNaive, hitSeq := false, false
		for k := 0; k < looks; k++ {
			for i := 0; i < perLook; i++ {
				a.add(draw(rng))
				b.add(draw(rng))
			}
			diff, v, p := test(&a, &b)
			if p < alpha {
				hitNaive = true
			}
			if s.Look(diff, v) <= alpha {
				hitSeq = true
			}
		}
		if hitNaive {
			nNaive++
		}
		if hitSeq {
			nSeq++
		}
	}
	return float64(nNaive) / float64(experiments), float64(nSeq) / float64(experiments)
}

// acc accumulates a group's count, sum and sum of squares.
type acc struct{ n, s, ss float64 }

func (a *acc) add(v float64) { a.n++; a.s += v; a.ss += v * v }

func (a *acc) summary() Summary {
	m := a.s / a.n
	return Summary{N: a.n, Mean: m, Var: (a.ss - a.n*m*m) / (a.n - 1)}
}

// TestSequentialKeepsAlphaUnderPeeking shows on seeded A/A simulations that
// looking 30 times inflates the false-positive rate of a naive test far
// beyond alpha while the mSPRT's always-valid p-value stays below it.
func TestSequentialKeepsAlphaUnderPeeking(t *testing.T) {
	const (
		alpha = 0.05
		looks = 30
	)
	experiments := 2000
	if testing.Short() {
		experiments = 500
	}
	t.Run("continuous, Welch t-test", func(t *testing.T) {
		naive, seq := aaRates(1, experiments, looks, 100, alpha, 0.1*0.1,
			func(r *rand.Rand) float64 { return r.NormFloat64()*2 + 10 },
			func(a, b *acc) (float64, float64, float64) {
				w, err := WelchSummary(a.summary(), b.summary())
				if err != nil {
					panic(err)
				}
				return w.Diff, w.Var, w.P
			})
		report(t, "Welch", experiments, looks, alpha, naive, seq)
	})
	t.Run("conversions, two-proportion z-test", func(t *testing.T) {
		naive, seq := aaRates(2, experiments, looks, 200, alpha, 0.01*0.01,
			func(r *rand.Rand) float64 {
				if r.Float64() < 0.1 {
					return 1
				}
				return 0
			},
			func(a, b *acc) (float64, float64, float64) {
				z, err := ProportionZTest(Proportion{a.s, a.n}, Proportion{b.s, b.n})
				if err != nil {
					panic(err)
				}
				return z.Diff, z.Var, z.P
			})
		report(t, "z-test", experiments, looks, alpha, naive, seq)
	})
}

func report(t *testing.T, name string, experiments, looks int, alpha, naive, seq float64) {
	t.Helper()
	// Standard error of a rate near alpha over the experiments.
	se := math.Sqrt(alpha * (1 - alpha) / float64(experiments))
	t.Logf("A/A, %d experiments, %d looks, alpha %.2f: naive repeated %s false-positive rate %.3f, mSPRT %.3f (s.e. at alpha %.3f)",
		experiments, looks, alpha, name, naive, seq, se)
	if naive <= 2*alpha {
		t.Errorf("naive repeated %s false-positive rate %.3f, expected well above alpha %.2f when peeking %d times", name, naive, alpha, looks)
	}
	if seq > alpha {
		t.Errorf("mSPRT false-positive rate %.3f, expected at most alpha %.2f", seq, alpha)
	}
}
