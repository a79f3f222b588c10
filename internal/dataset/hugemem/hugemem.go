// Package hugemem allocates the large pointer-free buffers of column data
// and asks Linux to back them with transparent huge pages, which cuts the
// page faults of touching hundreds of megabytes by a factor of 512 where
// the kernel allows it (transparent_hugepage = madvise or always).
//
// A huge page must be 2 MiB-aligned, and Go aligns large objects to its
// 8 KiB pages only, so a buffer is cut from an allocation 2 MiB larger at
// its first 2 MiB boundary: the prefix is address space the program never
// touches, so it costs no memory.
package hugemem

import "unsafe"

const (
	// minBytes is the size below which huge pages cannot help.
	minBytes = 4 << 20
	huge     = 2 << 20
)

// Floats returns a []float64 of length 0 and capacity n.
func Floats(n int) []float64 {
	if n*8 < minBytes {
		return make([]float64, 0, n)
	}
	u := aligned(n)
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(u))), n)[:0]
}

// Uint64s returns a []uint64 of length n.
func Uint64s(n int) []uint64 {
	if n*8 < minBytes {
		return make([]uint64, n)
	}
	return aligned(n)
}

// Bytes returns a []byte of length n (rounded up to a multiple of 8 for
// the huge-page case: its capacity says how much).
func Bytes(n int) []byte {
	if n < minBytes {
		return make([]byte, n)
	}
	u := aligned((n + 7) / 8)
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(u))), len(u)*8)[:n]
}

// aligned returns n words that start on a 2 MiB boundary, advised to be
// huge pages up to the end of the last 2 MiB page they reach.
func aligned(n int) []uint64 {
	const words = huge / 8
	buf := make([]uint64, n+2*words)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	off := int(((p+huge-1)&^(huge-1) - p) / 8)
	span := (n*8 + huge - 1) &^ (huge - 1)
	advise(unsafe.Pointer(&buf[off]), span)
	return buf[off : off+n : off+n]
}
