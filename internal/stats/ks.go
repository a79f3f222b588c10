package stats

import (
	"math"
)

// maxAutoN is ks_2samp's MAX_AUTO_N: method "auto" computes the exact
// p-value when both samples have at most this many values.
const maxAutoN = 10000

// KSResult is a two-sample Kolmogorov–Smirnov test.
type KSResult struct {
	// Statistic is sup |F_ref − F_cur|.
	Statistic float64
	// PValue is two-sided, as scipy.stats.ks_2samp(method="auto").
	PValue float64
	// Exact says whether PValue is the exact distribution (small
	// samples) or the asymptotic one.
	Exact bool
}

// KS2Samp is scipy.stats.ks_2samp(a, b, alternative="two-sided",
// method="auto") on two ascending samples without NaN. Exact p-values
// come from Hodges' lattice-path counts when max(n1, n2) ≤ 10000,
// otherwise from the distribution of the one-sample statistic with
// n = round(n1·n2/(n1+n2)) (scipy.stats.kstwo), as SciPy does. It returns
// NaN values when a sample is empty.
func KS2Samp(a, b []float64) KSResult {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return KSResult{Statistic: math.NaN(), PValue: math.NaN()}
	}
	return ksTest(n1, n2, ksStatistic(a, b))
}

// ksTest is KS2Samp for a statistic d already computed from samples of
// n1 and n2 values.
func ksTest(n1, n2 int, d float64) KSResult {
	g := gcd(n1, n2)
	exact := max(n1, n2) <= maxAutoN
	prob := math.NaN()
	if exact {
		var ok bool
		ok, d, prob = attemptExact2(n1, n2, g, d)
		if !ok {
			exact = false
		}
	}
	if !exact {
		m, n := float64(max(n1, n2)), float64(min(n1, n2))
		en := m * n / (m + n)
		prob = KSTwoSF(d, int(math.RoundToEven(en)))
	}
	return KSResult{Statistic: d, PValue: clip01(prob), Exact: exact}
}

// ksStatistic walks both sorted samples and returns ks_2samp's d: the
// larger of max(cdf1−cdf2) and max(cdf2−cdf1) over the pooled values,
// with the ECDFs computed as count/n exactly like numpy's searchsorted.
func ksStatistic(a, b []float64) float64 {
	n1, n2 := float64(len(a)), float64(len(b))
	i, j := 0, 0
	maxS, minS := math.Inf(-1), math.Inf(1)
	for i < len(a) || j < len(b) {
		var v float64
		switch {
		case j >= len(b) || (i < len(a) && a[i] <= b[j]):
			v = a[i]
		default:
			v = b[j]
		}
		for i < len(a) && a[i] <= v {
			i++
		}
		for j < len(b) && b[j] <= v {
			j++
		}
		diff := float64(i)/n1 - float64(j)/n2
		maxS = max(maxS, diff)
		minS = min(minS, diff)
	}
	lo := min(max(-minS, 0), 1)
	if lo > maxS {
		return lo
	}
	return maxS
}

// attemptExact2 is SciPy's _attempt_exact_2kssamp for the two-sided test:
// it rounds d to h/lcm(n1, n2) and counts lattice paths. ok is false when
// the count is not a probability (SciPy then falls back to asymptotics).
func attemptExact2(n1, n2, g int, d float64) (ok bool, dOut, prob float64) {
	lcm := float64((n1 / g) * n2)
	h := int(math.RoundToEven(d * lcm))
	d = float64(h) / lcm
	if h == 0 {
		return true, d, 1
	}
	if n1 == n2 {
		prob = probOutsideSquare(n1, h)
	} else {
		prob = outerProbInside(n1, n2, g, h)
	}
	if math.IsNaN(prob) || math.IsInf(prob, 0) || prob < 0 || prob > 1 {
		return false, d, prob
	}
	return true, d, prob
}

// probOutsideSquare is SciPy's _compute_prob_outside_square: the share of
// lattice paths from (0,0) to (n,n) that leave |x−y| < h, by a Horner-like
// alternating sum.
func probOutsideSquare(n, h int) float64 {
	p := 0.0
	for k := n / h; k >= 0; k-- {
		p1 := 1.0
		for j := 0; j < h; j++ {
			p1 = float64(n-k*h-j) * p1 / float64(n+k*h+j+1)
		}
		p = p1 * (1 - p)
	}
	return 2 * p
}

// outerProbInside is SciPy's _compute_outer_prob_inside_method (Hodges'
// inside method with Viehmann's recursion for 1 − p): the share of
// lattice paths from (0,0) to (m,n) that do not stay strictly inside
// |x/m − y/n| < h/lcm(m,n).
func outerProbInside(m, n, g, h int) float64 {
	if m < n {
		m, n = n, m
	}
	mg, ng := m/g, n/g
	minj, maxj := 0, min(ceilDiv(h, mg), n+1)
	curlen := maxj - minj
	lenA := min(2*maxj+2, n+1)
	A := make([]float64, lenA)
	for i := range A {
		A[i] = 1
	}
	for i := minj; i < maxj; i++ {
		A[i] = 0
	}
	for i := 1; i <= m; i++ {
		lastminj, lastlen := minj, curlen
		minj = max(floorDiv(ng*i-h, mg)+1, 0)
		minj = min(minj, n)
		maxj = min(ceilDiv(ng*i+h, mg), n+1)
		if maxj <= minj {
			return 1
		}
		val := 1.0
		if minj == 0 {
			val = 0
		}
		for jj := 0; jj < maxj-minj; jj++ {
			j := jj + minj
			val = (A[jj+minj-lastminj]*float64(i) + val*float64(j)) / float64(i+j)
			A[jj] = val
		}
		curlen = maxj - minj
		if lastlen > curlen {
			for k := maxj - minj; k < maxj-minj+(lastlen-curlen) && k < len(A); k++ {
				A[k] = 1
			}
		}
	}
	return A[maxj-minj-1]
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// floorDiv is floor(a/b) for b > 0, as Python's int(np.floor(a / b)).
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// ceilDiv is ceil(a/b) for b > 0.
func ceilDiv(a, b int) int { return -floorDiv(-a, b) }

func clip01(p float64) float64 {
	if math.IsNaN(p) {
		return p
	}
	return min(max(p, 0), 1)
}
