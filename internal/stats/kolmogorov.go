package stats

import (
	"math"
)

// This file ports scipy.stats._ksstats (the distribution of the two-sided
// one-sample Kolmogorov–Smirnov statistic D_n, Simard & L'Ecuyer 2011) and
// the survival function of the one-sided statistic (scipy.special.smirnov)
// to Go. Names follow SciPy's so the two can be read side by side.

const (
	e128        = 128
	minLogExp   = -708
	cephMinLog  = -7.451332191019412076235e2 // cephes MINLOG
	smirnovMaxN = 1000000
)

var (
	ep128 = math.Ldexp(1, e128)
	em128 = math.Ldexp(1, -e128)
)

// KSTwoSF is scipy.stats.kstwo.sf(d, n): P(D_n > d) for the two-sided
// one-sample statistic with n observations; 1 below the support's lower
// end 1/(2n), 0 at d ≥ 1.
func KSTwoSF(d float64, n int) float64 {
	if n < 1 || math.IsNaN(d) {
		return math.NaN()
	}
	if d <= 0.5/float64(n) {
		return 1
	}
	if d >= 1 {
		return 0
	}
	return kolmogn(n, d, false)
}

func pick(cdfProb, sfProb float64, cdf bool) float64 {
	if cdf {
		return clip01(cdfProb)
	}
	return clip01(sfProb)
}

// kolmogn is _ksstats._kolmogn: the CDF (or SF) of D_n at x.
func kolmogn(n int, x float64, cdf bool) float64 {
	if x >= 1 {
		return pick(1, 0, cdf)
	}
	if x <= 0 {
		return pick(0, 1, cdf)
	}
	fn := float64(n)
	t := fn * x
	if t <= 1 { // Ruben–Gambino
		if t <= 0.5 {
			return pick(0, 1, cdf)
		}
		var prob float64
		if n <= 140 {
			prob = 1
			for i := 1; i <= n; i++ {
				prob *= float64(i) * (1 / fn) * (2*t - 1)
			}
		} else {
			prob = math.Exp(logNFactorialDivNPowN(fn) + fn*math.Log(2*t-1))
		}
		return pick(prob, 1-prob, cdf)
	}
	if t >= fn-1 {
		prob := 2 * math.Pow(1-x, fn)
		return pick(1-prob, prob, cdf)
	}
	if x >= 0.5 {
		prob := 2 * smirnov(n, x)
		return pick(1-prob, prob, cdf)
	}
	nxsq := t * x
	if n <= 140 {
		if nxsq <= 0.754693 {
			p := kolmognDMTW(n, x)
			return pick(p, 1-p, cdf)
		}
		if nxsq <= 4 {
			p := kolmognPomeranz(n, x)
			return pick(p, 1-p, cdf)
		}
		prob := 2 * smirnov(n, x)
		return pick(1-prob, prob, cdf)
	}
	if !cdf {
		if nxsq >= 370 {
			return 0
		}
		if nxsq >= 2.2 {
			return clip01(2 * smirnov(n, x))
		}
	}
	var cdfProb float64
	switch {
	case nxsq >= 18:
		cdfProb = 1
	case n <= 100000 && fn*math.Pow(x, 1.5) <= 1.4:
		cdfProb = kolmognDMTW(n, x)
	default:
		cdfProb = kolmognPelzGood(n, x)
	}
	return pick(cdfProb, 1-cdfProb, cdf)
}

var stirlingCoeffs = []float64{-2.955065359477124183e-2, 6.4102564102564102564e-3,
	-1.9175269175269175269e-3, 8.4175084175084175084e-4,
	-5.952380952380952381e-4, 7.9365079365079365079e-4,
	-2.7777777777777777778e-3, 8.3333333333333333333e-2}

// logNFactorialDivNPowN is log(n!/n^n) by Stirling's series.
func logNFactorialDivNPowN(n float64) float64 {
	rn := 1 / n
	x := rn / n
	p := 0.0
	for _, c := range stirlingCoeffs { // numpy.polyval, Horner
		p = p*x + c
	}
	return math.Log(n)/2 - n + math.Log(2*math.Pi)/2 + rn*p
}

