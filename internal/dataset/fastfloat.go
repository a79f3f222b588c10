package dataset

import (
	"math"
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

// scanFloat reads the plain decimal ([+-]digits[.digits], at most 15
// significant digits) that starts at b[i] and ends at b's end or at the
// byte sep, and returns its value and the index of that end. ok is false
// for anything else (empty, an exponent, more digits, other bytes): the
// caller then takes the slow, general path. The value is Clinger's fast
// path, so it is the correctly rounded one.
func scanFloat(b []byte, i int, sep byte) (v float64, end int, ok bool) {
	n := len(b)
	neg := false
	if i < n && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var mant uint64
	digits, exp := 0, 0
	sawDigit := false
	for ; i < n; i++ {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		sawDigit = true
		if mant == 0 && c == 0 {
			continue
		}
		mant = mant*10 + uint64(c)
		digits++
	}
	if i < n && b[i] == '.' {
		i++
		for ; i < n; i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			sawDigit = true
			exp--
			if mant == 0 && c == 0 {
				continue
			}
			mant = mant*10 + uint64(c)
			digits++
		}
	}
	if !sawDigit || digits > 15 || -exp > 22 || (i < n && b[i] != sep) {
		return 0, i, false
	}
	f := float64(mant) / pow10[-exp]
	if neg {
		f = -f
	}
	return f, i, true
}

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
