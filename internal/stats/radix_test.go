package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSortMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 20000)
	for i := range x {
		switch i % 5 {
		case 0:
			x[i] = rng.NormFloat64() * 1e6
		case 1:
			x[i] = -rng.ExpFloat64()
		case 2:
			x[i] = float64(rng.IntN(7))
		case 3:
			x[i] = math.Inf(1 - 2*(i%2))
		default:
			x[i] = math.Copysign(0, float64(i%3)-1) // ±0
		}
	}
	want := slices.Clone(x)
	slices.Sort(want)
	got := slices.Clone(x)
	radixSort(got)
	var s Sorter
	parts := s.SortParts([][]float64{slices.Clone(x[:7000]), slices.Clone(x[7000:])})
	for i := range want {
		if got[i] != want[i] || parts[i] != want[i] {
			t.Fatalf("at %d: radix %v, parts %v, want %v", i, got[i], parts[i], want[i])
		}
	}
}

func BenchmarkNumeric1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ref := make([]float64, 1_000_000)
	cur := make([]float64, 1_000_000)
	for i := range ref {
		ref[i], cur[i] = rng.NormFloat64(), rng.NormFloat64()+0.01
	}
	b.ResetTimer()
	for b.Loop() {
		a, c := slices.Clone(ref), slices.Clone(cur)
		Numeric(a, c, DefaultBins)
	}
}

func BenchmarkSortParts1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 1_000_000)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	var s Sorter
	b.ResetTimer()
	for b.Loop() {
		s.SortParts([][]float64{x})
	}
}

// TestRadixSortFewPasses covers keys that differ in no digit, in one, and
// in two, so that the first scatter is also the last, or is skipped.
func TestRadixSortFewPasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	cases := map[string]func(i int) float64{
		"constant":   func(int) float64 { return 2.5 },
		"low digit":  func(int) float64 { return math.Float64frombits(math.Float64bits(1) + uint64(rng.IntN(1<<11))) },
		"two digits": func(int) float64 { return math.Float64frombits(math.Float64bits(1) + uint64(rng.IntN(1<<22))) },
		"high digit": func(int) float64 { return float64(int(1) << rng.IntN(60)) },
	}
	for name, f := range cases {
		x := make([]float64, 9000)
		for i := range x {
			x[i] = f(i)
		}
		want := slices.Clone(x)
		slices.Sort(want)
		var s Sorter
		got := s.SortParts([][]float64{x[:100], x[100:5000], nil, x[5000:]})
		if !slices.Equal(got, want) {
			t.Errorf("%s: not sorted like slices.Sort", name)
		}
	}
}

// TestSortFloatsZeros: −0 comes before +0 in small and large slices alike,
// so the sorted bits do not depend on the order the values came in.
func TestSortFloatsZeros(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{5, 100, 4095, 5000} {
		x := make([]float64, n)
		for i := range x {
			switch rng.IntN(3) {
			case 0:
				x[i] = math.Copysign(0, -1)
			case 1:
				x[i] = 0
			default:
				x[i] = rng.NormFloat64()
			}
		}
		var want []uint64
		for try := 0; try < 3; try++ {
			rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
			y := slices.Clone(x)
			SortFloats(y)
			var got []uint64
			for i, v := range y {
				if i > 0 && (v < y[i-1] || (v == 0 && y[i-1] == 0 && !math.Signbit(y[i-1]) && math.Signbit(v))) {
					t.Fatalf("n=%d: %v before %v at %d", n, y[i-1], v, i)
				}
				got = append(got, math.Float64bits(v))
			}
			if want == nil {
				want = got
			} else if !slices.Equal(got, want) {
				t.Fatalf("n=%d: the sorted bits depend on the input's order", n)
			}
		}
	}
}