// kolmognDMTW is _kolmogn_DMTW: P(D_n ≤ d) by Durbin's matrix algorithm
// as Marsaglia, Tsang and Wang compute it.
func kolmognDMTW(n int, d float64) float64 {
	if d >= 1 {
		return 1
	}
	nd := float64(n) * d
	if nd <= 0.5 {
		return 0
	}
	k := int(math.Ceil(nd))
	h := float64(k) - nd
	m := 2*k - 1
	H := newMat(m)
	v := make([]float64, m)
	w := make([]float64, m)
	fac := 1.0
	for j := 1; j <= m; j++ {
		v[j-1] = 1 - math.Pow(h, float64(j))
		w[j-1] = fac
		fac /= float64(j)
		v[j-1] *= fac
	}
	tt := math.Pow(max(2*h-1, 0), float64(m)) - 2*math.Pow(h, float64(m))
	v[m-1] = (1 + tt) * fac
	for i := 1; i < m; i++ {
		for r := i - 1; r < m; r++ {
			H.set(r, i, w[r-(i-1)])
		}
	}
	for r := 0; r < m; r++ {
		H.set(r, 0, v[r])
	}
	for c := 0; c < m; c++ {
		H.set(m-1, c, v[m-1-c])
	}
	P := identity(m)
	nn := n
	expnt, hexpnt := 0, 0
	for nn > 0 {
		if nn%2 == 1 {
			P = P.mul(H)
			expnt += hexpnt
		}
		H = H.mul(H)
		hexpnt *= 2
		if math.Abs(H.at(k-1, k-1)) > ep128 {
			H.scale(1 / ep128)
			hexpnt += e128
		}
		nn /= 2
	}
	p := P.at(k-1, k-1)
	for i := 1; i <= n; i++ {
		p = float64(i) * p / float64(n)
		if math.Abs(p) < em128 {
			p *= ep128
			expnt -= e128
		}
	}
	if expnt != 0 {
		p = math.Ldexp(p, expnt)
	}
	return clip01(p)
}

func pomeranzJ1J2(i, n, ll, ceilf, roundf int) (int, int) {
	var j1, j2 int
	if i == 0 {
		j1, j2 = -ll-ceilf-1, ll+ceilf-1
	} else {
		ip1div2, ip1mod2 := (i+1)/2, (i+1)%2
		if ip1mod2 == 0 {
			if ip1div2 == n+1 {
				j1, j2 = n-ll-ceilf-1, n+ll+ceilf-1
			} else {
				j1, j2 = ip1div2-1-ll-roundf-1, ip1div2+ll-1+ceilf-1
			}
		} else {
			j1, j2 = ip1div2-1-ll-1, ip1div2+ll+roundf-1
		}
	}
	return max(j1+2, 0), min(j2, n)
}

// kolmognPomeranz is _kolmogn_Pomeranz: P(D_n ≤ x) by Pomeranz's
// recursion.
func kolmognPomeranz(n int, x float64) float64 {
	fn := float64(n)
	t := fn * x
	ll := int(math.Floor(t))
	f := t - float64(ll)
	g := min(f, 1-f)
	ceilf, roundf := 0, 0
	if f > 0 {
		ceilf = 1
	}
	if f > 0.5 {
		roundf = 1
	}
	npwrs := 2 * (ll + 1)
	gpower := make([]float64, npwrs)
	twog := make([]float64, npwrs)
	onem2g := make([]float64, npwrs)
	gpower[0], twog[0], onem2g[0] = 1, 1, 1
	expnt := 0
	gn, tgn, om := g/fn, 2*g/fn, (1-2*g)/fn
	for m := 1; m < npwrs; m++ {
		gpower[m] = gpower[m-1] * gn / float64(m)
		twog[m] = twog[m-1] * tgn / float64(m)
		onem2g[m] = onem2g[m-1] * om / float64(m)
	}
	V0 := make([]float64, npwrs)
	V1 := make([]float64, npwrs)
	V1[0] = 1
	V0s, V1s := 0, 0
	j1, _ := pomeranzJ1J2(0, n, ll, ceilf, roundf)
	var j2 int
	for i := 1; i < 2*n+2; i++ {
		k1 := j1
		V0, V1 = V1, V0
		V0s, V1s = V1s, V0s
		clear(V1)
		j1, j2 = pomeranzJ1J2(i, n, ll, ceilf, roundf)
		var pwrs []float64
		switch {
		case i == 1 || i == 2*n+1:
			pwrs = gpower
		case i%2 == 1:
			pwrs = twog
		default:
			pwrs = onem2g
		}
		ln2 := j2 - k1 + 1
		if ln2 > 0 {
			lo := k1 - V0s
			hi := min(lo+ln2, len(V0))
			a := V0[lo:hi]
			b := pwrs[:min(ln2, len(pwrs))]
			convStart, convLen := j1-k1, j2-j1+1
			for c := 0; c < convLen; c++ {
				V1[c] = convAt(a, b, convStart+c)
			}
			mx := 0.0
			for _, v := range V1 {
				mx = max(mx, v)
			}
			if 0 < mx && mx < em128 {
				for c := range V1 {
					V1[c] *= ep128
				}
				expnt -= e128
			}
			V1s = V0s + j1 - k1
		}
	}
	ans := V1[n-V1s]
	for m := 1; m <= n; m++ {
		if math.Abs(ans) > ep128 {
			ans *= em128
			expnt += e128
		}
		ans *= float64(m)
	}
	if expnt != 0 {
		ans = math.Ldexp(ans, expnt)
	}
	return clip01(ans)
}

