package hugemem

import "testing"

func TestSizes(t *testing.T) {
	for _, n := range []int{0, 1, 1 << 10, 3 << 20} {
		f := Floats(n)
		u := Uint64s(n)
		if len(f) != 0 || cap(f) != n || len(u) != n {
			t.Errorf("n=%d: Floats len %d cap %d, Uint64s len %d", n, len(f), cap(f), len(u))
		}
		f = append(f, make([]float64, n)...)
		if len(f) != n {
			t.Errorf("n=%d: appended Floats has len %d", n, len(f))
		}
		for i := range u {
			u[i] = uint64(i)
		}
	}
}
