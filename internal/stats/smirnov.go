package stats

import (
	"math"
)

// smirnov is scipy.special.smirnov(n, x): P(D⁺_n ≥ x) for the one-sided
// one-sample statistic, by the Birnbaum–Tingey sum as cephes'
// kolmogorov.c computes it. Cephes carries the sum in double-double
// arithmetic; this port sums in float64 with each term evaluated in the
// log domain, which keeps the relative error near 1e-12 for the n that
// two-sample tests produce (checked against SciPy in the tests).
func smirnov(n int, x float64) float64 {
	if !(n > 0 && x >= 0 && x <= 1) {
		return math.NaN()
	}
	if n == 1 {
		return 1 - x
	}
	if x == 0 {
		return 1
	}
	if x == 1 {
		return 0
	}
	fn := float64(n)
	nxfl, alpha := modNX(n, x)
	n1mxfl := n - nxfl
	if alpha != 0 {
		n1mxfl--
	}
	n1mxceil := n - nxfl
	if alpha == 0 {
		n1mxfl--
		n1mxceil++
	}
	if nxfl == 0 || (nxfl == 1 && alpha == 0) {
		t := math.Pow(1+x, fn-1)
		return clip01(1 - x*t)
	}
	if -2*fn*x*x < cephMinLog {
		return 0
	}
	if nxfl >= n-1 {
		return math.Pow(1-x, fn)
	}
	if n > smirnovMaxN {
		logp := -math.Pow(6*fn*x+1, 2) / 18 / fn
		if logp < -math.Ln2 {
			return math.Exp(logp)
		}
		return 1 + math.Expm1(logp)
	}
	nUpper := n - n1mxceil + 1
	useUpper := (nUpper <= 1 && x < 0.5) ||
		(n >= 10 && nUpper <= 3 && x <= 0.5/math.Sqrt(fn))

	start, step, nTerms := 0, 1, n1mxfl+1
	var aj float64
	if useUpper {
		start, step, nTerms = n, -1, n-n1mxceil+1
		aj = math.Pow(1+x, fn-1)
	} else {
		aj = math.Pow(1-x, fn) / x
	}
	sum := aj
	if !useUpper && nTerms > smirnovSampledMin {
		if rest, ok := smirnovLowerSum(n, x, nTerms); ok {
			return clip01(x * (sum + rest))
		}
	}
	// log C(n, j) is summed with Neumaier's compensation: over 10⁵ terms
	// the plain running sum loses ~1e-8 relative accuracy.
	logC, logCc := math.Log(fn), 0.0 // log C(n, 1)
	vmid := n / 2
	for j := 1; j < nTerms; j++ {
		v := start + j*step
		aj = smirnovTerm(n, x, v, logC+logCc)
		if aj != 0 && !math.IsInf(aj, 0) && !math.IsNaN(aj) {
			sum += aj
		}
		if aj != 0 {
			if 4*float64(nTerms-j)*math.Abs(aj) < eps*sum && j != nTerms-1 {
				break
			}
		} else if j > vmid {
			break
		}
		logC, logCc = neumaier(logC, logCc, math.Log(float64(n-j)/float64(j+1)))
	}
	prob := x * sum
	if step < 0 {
		return clip01(1 - prob)
	}
	return clip01(prob)
}

const eps = 2.220446049250313e-16

// smirnovSampledMin is the number of terms from which the lower sum is
// taken on a sampled grid (smirnovLowerSum).
const smirnovSampledMin = 1 << 14

