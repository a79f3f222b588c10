// Package hugemem allocates the large pointer-free buffers of column data
// and asks Linux to back them with transparent huge pages, which cuts the
// page faults of touching hundreds of megabytes by a factor of 512 where
// the kernel allows it (transparent_hugepage = madvise or always).
package hugemem

import "unsafe"

// minBytes is the size below which huge pages cannot help.
const minBytes = 4 << 20

// Floats returns a []float64 of length 0 and capacity n.
func Floats(n int) []float64 {
	s := make([]float64, 0, n)
	if n*8 >= minBytes {
		advise(unsafe.Pointer(unsafe.SliceData(s)), n*8)
	}
	return s
}

// Uint64s returns a []uint64 of length n.
func Uint64s(n int) []uint64 {
	s := make([]uint64, n)
	if n*8 >= minBytes {
		advise(unsafe.Pointer(unsafe.SliceData(s)), n*8)
	}
	return s
}
