package drift

import (
	"math"
	"unsafe"
)

// radixSort sorts x ascending by an LSD radix sort of 11-bit digits over
// the order-preserving transform of the float64 bits (flip all bits of a
// negative number, the sign bit of a positive one). −0 sorts before +0,
// which compare equal, so the order is a valid ascending order.
func radixSort(x []float64) {
	keys := make([]uint64, len(x))
	for i, v := range x {
		keys[i] = floatKey(v)
	}
	sortKeys(keys, x)
}

// radixSortParts sorts the n values of parts into a new slice.
func radixSortParts(parts [][]float64, n int) []float64 {
	keys := make([]uint64, 0, n)
	for _, p := range parts {
		for _, v := range p {
			keys = append(keys, floatKey(v))
		}
	}
	// The sorted floats are written over the keys they come from.
	out := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(keys))), n)
	sortKeys(keys, out)
	return out
}

func floatKey(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// sortKeys radix-sorts keys and writes the floats they stand for, in
// order, to x (which may share keys' memory).
func sortKeys(keys []uint64, x []float64) {
	n := len(keys)
	tmp := make([]uint64, n)
	const bits, buckets = 11, 1 << 11
	var counts [6][buckets]int
	for _, k := range keys {
		for p := 0; p < 6; p++ {
			counts[p][(k>>(p*bits))&(buckets-1)]++
		}
	}
	src, dst := keys, tmp
	for p := 0; p < 6; p++ {
		c := &counts[p]
		if c[(src[0]>>(p*bits))&(buckets-1)] == n {
			continue // every key has the same digit: nothing to move
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		shift := uint(p * bits)
		for _, k := range src {
			d := (k >> shift) & (buckets - 1)
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	for i, b := range src {
		if b>>63 == 1 {
			b &^= 1 << 63
		} else {
			b = ^b
		}
		x[i] = math.Float64frombits(b)
	}
}
