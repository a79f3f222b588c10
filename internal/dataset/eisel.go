package dataset

import (
	"math"
	"math/big"
	"math/bits"
)

// Eisel and Lemire's algorithm rounds most decimals of up to 19 digits
// (the 17 significant digits of a shortest round-trip float among them)
// with one or two 64x64-bit multiplications, and says when it cannot.
// strconv.ParseFloat uses it too, but only after its own, slower scan of
// the string; scanFloat has the mantissa and exponent already.

// The powers of ten eiselLemire64 knows, as strconv's table has them.
const (
	pow10Min = -348
	pow10Max = 347
)

// pow10Tab holds, for each 10^e from 10^pow10Min, its 128-bit mantissa
// rounded down, scaled so that the high bit is set: {hi, lo}. It is
// computed at start-up (in well under a millisecond) rather than kept as
// 700 lines of constants; TestPow10TabMatchesStrconv checks it against
// Go's own table.
var pow10Tab = makePow10Tab()

func makePow10Tab() [pow10Max - pow10Min + 1][2]uint64 {
	var t [pow10Max - pow10Min + 1][2]uint64
	ten := big.NewInt(10)
	mask := new(big.Int).SetUint64(math.MaxUint64)
	for e := pow10Min; e <= pow10Max; e++ {
		p := new(big.Int).Exp(ten, big.NewInt(int64(max(e, -e))), nil)
		var m *big.Int
		if e >= 0 {
			if s := p.BitLen() - 128; s > 0 {
				m = p.Rsh(p, uint(s))
			} else {
				m = p.Lsh(p, uint(-s))
			}
		} else {
			// 2^s / 10^-e lies in [2^127, 2^128) for s = 127 + its
			// bit length (10^-e is not a power of two).
			m = new(big.Int).Lsh(big.NewInt(1), uint(127+p.BitLen()))
			m.Quo(m, p)
		}
		lo := new(big.Int).And(m, mask).Uint64()
		t[e-pow10Min] = [2]uint64{m.Rsh(m, 64).Uint64(), lo}
	}
	return t
}

// eiselLemire64 returns the float64 nearest to man * 10^exp10 (negated
// if neg), correctly rounded, or ok false when it cannot tell (then
// strconv must). It is strconv's eiselLemire64, Copyright 2020 The Go
// Authors, used under Go's BSD licence (LICENSE.go-strconv beside this
// file); its comments refer to the sections of
// https://nigeltao.github.io/blog/2020/eisel-lemire.html.
func eiselLemire64(man uint64, exp10 int, neg bool) (f float64, ok bool) {
	// Exp10 Range.
	if man == 0 {
		if neg {
			f = math.Float64frombits(1 << 63) // Negative zero.
		}
		return f, true
	}
	if exp10 < pow10Min || exp10 > pow10Max {
		return 0, false
	}
	pow := pow10Tab[exp10-pow10Min]
	exp2 := 1 + (exp10*108853)>>15 // 1 + floor(exp10 * log2(10))

	// Normalization.
	clz := bits.LeadingZeros64(man)
	man <<= uint(clz)
	retExp2 := uint64(exp2+63+1023) - uint64(clz)

	// Multiplication.
	xHi, xLo := bits.Mul64(man, pow[0])

	// Wider Approximation.
	if xHi&0x1FF == 0x1FF && xLo+man < man {
		yHi, yLo := bits.Mul64(man, pow[1])
		mergedHi, mergedLo := xHi, xLo+yHi
		if mergedLo < xLo {
			mergedHi++
		}
		if mergedHi&0x1FF == 0x1FF && mergedLo+1 == 0 && yLo+man < man {
			return 0, false
		}
		xHi, xLo = mergedHi, mergedLo
	}

	// Shifting to 54 Bits.
	msb := xHi >> 63
	retMantissa := xHi >> (msb + 9)
	retExp2 -= 1 ^ msb

	// Half-way Ambiguity.
	if xLo == 0 && xHi&0x1FF == 0 && retMantissa&3 == 1 {
		return 0, false
	}

	// From 54 to 53 Bits.
	retMantissa += retMantissa & 1
	retMantissa >>= 1
	if retMantissa>>53 > 0 {
		retMantissa >>= 1
		retExp2++
	}
	// Zero or underflow (retExp2 is unsigned) is subnormal, 0x7FF or
	// above is Inf or NaN: strconv's to do.
	if retExp2-1 >= 0x7FF-1 {
		return 0, false
	}
	retBits := retExp2<<52 | retMantissa&(1<<52-1)
	if neg {
		retBits |= 1 << 63
	}
	return math.Float64frombits(retBits), true
}
