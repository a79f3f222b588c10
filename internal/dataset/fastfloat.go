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
	i, n := 0, len(b)
	if n == 0 {
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i++
	}
	var mant uint64
	digits, exp := 0, 0
	sawDigit := false
	for ; i < n && b[i] >= '0' && b[i] <= '9'; i++ {
		sawDigit = true
		if mant == 0 && b[i] == '0' {
			continue
		}
		mant = mant*10 + uint64(b[i]-'0')
		digits++
		if digits > 15 {
			return slowFloat(b)
		}
	}
	if i < n && b[i] == '.' {
		i++
		for ; i < n && b[i] >= '0' && b[i] <= '9'; i++ {
			sawDigit = true
			exp--
			if mant == 0 && b[i] == '0' {
				continue
			}
			mant = mant*10 + uint64(b[i]-'0')
			digits++
			if digits > 15 {
				return slowFloat(b)
			}
		}
	}
	if !sawDigit {
		return slowFloat(b)
	}
	if i < n {
		return slowFloat(b) // exponent or trailing characters
	}
	if -exp > 22 {
		return slowFloat(b)
	}
	f := float64(mant) / pow10[-exp]
	if neg {
		f = -f
	}
	return f, true
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
