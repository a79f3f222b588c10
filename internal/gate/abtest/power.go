package abtest

import (
	"fmt"
	"math"
)

// EffectSizeH returns Cohen's h for a change from rate pa to rate pb,
// 2·asin√pb − 2·asin√pa, as statsmodels' proportion_effectsize(pb, pa).
func EffectSizeH(pa, pb float64) float64 {
	return 2*math.Asin(math.Sqrt(pb)) - 2*math.Asin(math.Sqrt(pa))
}

// Power returns the power of the two-sided two-sample z-test at level
// alpha to detect standardized effect h with na and nb units, counting both
// tails, as statsmodels' NormalIndPower().power(h, na, alpha, ratio=nb/na).
func Power(h, na, nb, alpha float64) float64 {
	crit := stdNormal.Quantile(1 - alpha/2)
	s := math.Abs(h) * math.Sqrt(1/(1/na+1/nb))
	return normalSF(crit-s) + normalSF(crit+s)
}

// SampleSize returns the smallest (real) control group size na such that a
// challenger group of ratio·na gives the two-sided test at level alpha the
// wanted power to detect effect size h, as statsmodels'
// NormalIndPower().solve_power(h, alpha=alpha, power=power, ratio=ratio).
// Round up for whole units.
func SampleSize(h, alpha, power, ratio float64) (float64, error) {
	switch {
	case !(alpha > 0 && alpha < 1):
		return 0, fmt.Errorf("%w: alpha %v, expected a number in (0, 1)", ErrInvalid, alpha)
	case !(power > alpha && power < 1):
		return 0, fmt.Errorf("%w: power %v, expected a number in (alpha, 1)", ErrInvalid, power)
	case !(ratio > 0) || math.IsInf(ratio, 0):
		return 0, fmt.Errorf("%w: group ratio %v, expected a number > 0", ErrInvalid, ratio)
	case h == 0 || math.IsNaN(h) || math.IsInf(h, 0):
		return 0, fmt.Errorf("%w: effect size %v, expected a finite non-zero effect", ErrInvalid, h)
	}
	// One-tail closed form as the start; the second tail only adds power,
	// so the answer lies below it.
	za := stdNormal.Quantile(1 - alpha/2)
	zb := stdNormal.Quantile(power)
	k := 1 + 1/ratio
	hi := (za + zb) * (za + zb) / (h * h) * k
	lo := hi / 2
	for Power(h, lo, ratio*lo, alpha) > power {
		lo /= 2
	}
	f := func(n float64) float64 { return Power(h, n, ratio*n, alpha) - power }
	for i := 0; i < 200 && hi-lo > 1e-12*hi; i++ {
		mid := (lo + hi) / 2
		if f(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, nil
}

// RequiredSamples returns the control and challenger group sizes needed to
// detect a relative change mde of the control's rate base (0.05 is a 5%
// lift) with a two-sided test at level alpha and the given power, when the
// challenger gets share of the units (0.1 for 10%). Both are rounded up.
func RequiredSamples(base, mde, alpha, power, share float64) (na, nb float64, err error) {
	if !(base > 0 && base < 1) {
		return 0, 0, fmt.Errorf("%w: baseline rate %v, expected a number in (0, 1)", ErrInvalid, base)
	}
	if !(share > 0 && share < 1) {
		return 0, 0, fmt.Errorf("%w: challenger share %v, expected a number in (0, 1)", ErrInvalid, share)
	}
	pb := base * (1 + mde)
	if !(pb > 0 && pb < 1) || mde == 0 {
		return 0, 0, fmt.Errorf("%w: minimum detectable effect %v on rate %v gives %v, expected a non-zero change to a rate in (0, 1)", ErrInvalid, mde, base, pb)
	}
	ratio := share / (1 - share)
	n, err := SampleSize(EffectSizeH(base, pb), alpha, power, ratio)
	if err != nil {
		return 0, 0, err
	}
	return math.Ceil(n), math.Ceil(ratio * n), nil
}
