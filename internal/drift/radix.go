package drift

import (
	"math"
	"unsafe"

	"gitlab.com/mlgate/mlgate/internal/hugemem"
)

// radixSort sorts x ascending by an LSD radix sort of 11-bit digits over
// the order-preserving transform of the float64 bits (flip all bits of a
// negative number, the sign bit of a positive one). −0 sorts before +0,
// which compare equal, so the order is a valid ascending order.
func radixSort(x []float64) {
	var s Sorter
	out := s.sortParts([][]float64{x}, len(x), &s.a)
	copy(x, out)
}

// Sorter sorts float samples with buffers it keeps between calls, so that
// sorting many columns does not allocate (and page-fault) new memory for
// each. A Sorter is not safe for concurrent use.
type Sorter struct {
	a, b, tmp []uint64
}

// SortParts returns the values of parts (no NaN) in one ascending slice
// that lives in the Sorter's first buffer: it stays valid until the next
// call that uses that buffer.
func (s *Sorter) SortParts(parts [][]float64) []float64 {
	return s.sortInto(parts, &s.a)
}

// SortParts2 is SortParts into the Sorter's second buffer, for the other
// sample of a pair.
func (s *Sorter) SortParts2(parts [][]float64) []float64 {
	return s.sortInto(parts, &s.b)
}

func (s *Sorter) sortInto(parts [][]float64, buf *[]uint64) []float64 {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n < 4096 {
		out := grow(buf, n)
		x := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(out))), n)
		x = x[:0]
		for _, p := range parts {
			x = append(x, p...)
		}
		sortSmall(x)
		return x
	}
	return s.sortParts(parts, n, buf)
}

func grow(buf *[]uint64, n int) []uint64 {
	if cap(*buf) < n {
		*buf = hugemem.Uint64s(n)
	}
	return (*buf)[:n]
}

// sortParts radix-sorts the n values of parts into buf.
func (s *Sorter) sortParts(parts [][]float64, n int, buf *[]uint64) []float64 {
	keys := grow(buf, n)[:0]
	// 11-bit digits (6 passes) keep the 2048 scatter targets of a pass
	// in cache and TLB; 16-bit digits (4 passes) were slower on 1M keys.
	const bits, buckets, passes = 11, 1 << 11, 6
	var counts [passes * buckets]int
	for _, p := range parts {
		for _, v := range p {
			k := floatKey(v)
			keys = append(keys, k)
			for d := 0; d < passes; d++ {
				counts[d*buckets+int((k>>(d*bits))&(buckets-1))]++
			}
		}
	}
	tmp := grow(&s.tmp, n)
	src, dst := keys, tmp
	for p := 0; p < passes; p++ {
		c := counts[p*buckets : (p+1)*buckets]
		shift := uint(p * bits)
		if c[(src[0]>>shift)&(buckets-1)] == n {
			continue // every key has the same digit: nothing to move
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		for _, k := range src {
			d := (k >> shift) & (buckets - 1)
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	// The floats are written over keys (which src may be).
	out := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(keys))), n)
	for i, k := range src {
		out[i] = math.Float64frombits(keyFloat(k))
	}
	return out
}

func floatKey(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

func keyFloat(k uint64) uint64 {
	if k>>63 == 1 {
		return k &^ (1 << 63)
	}
	return ^k
}
