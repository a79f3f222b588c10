package hugemem

import (
	"testing"
	"unsafe"
)

func TestSizes(t *testing.T) {
	for _, n := range []int{0, 1, 1 << 10, 3 << 20} {
		f := Floats(n)
		u := Uint64s(n)
		if b := Bytes(n); len(b) != n {
			t.Errorf("Bytes(%d) has len %d", n, len(b))
		}
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

// TestAligned checks that large buffers start on a 2 MiB boundary, which
// a huge page needs.
func TestAligned(t *testing.T) {
	for _, n := range []int{minBytes / 8, 1_000_000, 3 << 20} {
		f, u := Floats(n), Uint64s(n)
		if b := Bytes(8*n + 5); len(b) != 8*n+5 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%huge != 0 {
			t.Errorf("Bytes(%d): len %d, starts at %#x", 8*n+5, len(b), unsafe.SliceData(b))
		}
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(f))); p%huge != 0 {
			t.Errorf("Floats(%d) starts at %#x, not on a 2 MiB boundary", n, p)
		}
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(u))); p%huge != 0 {
			t.Errorf("Uint64s(%d) starts at %#x, not on a 2 MiB boundary", n, p)
		}
		if cap(f) != n || len(u) != n || cap(u) != n {
			t.Errorf("n=%d: Floats cap %d, Uint64s len %d cap %d", n, cap(f), len(u), cap(u))
		}
	}
}
