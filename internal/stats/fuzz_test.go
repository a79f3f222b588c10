package stats

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// FuzzKS2Samp feeds arbitrary small samples (decoded from bytes, NaN and
// infinities dropped) to the KS test: it must not panic, must give a
// statistic and p-value in [0, 1], and must not depend on which sample
// comes first.
func FuzzKS2Samp(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint8(1))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 8, 64}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		var x []float64
		for len(data) >= 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data))
			data = data[8:]
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				x = append(x, v)
			}
		}
		k := int(split)
		if len(x) < 2 || k == 0 || k >= len(x) {
			return
		}
		a, b := slices.Clone(x[:k]), slices.Clone(x[k:])
		slices.Sort(a)
		slices.Sort(b)
		r1, r2 := KS2Samp(a, b), KS2Samp(b, a)
		for _, r := range []KSResult{r1, r2} {
			if !(r.Statistic >= 0 && r.Statistic <= 1 && r.PValue >= 0 && r.PValue <= 1) {
				t.Fatalf("KS2Samp(%v, %v) = %+v: out of [0, 1]", a, b, r)
			}
		}
		if math.Abs(r1.Statistic-r2.Statistic) > 1e-12 || math.Abs(r1.PValue-r2.PValue) > 1e-9 {
			t.Fatalf("asymmetric: %+v vs %+v", r1, r2)
		}
		w := Wasserstein(a, b)
		if w < 0 || math.IsNaN(w) && !math.IsInf(a[0]-b[0], 0) {
			t.Fatalf("Wasserstein = %v", w)
		}
	})
}