// smirnovLowerSum returns Σ A_v for v = 1 … m−1 of the lower
// Birnbaum–Tingey sum, whose terms are all positive, when, as a function
// of v, they form a smooth bell that vanishes at both ends (in the
// two-sample tests' range the sum has hundreds of thousands of terms: 25
// ms in the plain loop); ok is false otherwise, and the caller sums every
// term. The sum over every integer and step·Σ over every step-th v are
// both trapezoid rules for the integral of a smooth function whose ends
// vanish, so they agree to rounding once the step is small beside the
// bell's width, and the error then falls faster than geometrically as the
// step halves. The step starts near m/2048 and halves until the sums on
// the step and on twice the step agree within 1e-10 relative (each term
// itself carries ~1e-11 of rounding: its logarithm is ~1e5). Where a term
// at either end is not negligible the trapezoid rules differ from the sum
// by the ends' corrections, so those sums are left to the plain loop.
func smirnovLowerSum(n int, x float64, m int) (float64, bool) {
	step := 1
	for step*2048 < m {
		step *= 2
	}
	lgn, _ := math.Lgamma(float64(n + 1))
	endTerm := func(v int) float64 { // to ~1e-8: only compared
		a, _ := math.Lgamma(float64(v + 1))
		b, _ := math.Lgamma(float64(n - v + 1))
		return smirnovTerm(n, x, v, lgn-a-b)
	}
	first := true
	for ; step > 1; step /= 2 {
		fine, coarse := smirnovSampled(n, x, m, step)
		if first {
			first = false
			for _, v := range []int{1, 2, 1 + step, m - 1 - step, m - 2, m - 1} {
				if t := endTerm(v); !(t*float64(m) <= 1e-16*fine) {
					return 0, false
				}
			}
		}
		if math.Abs(fine-coarse) <= 1e-10*fine {
			return fine, true
		}
	}
	return 0, false
}

// smirnovSampled returns step·Σ A_v over v = 1, 1+step, … < m and
// 2·step·Σ A_v over every other one of those v.
func smirnovSampled(n int, x float64, m, step int) (fine, coarse float64) {
	logC, logCc := math.Log(float64(n)), 0.0 // log C(n, 1)
	num, den, k := 1.0, 1.0, 0
	for v, i := 1, 0; v < m; v++ {
		if (v-1)%step == 0 {
			l := logC + logCc
			if k > 0 {
				l += math.Log(num / den)
			}
			if a := smirnovTerm(n, x, v, l); a != 0 && !math.IsInf(a, 0) && !math.IsNaN(a) {
				fine += a
				if i%2 == 0 {
					coarse += a
				}
			}
			i++
		}
		// C(n, v+1) = C(n, v)·(n−v)/(v+1)
		num *= float64(n - v)
		den *= float64(v + 1)
		if k++; k == 32 {
			logC, logCc = neumaier(logC, logCc, math.Log(num/den))
			num, den, k = 1, 1, 0
		}
	}
	return fine * float64(step), coarse * float64(2*step)
}

// smirnovTerm is A_v = C(n,v)·(1−x−v/n)^(n−v)·(x+v/n)^(v−1), with
// C(n,v) given as its logarithm; the first factor's base is negative in
// the upper sum, so its sign is carried apart from the logarithm.
func smirnovTerm(n int, x float64, v int, logC float64) float64 {
	fn := float64(n)
	b2 := float64(n-v)/fn - x
	b1 := float64(v)/fn + x
	sign := 1.0
	if b2 < 0 && (n-v)%2 == 1 {
		sign = -1
	}
	l := logC
	if n-v > 0 {
		if b2 == 0 {
			return 0
		}
		l += float64(n-v) * math.Log(math.Abs(b2))
	}
	l += float64(v-1) * math.Log(b1)
	return sign * math.Exp(l)
}

// modNX returns floor(n·x) and the remainder n·x − floor(n·x), computed
// from the exact product (hi + lo via fused multiply-add).
func modNX(n int, x float64) (int, float64) {
	fn := float64(n)
	hi := fn * x
	lo := math.FMA(fn, x, -hi)
	fl := math.Floor(hi)
	alpha := (hi - fl) + lo
	if alpha < 0 {
		fl--
		alpha++
	}
	if alpha >= 1 {
		fl++
		alpha--
	}
	return int(fl), alpha
}

// neumaier adds v to the compensated sum (s, c) and returns the new pair.
func neumaier(s, c, v float64) (float64, float64) {
	t := s + v
	if math.Abs(s) >= math.Abs(v) {
		c += (s - t) + v
	} else {
		c += (v - t) + s
	}
	return t, c
}