// convAt is element k of numpy.convolve(a, b) (full mode).
func convAt(a, b []float64, k int) float64 {
	s := 0.0
	for i := max(0, k-len(b)+1); i <= min(k, len(a)-1); i++ {
		s += a[i] * b[k-i]
	}
	return s
}

// kolmognPelzGood is _kolmogn_PelzGood: the Pelz–Good approximation of
// P(D_n ≤ x).
func kolmognPelzGood(n int, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	fn := float64(n)
	z := math.Sqrt(fn) * x
	z2, z3, z4, z6 := z*z, z*z*z, math.Pow(z, 4), math.Pow(z, 6)
	pi2, pi4, pi6 := math.Pi*math.Pi, math.Pow(math.Pi, 4), math.Pow(math.Pi, 6)
	qlog := -pi2 / 8 / z2
	if qlog < minLogExp {
		return 0
	}
	q := math.Exp(qlog)
	k1a, k1b := -z2, pi2/4
	k2a := 6*z6 + 2*z4
	k2b := (2*z4 - 5*z2) * pi2 / 4
	k2c := pi4 * (1 - 2*z2) / 16
	k3d := pi6 * (5 - 30*z2) / 64
	k3c := pi4 * (-60*z2 + 212*z4) / 16
	k3b := pi2 * (135*z4 - 96*z6) / 4
	k3a := -30*z6 - 90*math.Pow(z, 8)
	var K [4]float64
	maxk := int(math.Ceil(16 * z / math.Pi))
	for k := maxk; k > 0; k-- {
		m := float64(2*k - 1)
		m2, m4, m6 := m*m, math.Pow(m, 4), math.Pow(m, 6)
		qp := math.Pow(q, float64(8*k))
		c := [4]float64{1, k1a + k1b*m2, k2a + k2b*m2 + k2c*m4, k3a + k3b*m2 + k3c*m4 + k3d*m6}
		for i := range K {
			K[i] = K[i]*qp + c[i]
		}
	}
	den := [4]float64{z, 6 * z4, 72 * math.Pow(z, 7), 6480 * math.Pow(z, 10)}
	for i := range K {
		K[i] = K[i] * q * math.Sqrt(2*math.Pi) / den[i]
	}
	q = math.Exp(-pi2 / 2 / z2)
	var k2extra, k3extra float64
	sqrt3z := math.Sqrt(3) * z
	for k := maxk; k > 0; k-- {
		ks := float64(k)
		qp := math.Pow(q, ks*ks)
		k2extra += ks * ks * qp
		kspi := math.Pi * ks
		k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks * ks * qp
	}
	K[2] += k2extra * pi2 * math.Sqrt(2*math.Pi) / (-36 * z3)
	K[3] += k3extra * pi2 * math.Sqrt(2*math.Pi) / (216 * z6)
	sum := 0.0
	for i := range K {
		sum += K[i] / math.Pow(fn, float64(i)/2)
	}
	return sum
}
