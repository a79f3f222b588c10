package dataset

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unsafe"
)

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat reads a decimal number. Plain decimals of at most 15
// significant digits take Clinger's fast path (mantissa and power of ten
// both exact in float64, so one IEEE multiply or divide is correctly
// rounded); everything else goes to strconv.ParseFloat, so the result is
// always the correctly rounded value strconv gives. NaN, infinities,
// hexadecimal and underscores are not numbers here (missing values are
// recognised before).
func parseFloat(b []byte) (float64, bool) {
	if v, j, ok := scanFloat(b, 0, 0); ok && j == len(b) {
		return v, true
	}
	return slowFloat(b)
}

// scanFloat reads the plain decimal ([+-]digits[.digits], a mantissa
// below 2^53 and at most 22 fraction digits) that starts at b[i] and ends
// at b's end or at the byte sep, and returns its value and the index of
// that end. ok is false for anything else (empty, an exponent, more
// digits, other bytes): the caller then takes the slow, general path.
// The value is Clinger's fast path: mantissa and power of ten are both
// exact in float64, so the one division is correctly rounded.
//
// Runs of digits are read eight bytes at a time (digitRun) where b's
// capacity allows, else a byte at a time.
func scanFloat(b []byte, i int, sep byte) (v float64, end int, ok bool) {
	n := len(b)
	neg := false
	if i < n && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	mant, k, overflow := digitRun(b, i, 0)
	i += k
	digits := k
	exp := 0
	if i < n && b[i] == '.' {
		i++
		var kf int
		var of bool
		mant, kf, of = digitRun(b, i, mant)
		overflow = overflow || of
		i += kf
		digits += kf
		exp = -kf
	}
	if digits == 0 || overflow || mant > 1<<53 || -exp > 22 || (i < n && b[i] != sep) {
		return 0, i, false
	}
	f := float64(mant) / pow10[-exp]
	if neg {
		f = -f
	}
	return f, i, true
}

// digitRun reads the run of decimal digits at b[i:] (it stops at len(b)),
// appends them to mant and returns the new mantissa, the run's length and
// whether the mantissa may have overflowed (then the run's value is not
// in it).
func digitRun(b []byte, i int, mant uint64) (uint64, int, bool) {
	n := len(b)
	start := i
	for {
		if i+8 <= cap(b) && i < n {
			w := binary.LittleEndian.Uint64(b[i : i+8 : cap(b)])
			// A byte's high bit is set in bad when it is not a digit
			// (below '0': the subtraction borrows; above '9': the
			// addition carries); carries and borrows only reach bytes
			// after the first bad one, which are not read.
			bad := ((w + 0x4646464646464646) | (w - 0x3030303030303030)) & 0x8080808080808080
			k := min(bits.TrailingZeros64(bad)/8, n-i)
			if k == 0 {
				return mant, i - start, false
			}
			if mant > 1e11 { // mant·10^8 + 10^8 must stay below 2^64
				return mant, i - start + k, true
			}
			mant = mant*pow10u[k] + eightDigits((w-0x3030303030303030)<<(8*(8-k)))
			i += k
			if k < 8 {
				return mant, i - start, false
			}
			continue
		}
		// Fewer than eight bytes of capacity left: a byte at a time.
		for ; i < n; i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			if mant > 1e17 {
				return mant, i - start + 1, true
			}
			mant = mant*10 + uint64(c)
		}
		return mant, i - start, false
	}
}

// eightDigits is the value of the eight digits (0-9, not ASCII) packed in
// w, the first in the lowest byte, in three multiplications (the method
// of simdjson and fast_float).
func eightDigits(w uint64) uint64 {
	const mask = 0x000000FF000000FF
	const mul1 = 100 + 1000000<<32
	const mul2 = 1 + 10000<<32
	w = w*10 + w>>8
	return (((w & mask) * mul1) + (((w >> 16) & mask) * mul2)) >> 32
}

var pow10u = [...]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

func slowFloat(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	// Decimal notation only: strconv would also take "1_000" and hex
	// floats, which a CSV writer does not mean as numbers.
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return 0, false
		}
	}
	// The string is only read during the call; strconv's error (which
	// would keep it) is dropped.
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
