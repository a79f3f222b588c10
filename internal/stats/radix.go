package stats

import (
	"math"
	"slices"
	"unsafe"

	"gitlab.com/mlgate/mlgate/internal/dataset/hugemem"
)

// radixSort sorts x ascending by an LSD radix sort of 13-bit digits over
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
	a, b, c, tmp []uint64
	counts       *[passes][buckets]uint32
	bm           *bucketMap
}

// The radix: 13-bit digits (5 passes) were the fastest on 1M keys:
// 11-bit ones take a sixth pass, 16-bit ones scatter to more targets than
// cache and TLB hold. Counts are 32 bits so that a pass's table (32 KiB)
// stays in the L1 cache; larger samples are sorted by slices.Sort.
const (
	bits     = 13
	buckets  = 1 << bits
	passes   = 5
	maxRadix = 1<<32 - 1
)

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
		// Headroom: columns differ by their missing values, and a buffer
		// a few values short would be replaced (and its fresh pages
		// faulted in) column after column.
		*buf = hugemem.Uint64s(n + n/8)
	}
	return (*buf)[:n]
}

// sortParts radix-sorts the n values of parts into buf. The first pass
// only counts every digit; the first scatter reads parts again and makes
// the keys as it moves them, and the last one turns keys back into
// floats as it writes them, so no pass only converts.
func (s *Sorter) sortParts(parts [][]float64, n int, buf *[]uint64) []float64 {
	keys := grow(buf, n)
	if n > maxRadix {
		out := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(keys))), n)[:0]
		for _, p := range parts {
			out = append(out, p...)
		}
		slices.Sort(out)
		return out
	}
	if s.counts == nil {
		s.counts = new([passes][buckets]uint32)
	} else {
		clear(s.counts[:])
	}
	h := s.counts
	var first uint64
	for _, p := range parts {
		for _, v := range p {
			k := floatKey(v)
			h[0][k&(buckets-1)]++
			h[1][(k>>bits)&(buckets-1)]++
			h[2][(k>>(2*bits))&(buckets-1)]++
			h[3][(k>>(3*bits))&(buckets-1)]++
			h[4][(k>>(4*bits))&(buckets-1)]++
		}
	}
	for _, p := range parts {
		if len(p) > 0 {
			first = floatKey(p[0])
			break
		}
	}
	// The passes that move anything: a digit every key shares is skipped.
	var moves []int
	for p := 0; p < passes; p++ {
		c := &h[p]
		if int(c[(first>>(p*bits))&(buckets-1)]) == n {
			continue
		}
		var sum uint32
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		moves = append(moves, p)
	}
	out := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(keys))), n)
	if len(moves) == 0 {
		// Every key is the same: the values are equal.
		i := 0
		for _, p := range parts {
			i += copy(out[i:], p)
		}
		return out
	}
	// Ping-pong between keys and tmp so that the last pass writes keys.
	tmp := grow(&s.tmp, n)
	dst, other := keys, tmp
	if len(moves)%2 == 0 {
		dst, other = tmp, keys
	}
	for m, p := range moves {
		c := &h[p]
		shift := uint(p * bits)
		last := m == len(moves)-1
		switch {
		case m == 0 && last:
			for _, part := range parts {
				for _, v := range part {
					k := floatKey(v)
					d := (k >> shift) & (buckets - 1)
					dst[c[d]] = keyFloat(k)
					c[d]++
				}
			}
		case m == 0:
			for _, part := range parts {
				for _, v := range part {
					k := floatKey(v)
					d := (k >> shift) & (buckets - 1)
					dst[c[d]] = k
					c[d]++
				}
			}
		case last:
			for _, k := range other {
				d := (k >> shift) & (buckets - 1)
				dst[c[d]] = keyFloat(k)
				c[d]++
			}
		default:
			for _, k := range other {
				d := (k >> shift) & (buckets - 1)
				dst[c[d]] = k
				c[d]++
			}
		}
		dst, other = other, dst
	}
	return out
}

// floatKey maps v's bits to an unsigned key in the order of the floats:
// the bits of a negative number flipped, the sign bit of a positive one
// set. The mask from the sign makes it branch-free: a branch on the sign
// of normal data is mispredicted every other value.
func floatKey(v float64) uint64 {
	b := math.Float64bits(v)
	mask := uint64(int64(b) >> 63)
	return b ^ (mask | 1<<63)
}

// keyFloat undoes floatKey, branch-free as well.
func keyFloat(k uint64) uint64 {
	mask := uint64(int64(^k) >> 63)
	return k ^ (mask | 1<<63)
}
