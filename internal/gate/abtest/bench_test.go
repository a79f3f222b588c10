package abtest

import (
	"os"
	"strconv"
	"testing"
)

// benchData returns the deterministic groups bench/bench-abtest.sh also
// builds in Python: BENCH_N values each (default 1,000,000), with ties.
func benchData(tb testing.TB) (a, b []float64) {
	tb.Helper()
	n := 1_000_000
	if s := os.Getenv("BENCH_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2 {
			tb.Fatalf("BENCH_N=%q, expected a count ≥ 2", s)
		}
		n = v
	}
	a, b = make([]float64, n), make([]float64, n)
	for i := range n {
		a[i] = float64((i*7919)%100003) / 1000
		b[i] = float64((i*7927)%100019)/1000 + 0.3
	}
	return a, b
}

func BenchmarkMannWhitney(b *testing.B) {
	x, y := benchData(b)
	var p float64
	for b.Loop() {
		r, err := MannWhitney(x, y)
		if err != nil {
			b.Fatal(err)
		}
		p = r.P
	}
	b.Logf("bench-p mann-whitney %.17g", p)
}

func BenchmarkWelch(b *testing.B) {
	x, y := benchData(b)
	var p float64
	for b.Loop() {
		r, err := Welch(x, y)
		if err != nil {
			b.Fatal(err)
		}
		p = r.P
	}
	b.Logf("bench-p welch %.17g", p)
}
