package stats

import "math"

// Wasserstein is scipy.stats.wasserstein_distance(a, b) for two ascending
// samples without NaN: the integral of |F_a − F_b| over the pooled values.
// It returns NaN when a sample is empty.
func Wasserstein(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	na, nb := float64(len(a)), float64(len(b))
	i, j := 0, 0
	// prev is the previous pooled value; the ECDFs between prev and the
	// next value are i/na and j/nb (searchsorted "right" at prev).
	var prev float64
	var sum float64
	for k := 0; i < len(a) || j < len(b); k++ {
		takeA := j >= len(b) || (i < len(a) && a[i] <= b[j])
		v := b[min(j, len(b)-1)]
		if takeA {
			v = a[i]
		}
		if k > 0 {
			// i and j count the values ≤ prev: the ECDFs on [prev, v).
			sum += math.Abs(float64(i)/na-float64(j)/nb) * (v - prev)
		}
		if takeA {
			i++
		} else {
			j++
		}
		prev = v
	}
	return sum
}
