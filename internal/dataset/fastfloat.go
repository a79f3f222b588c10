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

// parseFloat reads a numeric cell: a finite number in decimal notation
// ([+-]digits[.digits][(e|E)[+-]digits], digits on either side of the
// point may be left out but not both), exactly as strconv.ParseFloat
// rounds it (parseFloatExact). NaN, infinities, hexadecimal and
// underscores, which strconv also takes, are not numbers here (missing
// values are recognised before).
func parseFloat(b []byte) (float64, bool) {
	v, end, st := scanFloat(b, 0, 0)
	switch {
	case st == scanValue && end == len(b):
		return v, true
	case st == scanExact && end == len(b):
		return exactFloat(b)
	}
	return slowFloat(b)
}

// parseFloatExact is strconv.ParseFloat(string(b), 64) without the string
// and without its error: the same value bit for bit, and ok exactly when
// strconv returns no error, for every input (infinities, NaN, hexadecimal
// and underscores included). Only the plain decimals scanFloat reads take
// a path of their own.
func parseFloatExact(b []byte) (float64, bool) {
	v, end, st := scanFloat(b, 0, 0)
	if st == scanValue && end == len(b) {
		return v, true
	}
	if len(b) == 0 {
		return 0, false
	}
	return exactFloat(b)
}

// What scanFloat found.
const (
	// scanNone: not a plain decimal (or not one that ends at the cell's
	// end); the caller takes the general path.
	scanNone uint8 = iota
	// scanValue: a plain decimal, and v is its correctly rounded value.
	scanValue
	// scanExact: a plain decimal whose rounding is strconv's to do
	// (exactFloat); it may still be out of range.
	scanExact
)

// scanFloat reads the plain decimal ([+-]digits[.digits][(e|E)[+-]digits],
// at least one mantissa digit) that starts at b[i] and ends at b's end or
// at the byte sep, and returns the index of that end and what it found
// (scanNone for anything else). The value, for scanValue, is Clinger's
// fast path where it applies: a mantissa of at most 2^53 and a power of
// ten of at most 10^22 are both exact in float64, so the one
// multiplication or division is correctly rounded. Longer mantissas (17
// significant digits, as the shortest round-trip form often has) and
// larger exponents go to Eisel-Lemire (eiselLemire64), as in strconv;
// what neither rounds (more than 19 digits, subnormals, halfway cases)
// is scanExact: the cell is scanned once, and strconv reads only those.
//
// Runs of digits are read eight bytes at a time (digitRun) where b's
// capacity allows, else a byte at a time.
func scanFloat(b []byte, i int, sep byte) (v float64, end int, st uint8) {
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
	if digits == 0 {
		return 0, i, scanNone
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < n && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		e, ke := 0, 0
		for ; i < n && b[i]-'0' <= 9; i++ {
			if e < 1<<20 { // larger is strconv's to read
				e = e*10 + int(b[i]-'0')
			}
			ke++
		}
		if ke == 0 {
			return 0, i, scanNone
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i < n && b[i] != sep {
		return 0, i, scanNone
	}
	if overflow {
		return 0, i, scanExact
	}
	if mant > 1<<53 || exp < -22 || exp > 22 {
		if f, ok := eiselLemire64(mant, exp, neg); ok {
			return f, i, scanValue
		}
		return 0, i, scanExact
	}
	f := float64(mant)
	if exp < 0 {
		f /= pow10[-exp]
	} else {
		f *= pow10[exp]
	}
	if neg {
		f = -f
	}
	return f, i, scanValue
}

// digitRun reads the run of decimal digits at b[i:] (it stops at len(b)),
// appends them to mant and returns the new mantissa, the run's length and
// whether the mantissa overflowed 64 bits (then the run's value is not in
// it, but the length still is).
func digitRun(b []byte, i int, mant uint64) (uint64, int, bool) {
	n := len(b)
	start := i
	over := false
	for i+8 <= cap(b) && i < n {
		w := binary.LittleEndian.Uint64(b[i : i+8 : cap(b)])
		// A byte's high bit is set in bad when it is not a digit
		// (below '0': the subtraction borrows; above '9': the
		// addition carries); carries and borrows only reach bytes
		// after the first bad one, which are not read.
		bad := ((w + 0x4646464646464646) | (w - 0x3030303030303030)) & 0x8080808080808080
		k := min(bits.TrailingZeros64(bad)/8, n-i)
		if k == 0 {
			return mant, i - start, over
		}
		if !over {
			hi, lo := bits.Mul64(mant, pow10u[k])
			var carry uint64
			mant, carry = bits.Add64(lo, eightDigits((w-0x3030303030303030)<<(8*(8-k))), 0)
			over = hi|carry != 0
		}
		i += k
		if k < 8 {
			return mant, i - start, over
		}
	}
	// Fewer than eight bytes of capacity left: a byte at a time.
	for ; i < n; i++ {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		if mant > 1e18 {
			over = true
		}
		mant = mant*10 + uint64(c)
	}
	return mant, i - start, over
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

// exactFloat is strconv.ParseFloat of b, read in place.
func exactFloat(b []byte) (float64, bool) {
	// The string only lives during the call: strconv keeps a copy of
	// it in its error (which is dropped), never the string itself.
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	return f, err == nil
}

// slowFloat is parseFloat's general path, for the cells scanFloat does
// not read: strconv, in decimal notation only and finite.
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
	f, ok := exactFloat(b)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
